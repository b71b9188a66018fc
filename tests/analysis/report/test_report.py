"""``engram report``: one self-contained HTML page, built from what the store holds."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

import engram
from engram.analysis.compare import compare
from engram.analysis.failures import SIDES, failure_modes
from engram.analysis.report import build_report, write_report
from engram.analysis.report.html import CHART_CHECK
from engram.datasets.synthetic import BASELINE_AGENT, MCP_AGENT, default_scenario, write_corpus
from engram.errors import EngramError
from engram.mining.miner import MiningSettings
from engram.mining.stats import wilson_interval
from engram.rules import Evidence, Rule, rule_id
from engram.store import Store, open_store
from tests.conftest import Restore

SCRIPT = "<script>alert(1)</script>"
EVIL_RULE = f'{SCRIPT} Use the "docs" tool & check'
NOW = datetime(2026, 2, 3, 4, 5, tzinfo=UTC)
HEADINGS = (
    "engram report", "Pass rates", "By configuration", "By category", "Comparison", "Tasks",
    "Excluded runs", "Tokens, cost and duration", "Input tokens", "Output tokens", "Cost",
    "Duration", "Failures", "Top failure clusters", "Playbook",
)  # fmt: skip


def write_sample(path: Path) -> Path:
    """The 600-run sample corpus, with a script planted in one error run's task id and message."""
    write_corpus(default_scenario(runs=600, seed=5), path)
    data = json.loads(path.read_text())
    run = next(r for r in data["traces"] if r["status"] == "error")
    run["task_id"] = f"{SCRIPT}__0000000"
    run["error"] = f"RuntimeError: {SCRIPT} while starting"
    path.write_text(json.dumps(data))
    return path


def learn_sample(corpus: Path) -> Store:
    """A store with the sample's runs, its mined rules and one rule whose text is hostile."""
    engram.learn([corpus], tags=["sample"], settings=MiningSettings(alpha=0.5))
    store = open_store()
    evidence = Evidence(20, 15, 30, 10, 0.4167, 0.15, 0.6, 0.004, 0.02)
    evil = Rule(rule_id("all", "", "do", "tool:evil"), "do", "all", "", "tool:evil", EVIL_RULE,
                evidence, score=0.15)  # fmt: skip
    store.save_rules([evil], scope_kinds=["all"], learn_id=None)
    return store


class Page(HTMLParser):
    """What a test reads of the page: tables by id (rows of cell texts), headings, scripts,
    every attribute, and the ``<body>``'s attributes."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self.headings: list[str] = []
        self.scripts: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.body: dict[str, str] = {}
        self.html_table: str | None = None
        self._open: list[str] | None = None  # text being collected
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes += [(tag, name, value or "") for name, value in attrs]
        named = dict(attrs)
        if tag == "body":
            self.body = {k: v or "" for k, v in attrs}
        elif tag == "table":
            self.html_table = named.get("id") or ""
            self.tables[self.html_table] = []
        elif tag == "tr" and self.html_table is not None:
            self.tables[self.html_table].append([])
        elif tag in ("td", "th", "h1", "h2", "h3", "script"):
            self._open = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.html_table = None
        elif tag in ("td", "th") and self._open is not None and self.html_table is not None:
            self.tables[self.html_table][-1].append("".join(self._open).strip())
            self._open = None
        elif tag in ("h1", "h2", "h3") and self._open is not None:
            self.headings.append("".join(self._open).strip())
            self._open = None
        elif tag == "script" and self._open is not None:
            self.scripts.append("".join(self._open))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.append(data)

    def rows(self, table_id: str) -> list[list[str]]:
        """The table's rows below its header."""
        return self.tables[table_id][1:]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample(tmp_path_factory.mktemp("report") / "sample.json")


@pytest.fixture
def store(restore: Restore, corpus: Path) -> Iterator[Store]:
    restore("report-sample", lambda: learn_sample(corpus).close())
    with open_store() as opened:
        yield opened


