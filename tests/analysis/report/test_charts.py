"""The report's charts: SVG text, one marked element per drawn value, labels escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from engram.analysis.report import charts


def marks(svg: str, chart_id: str) -> list[str]:
    return re.findall(rf'id="({chart_id}-mark-\d+)"', svg)


def test_a_rate_chart_marks_a_bar_and_an_interval_per_rate() -> None:
    svg = charts.rate_chart("rates", ["claude-code", "openhands"], [0.7, 0.4],
                            [(0.6, 0.8), (0.3, 0.5)], [100, 80])  # fmt: skip
    ET.fromstring(svg)  # one well-formed SVG element, no XML prolog
    assert svg.startswith("<svg") and "<?xml" not in svg
    assert len(marks(svg, "rates")) == 3  # two bars, and the intervals' one collection
    assert "claude-code" in svg and "n=100" in svg  # text stays text


def test_the_same_data_draws_the_same_chart() -> None:
    args = ("rates", ["a"], [0.5], [(0.4, 0.6)], [10])
    assert charts.rate_chart(*args) == charts.rate_chart(*args)


def test_a_label_from_trace_text_is_escaped_and_shortened() -> None:
    label = '<script>alert("x")</script> $x$ ' + "y" * 100
    svg = charts.rate_chart("hostile", [label], [0.5], [(0.4, 0.6)], [10])
    root = ET.fromstring(svg)
    assert not any(element.tag.endswith("script") for element in root.iter())
    texts = "".join(root.itertext())
    assert "<script>" in texts and "y" * 100 not in texts  # shown as text, cut to the limit
    assert len(label) > charts.LABEL_LIMIT
