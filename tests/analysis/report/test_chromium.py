"""The report in a real browser: every chart is drawn, and the page is not blank.

Chromium renders the page headless; the page's own check counts the charts whose SVG has a
non-empty box and drawn data marks (``data-charts-drawn``) against those expected
(``data-charts``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from engram.analysis.report import write_report
from tests.analysis.report.test_report import NOW, learn_sample, write_sample

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Chromium on PATH as `chromium` (CI installs it)"
)


def _chromium(page: Path, profile: Path, *args: str) -> str:
    assert CHROMIUM is not None
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", f"--user-data-dir={profile}", *args,
         page.resolve().as_uri()],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return done.stdout


def _body(dom: str) -> dict[str, str]:
    found = re.search(r"<body([^>]*)>", dom)
    assert found, dom[:500]
    return dict(re.findall(r'([\w-]+)="([^"]*)"', found.group(1)))


@pytest.fixture
def report(tmp_path: Path) -> Path:
    with learn_sample(write_sample(tmp_path / "sample.json")) as store:
        return write_report(tmp_path / "report.html", store, now=NOW)


def test_every_chart_is_drawn(report: Path, tmp_path: Path) -> None:
    body = _body(_chromium(report, tmp_path / "profile", "--dump-dom"))
    assert int(body["data-charts"]) == 8
    assert body.get("data-charts-drawn") == body["data-charts"]


def test_a_chart_without_marks_is_not_counted(report: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.html"
    text = report.read_text(encoding="utf-8")
    broken.write_text(text.replace('id="chart-pass-category-mark-', 'id="gone-'), "utf-8")
    body = _body(_chromium(broken, tmp_path / "profile", "--dump-dom"))
    assert body["data-charts-drawn"] == str(int(body["data-charts"]) - 1)


def test_the_page_is_not_blank(report: Path, tmp_path: Path) -> None:
    from matplotlib.image import imread

    shot = tmp_path / "shot.png"
    _chromium(report, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1200,3000")
    pixels = imread(shot)
    assert pixels.shape[:2] == (3000, 1200)
    inked = (pixels[..., :3] < 0.9).any(axis=-1)
    assert inked.sum() > 40_000  # text, tables and the charts' bars
    assert inked[:1000].sum() > 10_000  # the header and the first chart, at the top