@pytest.fixture(scope="module")
def reports() -> dict[str, str]:
    return {}


@pytest.fixture
def report(store: Store, reports: dict[str, str]) -> str:
    """The sample store's report, built once: every test's store is a copy of the same one,
    and the page differs between copies only in the store's path."""
    if "sample" not in reports:
        reports["sample"] = build_report(store, now=NOW)
    return reports["sample"]


def test_the_report_has_every_section_and_a_chart_for_each(report: str) -> None:
    page = Page(report)
    for heading in HEADINGS:
        assert heading in page.headings
    # two pass-rate charts, four distributions, failure classes, rule effects
    assert page.body["data-charts"] == "8"
    assert report.count('<figure class="chart">') == 8 == report.count("<svg ")
    for chart in ("pass-configuration", "pass-category", "input-tokens", "output-tokens",
                  "cost-usd", "duration-s", "failure-classes", "rule-effects"):  # fmt: skip
        assert f'id="chart-{chart}"' in report
        assert f'id="chart-{chart}-mark-0"' in report
    assert "Generated</dt><dd>2026-02-03 04:05 UTC" in report


def test_the_header_and_pass_rate_tables_give_the_stores_numbers(store: Store, report: str) -> None:
    runs = store.run_frame({})
    assert runs["model"].nunique() == 1  # so a configuration is the agent alone
    page = Page(report)
    for table, column in (("rates-configuration", "agent"), ("rates-category", "category")):
        expected = []
        for name, part in runs.groupby(column):
            valid = part[part["valid"].astype(bool)]
            passed = int(valid["passed"].astype(bool).sum())
            low, high = wilson_interval(passed, len(valid))
            expected.append([str(name), f"{len(part):,}", f"{len(valid):,}", f"{passed:,}",
                             f"{100 * passed / len(valid):.1f}%",
                             f"{100 * low:.1f}% – {100 * high:.1f}%"])  # fmt: skip
        assert page.rows(table) == expected
    valid = runs[runs["valid"].astype(bool)]
    passed = int(valid["passed"].astype(bool).sum())
    assert f"<dt>Runs</dt><dd>{len(runs):,}</dd>" in report
    assert f"<dt>Valid runs</dt><dd>{len(valid):,} " in report
    assert f"{100 * passed / len(valid):.1f}% ({passed:,} of {len(valid):,} valid runs" in report


def test_the_comparison_defaults_to_the_two_agents_with_most_runs(
    store: Store, report: str
) -> None:
    assert BASELINE_AGENT < MCP_AGENT
    data = compare(store, {"agent": BASELINE_AGENT}, {"agent": MCP_AGENT}).as_dict()
    page = Page(report)
    assert f"baseline {BASELINE_AGENT}, treatment {MCP_AGENT}" in report
    assert f'<p class="verdict" id="verdict">{escape(data["verdict"])}</p>' in report
    sides = page.rows("comparison-sides")
    assert [row[:6] for row in sides] == [
        [side, data[side]["selector"], f"{data[side]['runs']:,}",
         f"{data[side]['valid']:,}", f"{data[side]['passed']:,}",
         f"{100 * data[side]['pass_rate']:.1f}%"]
        for side in ("baseline", "treatment")
    ]  # fmt: skip
    tasks = page.rows("comparison-tasks")
    assert [(row[0], row[3]) for row in tasks] == [
        (t["task_id"], t["outcome"]) for t in data["tasks"]
    ]
    assert any(row[3] == "fail → pass" for row in tasks)
    excluded = page.rows("comparison-excluded")
    assert [(row[0], row[1], row[3]) for row in excluded] == [
        (e["task_id"], e["side"], e["reason"]) for e in data["excluded"]
    ]
    assert excluded and {"infrastructure", "model_provider"} <= {row[3] for row in excluded}


