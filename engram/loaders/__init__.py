"""Loaders: one module per source format, each turning files into normalized Traces.

The names below are imported on first use, so that importing one loader (or ``fields``) does
not import every format's."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engram.loaders.detect import expand_paths, load_file, load_path, loader_names, read_path
    from engram.loaders.records import Problem, Reading

_HOME = {"Problem": "records", "Reading": "records", "expand_paths": "detect",
         "load_file": "detect", "load_path": "detect", "loader_names": "detect",
         "read_path": "detect"}  # fmt: skip
__all__ = ["Problem", "Reading", "expand_paths", "load_file", "load_path", "loader_names",
           "read_path"]  # fmt: skip


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(import_module(f"engram.loaders.{_HOME[name]}"), name)
    raise AttributeError(f"module 'engram.loaders' has no attribute {name!r}")
