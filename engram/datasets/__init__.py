"""Generators of trace corpora whose truth is known, for tests, examples and benchmarks.

- ``engram.datasets.synthetic``: planted behaviours over two agents (the sample corpus);
- ``engram.datasets.confounded``: agents of different strength and tool sets on tasks of
  different difficulty, run many times: traps that only comparing like with like avoids.
"""
