"""What the per-format loader tests share: reading a file into traces and problems."""

from __future__ import annotations

from pathlib import Path

from engram.extract import default_extractors, extract_features
from engram.loaders import Problem, load_file
from engram.trace import Trace

PATCH = "diff --git a/src/a.py b/src/a.py\n--- a/src/a.py\n+++ b/src/a.py\n@@ -1 +1 @@\n-x\n+y\n"


def read(path: Path) -> tuple[list[Trace], list[Problem]]:
    items = list(load_file(path))
    return [i for i in items if isinstance(i, Trace)], [i for i in items if isinstance(i, Problem)]


def features(trace: Trace) -> set[str]:
    return set(extract_features(trace, default_extractors()))
