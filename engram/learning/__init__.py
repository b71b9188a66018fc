"""Learning: read trace files, extract features, store runs, re-mine the rules.

- ``learner``: ``engram learn`` itself (``engram.learn`` is its ``learn``);
- ``parallel``: reading and extracting in several processes (``--jobs N``);
- ``watch``: ``--watch DIR``, learning runs as they finish;
- ``capture``: the outcome of an interactive session, told afterwards;
- ``archive``: a redacted copy of every input (``--archive``);
- ``progress``: the progress bar on stderr.
"""
