"""The report's page and tables: every cell escaped unless marked safe, numbers in words."""

from __future__ import annotations

from html.parser import HTMLParser

from engram.analysis.report.data import Rate
from engram.analysis.report.page import (
    Page,
    Safe,
    html_text,
    interval_words,
    metric_format,
    page_document,
    pct,
    points,
    rate_words,
    side_label,
)
from engram.analysis.report.tables import html_table, rate_table

HOSTILE = '<script>alert("x")</script> & \'quoted\''


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def tags_of(html: str) -> list[str]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def test_text_is_escaped_unless_it_is_marked_safe() -> None:
    assert html_text(HOSTILE) == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27;"
    )
    assert html_text(Safe("<b>kept</b>")) == "<b>kept</b>"
    assert html_text(3) == "3"


def test_a_table_escapes_every_cell_and_header_and_says_when_it_is_empty() -> None:
    table = html_table("t", [HOSTILE, "n"], [[HOSTILE, 1], [Safe("<code>x</code>"), 2]], {1})
    assert tags_of(table).count("script") == 0 and tags_of(table).count("code") == 1
    assert table.count('<td class="num">') == 2 and table.startswith('<table id="t">')
    assert html_table("none", ["a"], [], empty=HOSTILE) == (
        f'<p class="empty" id="none">{html_text(HOSTILE)}</p>'
    )


def test_a_rate_is_said_with_its_counts_and_wilson_interval() -> None:
    rate = Rate("claude-code", runs=12, valid=10, passed=7)
    assert pct(rate.rate) == "70.0%"
    low, high = rate.interval or (0.0, 0.0)
    assert interval_words(rate) == f"{pct(low)} – {pct(high)}"
    assert rate_words(rate) == f"70.0% (7 of 10 valid runs; 95% interval {interval_words(rate)})"
    unmeasured = Rate("none measured", runs=3, valid=0, passed=0)
    assert (rate_words(unmeasured), interval_words(unmeasured), pct(None)) == ("–", "–", "–")
    row = rate_table("rates", "Agent", [rate, unmeasured])
    assert "claude-code" in row and "70.0%" in row and row.count("<tr>") == 3


def test_numbers_in_their_units() -> None:
    assert points(0.123) == "+12.3" and points(-0.05) == "-5.0"
    assert metric_format("cost_usd")(0.01234) == "$0.0123"
    assert metric_format("cost_usd")(1234.5) == "$1,234.50"
    assert metric_format("cost_usd")(-2.5) == "-$2.50"
    assert metric_format("duration_s")(61.25) == "61.2 s"
    assert metric_format("input_tokens")(12345.6) == "12,346"
    assert metric_format("input_tokens")(None) == "–"


def test_the_page_counts_its_charts_and_names_the_side_of_a_failure() -> None:
    page = Page()
    figure = page.figure("rates", "<svg></svg>", HOSTILE)
    assert page.charts == ["rates"] and "<script>" not in figure
    document = page_document([figure], charts_expected=len(page.charts))
    assert document.startswith("<!DOCTYPE html>") and 'data-charts="1"' in document
    assert "Content-Security-Policy" in document and tags_of(document).count("script") == 1
    assert "not the agent&#x27;s doing" in side_label("environment")
    assert ">the agent<" in side_label("agent")
