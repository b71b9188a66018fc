"""Checks a store must pass whatever happened to it."""

from __future__ import annotations

from sqlalchemy import text

from engram.store import Store


def assert_consistent(store: Store) -> None:
    """Integrity holds and the sufficient statistics are exactly those of the stored runs."""
    with store.engine.connect() as conn:
        if store.engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
        recomputed = dict(
            conn.execute(
                text(
                    "SELECT f.key, count(*) FROM trace_features tf"
                    " JOIN features f ON f.id = tf.feature_id"
                    " JOIN traces t ON t.id = tf.trace_pk WHERE t.valid GROUP BY f.key"
                )
            ).all()
        )
        recomputed["*"] = conn.execute(text("SELECT count(*) FROM traces WHERE valid")).scalar()
    stored = {r.feature: r.runs for r in store.feature_counts(["all"]) if r.runs}
    assert stored == {k: v for k, v in recomputed.items() if v}
    _assert_strata_consistent(store)


def _assert_strata_consistent(store: Store) -> None:
    """Every run sits in its stratum, and the strata's counts are those of their runs."""
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM traces WHERE stratum_id IS NULL")).scalar() == 0
        totals = set(conn.execute(text(
            "SELECT t.stratum_id, count(*), sum(CASE WHEN t.passed THEN 1 ELSE 0 END)"
            " FROM traces t WHERE t.valid GROUP BY t.stratum_id"
        )).all())  # fmt: skip
        stored = set(conn.execute(text("SELECT id, runs, passed FROM strata WHERE runs > 0")).all())
        assert stored == totals
        cells = set(conn.execute(text(
            "SELECT t.stratum_id, tf.feature_id, count(*), sum(CASE WHEN t.passed THEN 1 ELSE 0 END)"
            " FROM trace_features tf JOIN traces t ON t.id = tf.trace_pk WHERE t.valid"
            " GROUP BY t.stratum_id, tf.feature_id"
        )).all())  # fmt: skip
        kept = set(conn.execute(text(
            "SELECT stratum_id, feature_id, runs, passed FROM stratum_counts WHERE runs > 0"
        )).all())  # fmt: skip
        assert kept == cells
