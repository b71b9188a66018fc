"""The HTML report: pass rates, a comparison, costs, failures and the playbook on one page."""

from __future__ import annotations

from engram.analysis.report.html import build_report, write_report

__all__ = ["build_report", "write_report"]