def test_the_comparison_uses_the_given_baseline_and_treatment(store: Store) -> None:
    baseline, treatment = {"agent": MCP_AGENT}, {"agent": BASELINE_AGENT, "tag": "sample"}
    report = build_report(store, {"category": "refactoring"}, baseline, treatment, now=NOW)
    verdict = compare(store, baseline, treatment).as_dict()["verdict"]
    assert "Baseline and treatment as given." in report
    assert escape(verdict) in report
    assert [row[1] for row in Page(report).rows("comparison-sides")] == [
        f"agent={MCP_AGENT}",
        f"agent={BASELINE_AGENT},tag=sample",
    ]
    with pytest.raises(EngramError, match="both a baseline and a treatment"):
        build_report(store, baseline=baseline)


def test_failure_classes_and_clusters_are_shown_by_side(store: Store, report: str) -> None:
    modes = failure_modes(store, {}).as_dict()
    page = Page(report)
    assert [(r[0], r[1], r[2]) for r in page.rows("failure-classes")] == [
        (c["class"], "the agent" if c["side"] == "agent" else "not the agent's doing",
         f"{c['runs']:,}")
        for c in modes["classes"]
    ]  # fmt: skip
    sides = {r[1] for r in page.rows("failure-classes")}
    assert sides == {"the agent", "not the agent's doing"}
    clusters = page.rows("failure-clusters")
    per_side = [min(15, sum(c["side"] == side for c in modes["clusters"])) for side in SIDES]
    assert 0 < len(clusters) == sum(per_side) and all(per_side)
    assert [row[2] for row in clusters] == [
        "the agent" if side == "agent" else "not the agent's doing"
        for side, n in zip(SIDES, per_side, strict=True)
        for _ in range(n)
    ]
    by_template = {c["template"]: c for c in modes["clusters"]}
    for template, kind, _, runs, _, tasks, _ in clusters:
        assert (by_template[template]["kind"], by_template[template]["runs"]) == (kind, int(runs))
        assert by_template[template]["tasks"] == int(tasks)
    assert '<span class="side-environment">' in report and '<span class="side-agent">' in report


def test_the_playbook_lists_the_rules_with_their_evidence(store: Store, report: str) -> None:
    rules = store.rules()
    assert len(rules) >= 2
    rows = Page(report).rows("rules")
    assert [row[3] for row in rows] == [rule.text for rule in rules if not rule.is_failure]
    evil = next(row for row in rows if row[3] == EVIL_RULE)
    assert evil[:3] == ["active", "do", "all runs"]
    assert evil[4:] == ["15/20 (75.0%)", "10/30 (33.3%)", "50", "+41.7 [+15.0, +60.0]", "0.02"]
    assert escape(EVIL_RULE) in report


def test_failure_rules_show_the_share_of_runs_they_ended(store: Store) -> None:
    evidence = Evidence(44, 0, 489, 293, 44 / 533, 0.061, 0.11, 0.0009, 0.0075)
    feature = "failure:import:0123456789"
    rule = Rule(rule_id("all", "", "avoid", feature), "avoid", "all", "", feature,
                "Check that every import resolves before finishing.", evidence, score=0.061,
                merged_features=["template:ModuleNotFoundError: No module named <STR>"])  # fmt: skip
    store.save_rules([rule], scope_kinds=["all"], learn_id=None)
    page = Page(build_report(store, now=NOW))
    assert rule.text not in [row[3] for row in page.rows("rules")]
    (row,) = [row for row in page.rows("failure-rules") if row[3] == rule.text]
    assert row == ["active", "avoid", "all runs", rule.text, "44 of 533", "8.3% [6.1%, 11.0%]",
                   "0.0075"]  # fmt: skip


def test_text_from_traces_is_escaped(store: Store, report: str) -> None:
    escaped = escape(SCRIPT)
    assert SCRIPT not in report and "<script>alert" not in report
    page = Page(report)
    assert page.scripts == [CHART_CHECK]  # the page's own check is its only script
    assert report.count("<script") == 1
    assert f"<code>{escaped}</code>" in report  # the planted task id, in the comparison
    assert SCRIPT in [row[0] for row in page.rows("comparison-excluded")]
    templates = [row[0] for row in page.rows("failure-clusters")]
    assert any("<script>" in template for template in templates)  # the planted message
    assert escape(EVIL_RULE) in report
    assert "Content-Security-Policy" in report and "script-src 'sha256-" in report


