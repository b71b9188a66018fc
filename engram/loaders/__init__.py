"""Loaders: one module per source format, each turning files into normalized Traces."""

from engram.loaders.detect import expand_paths, load_file, load_path, loader_names, read_path
from engram.loaders.records import Problem, Reading

__all__ = [
    "Problem", "Reading", "expand_paths", "load_file", "load_path", "loader_names", "read_path",
]  # fmt: skip
