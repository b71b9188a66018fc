"""Analyses over stored runs that answer a person's question rather than write guidance.

- ``compare``: ``engram compare``, two configurations on the same tasks;
- ``failures``: ``engram failures``, failure classes and message clusters;
- ``report``: ``engram report``, all of it as one HTML page.
"""