def test_the_page_loads_nothing_from_outside(report: str) -> None:
    page = Page(report)
    for _, name, value in page.attributes:
        if name == "xmlns" or name.startswith("xmlns:"):
            continue  # namespace names, never fetched
        assert not re.search(r"""(?i)(https?:|url\(\s*["']?(?!#)|^\s*//)""", value), value
    links = [value for _, name, value in page.attributes if name.endswith("href") or name == "src"]
    assert links and all(value.startswith("#") for value in links)
    assert not re.search(r"(?i)<(link|img|iframe|object|embed)\b", report)
    assert "@import" not in report
    assert not re.search(r"""url\(\s*["']?(?!#)""", report)  # in CSS as well as attributes
    assert not re.search(r"""(?i)\b(src|href)\s*=\s*["']?\s*https?:""", report)


def test_the_report_is_deterministic_and_small(store: Store) -> None:
    report = build_report(store, now=NOW)
    assert build_report(store, now=NOW) == report
    assert 20_000 < len(report.encode()) < 400_000
    assert "<metadata>" not in report and "<?xml" not in report


def test_a_metric_without_data_is_left_out(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    runs = store.run_frame({})
    runs["cost_usd"] = None
    monkeypatch.setattr(store, "run_frame", lambda selectors=None: runs.copy())
    report = build_report(store, now=NOW)
    assert 'id="chart-cost-usd"' not in report and "<h3>Cost</h3>" not in report
    assert 'id="chart-duration-s"' in report
    assert Page(report).body["data-charts"] == "7"


def test_an_empty_store_gives_a_report_that_says_so() -> None:
    with open_store(create=True) as store:
        report = build_report(store, now=NOW)
    page = Page(report)
    assert "There are no runs in this store yet." in report
    assert page.body["data-charts"] == "0" and "<svg" not in report
    assert "Playbook" in page.headings and "There are no active or pinned rules." in report
    assert "<dt>Runs</dt><dd>0</dd>" in report and "Comparison" not in page.headings


def test_selectors_that_match_nothing_give_a_report_that_says_so(store: Store) -> None:
    report = build_report(store, {"agent": SCRIPT}, now=NOW)
    assert f"There are no runs that match agent={escape(SCRIPT)}." in report
    assert Page(report).body["data-charts"] == "1"  # the playbook's chart only
    assert SCRIPT not in report


def test_write_report_and_the_command(store: Store, tmp_path: Path) -> None:
    path = write_report(tmp_path / "out" / "report.html", store, {"category": "refactoring"})
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "category=refactoring" in text
    assert [p.name for p in path.parent.iterdir()] == ["report.html"]

    from engram.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["report", "-o", "cli.html", "category=refactoring",
                                 "--baseline", f"agent={BASELINE_AGENT}",
                                 "--treatment", f"agent={MCP_AGENT}"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "wrote cli.html" in result.stderr
    text = Path("cli.html").read_text(encoding="utf-8")
    assert "Baseline and treatment as given." in text and "category=refactoring" in text
    alone = runner.invoke(app, ["report", "-o", "x.html", "--baseline", "agent=A"])
    assert alone.exit_code == 1 and "both a baseline and a treatment" in alone.stderr
    assert not Path("x.html").exists()


def test_rules_people_wrote_show_no_invented_evidence(store: Store) -> None:
    from engram.playbook.curation import add

    rule = add(store, "Ask before deleting files.", "avoid", None)
    page = Page(build_report(store, now=NOW))
    assert rule.text not in [row[3] for row in page.rows("rules")]  # nor in the effect chart
    (row,) = page.rows("people-rules")
    assert row == ["active", "avoid", "all runs", rule.text, "0", "-"]
