"""Failure modes: what failed runs reported, grouped into message templates and clusters."""
