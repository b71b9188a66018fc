"""``engram report``: one self-contained HTML page about the selected runs.

Everything is inline (CSS, SVG charts, one small script), so the file opens offline. Text that
comes from traces (task ids, templates, rule texts, selectors) is untrusted: it is escaped
wherever it is written, and a Content-Security-Policy allows only the page's own script.
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from engram.analysis.report.page import (
    CHART_CHECK,  # noqa: F401 - tests and callers read it here
    Page,
    page_document,
)
from engram.analysis.report.sections import (
    comparison_section,
    distributions_section,
    failures_section,
    header_section,
    pass_rates,
    playbook_section,
)
from engram.errors import EngramError

if TYPE_CHECKING:
    from engram.store import Store


def build_report(
    store: Store,
    selectors: dict[str, str] | None = None,
    baseline: dict[str, str] | None = None,
    treatment: dict[str, str] | None = None,
    *,
    now: datetime | None = None,
) -> str:
    """The HTML report of the runs ``selectors`` choose (all runs by default).

    With ``baseline`` and ``treatment`` (selectors, both or neither) the comparison uses them;
    otherwise it compares the two agents with the most selected runs, if there are two.
    """
    if (baseline is None) != (treatment is None):
        raise EngramError(
            "a comparison needs both a baseline and a treatment",
            hint="give --baseline and --treatment together, or neither",
        )
    selectors = dict(selectors or {})
    runs = store.run_frame(selectors)
    page = Page()
    parts = [header_section(store, selectors, runs, now or datetime.now(UTC))]
    if not runs.empty:
        parts.append(pass_rates(page, runs))
    if not runs.empty or baseline is not None:
        parts.append(comparison_section(store, runs, selectors, baseline, treatment))
    if not runs.empty:
        parts.append(distributions_section(page, runs))
        parts.append(failures_section(page, store, selectors))
    parts.append(playbook_section(page, store.rules()))
    return page_document(parts, len(page.charts))


def write_report(
    path: str | os.PathLike[str],
    store: Store | None = None,
    selectors: dict[str, str] | None = None,
    baseline: dict[str, str] | None = None,
    treatment: dict[str, str] | None = None,
    *,
    now: datetime | None = None,
) -> Path:
    """Build the report and write it to ``path`` (atomically); opens the store if not given."""
    if store is None:
        from engram.store import open_store

        with open_store() as own:
            text = build_report(own, selectors, baseline, treatment, now=now)
    else:
        text = build_report(store, selectors, baseline, treatment, now=now)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o644)  # a report is for sharing, unlike mkstemp's private default
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
