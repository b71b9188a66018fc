"""The Store: every read and write engram makes to its database goes through here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Engine,
    case,
    cast,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError

from engram.errors import EngramError, StoreError
from engram.parse.messages import failure_template
from engram.store.bulk import add_sums, insert_rows
from engram.store.engine import kept_open, make_engine, store_error, write_transaction
from engram.store.filters import SCOPE_COLUMNS, selector_filters
from engram.store.frames import Frames
from engram.store.migrate import ensure_schema
from engram.store.models import (
    Feature,
    FeatureCount,
    Learn,
    RuleRow,
    TraceFailure,
    TraceFeature,
    TraceRow,
    TraceTag,
    utcnow,
)
from engram.store.rulebook import RuleBook
from engram.store.strata import SelectionRuns, Strata, stratum_of, tools_of
from engram.trace import Trace

if TYPE_CHECKING:
    pass

FEEDBACK_KEYS = ("rules_given", "measured", "helping", "hurting")  # of ``Store.stats``
TOTAL = "*"  # the feature key of a scope's totals in feature_counts
MICROS = 1_000_000  # rewards are summed as integer millionths, exact in any order
_TEXT_LIMITS = {
    "run_id": 200,
    "task_id": 200,
    "task_title": 300,
    "category": 120,
    "difficulty": 40,
    "repository": 200,
    "agent": 200,
    "model": 200,
    "job": 200,
    "source_file": 1000,
    "error_type": 200,
    "error_message": 2000,
}
INSTRUCTION_LIMIT = 20_000


@dataclass(slots=True)
class CountRow:
    scope_kind: str
    scope_value: str
    feature: str
    runs: int
    passed: int
    reward_micros: int  # the sum of rewards, in millionths

    @property
    def reward_sum(self) -> float:
        return self.reward_micros / MICROS


def scopes_of(trace: Trace) -> list[tuple[str, str]]:
    """The scopes a run counts in: all runs, and its category, agent and model when known."""
    scopes = [("all", "")]
    for kind, value in (
        ("category", trace.task.category),
        ("agent", trace.agent.name),
        ("model", trace.agent.model),
    ):
        if value:
            scopes.append((kind, value[: _TEXT_LIMITS[kind]]))
    return scopes


@dataclass(slots=True)
class _ScopeCounts:
    """What new runs add to one scope's counts, by feature (``*`` for all its runs)."""

    runs: Counter[str] = field(default_factory=Counter)
    passes: Counter[str] = field(default_factory=Counter)
    full: Counter[str] = field(default_factory=Counter)  # runs whose reward is 1
    rewards: Counter[str] = field(default_factory=Counter)  # in millionths, of other rewards


class Store(RuleBook, Frames, Strata):
    """An engram store on SQLite or PostgreSQL; migrated to the current schema when opened."""

    def __init__(self, engine: Engine, location: str) -> None:
        self.engine = engine
        self.location = location
        self.created = False  # whether opening made a new store
        self._feature_ids: dict[str, int] = {}

    @classmethod
    def open(cls, url: str, location: str | None = None) -> Store:
        engine = make_engine(url)
        try:
            ensure_schema(engine)
        except DBAPIError as exc:
            engine.dispose()
            raise store_error(f"cannot open the store at {location or url}", exc) from exc
        except StoreError:
            engine.dispose()
            raise
        store = cls(engine, location or url)
        try:
            store.ensure_strata()
        except BaseException:
            engine.dispose()
            raise
        return store

    def close(self) -> None:
        self.engine.dispose()

    def kept_open(self) -> AbstractContextManager[None]:
        """Meanwhile, many short transactions in a row cost no more than they must (see
        ``engine.kept_open``); a learn holds this while it reads and mines."""
        return kept_open(self.engine)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------------------- learns

    def start_learn(self, paths: Sequence[str], settings: dict[str, Any], version: str) -> int:
        with write_transaction(self.engine) as conn:
            learn_id = conn.execute(
                insert(Learn)
                .values(paths=list(paths), settings=settings, engram_version=version)
                .returning(Learn.id)
            ).scalar_one()
        return int(learn_id)

    def finish_learn(self, learn_id: int, status: str, **counts: int) -> None:
        with write_transaction(self.engine) as conn:
            conn.execute(
                update(Learn)
                .where(Learn.id == learn_id)
                .values(status=status, finished_at=utcnow(), **counts)
            )

    def last_finished_learn(self) -> dict[str, Any] | None:
        """The latest learn that got as far as mining (finished, or stopped by --strict)."""
        with self.engine.connect() as conn:
            row = (
                conn.execute(
                    select(Learn)
                    .where(Learn.status.in_(("done", "stopped")))
                    .order_by(Learn.id.desc())
                    .limit(1)
                )
                .mappings()
                .first()
            )
        return dict(row) if row else None

    def traces_learned_after(self, learn_id: int) -> int:
        """Runs stored by learns after ``learn_id`` (including ones that broke off)."""
        with self.engine.connect() as conn:
            query = select(func.count()).select_from(TraceRow).where(TraceRow.learn_id > learn_id)
            return int(conn.execute(query).scalar_one())

    # ----------------------------------------------------------------------------- traces

    def add_traces(
        self, batch: Sequence[tuple[Trace, Collection[str]]], learn_id: int | None
    ) -> tuple[int, int]:
        """Store new runs with their features and counts in one transaction: (new, known)."""
        if not batch:
            return 0, 0
        by_id: dict[str, tuple[Trace, Collection[str]]] = {}
        for trace, features in batch:  # a run read twice is stored as first read, as it is
            by_id.setdefault(trace.trace_id, (trace, features))  # across batches
        task_key = self.task_key
        strata = {trace_id: stratum_of(trace, task_key) for trace_id, (trace, _) in by_id.items()}
        keys = sorted({key for _, features in by_id.values() for key in features})
        known_ids = dict(self._feature_ids)
        try:
            with write_transaction(self.engine) as conn:
                feature_ids = self._ensure_features(conn, keys)
                stratum_ids = self.stratum_ids(conn, strata.values())
                rows = [
                    _trace_row(trace, learn_id, strata[trace.trace_id][2] or None,
                               stratum_ids[strata[trace.trace_id]])
                    for trace, _ in by_id.values()
                ]  # fmt: skip
                inserted = self._insert_traces(conn, rows)
                links = [
                    (pk, feature_ids[key])
                    for pk, trace_id in inserted
                    for key in by_id[trace_id][1]
                ]
                insert_rows(conn, "trace_features", ("trace_pk", "feature_id"), links)
                pks = dict((trace_id, pk) for pk, trace_id in inserted)
                self._add_failures(conn, [(pks[t], by_id[t][0]) for t in pks])
                self._add_tags(conn, pks, [trace for trace, _ in by_id.values() if trace.tags])
                added = [by_id[trace_id] for _, trace_id in inserted]
                self._add_counts(conn, added)
                self.add_stratum_counts(conn, [
                    (stratum_ids[strata[trace.trace_id]], trace.outcome.passed, features)
                    for trace, features in added if trace.outcome.valid
                ])  # fmt: skip
                tools: dict[str, set[str]] = {}
                for trace, features in added:
                    if trace.agent.name:
                        tools.setdefault(trace.agent.name, set()).update(tools_of(trace, features))
                self.add_agent_tools(conn, [(agent, key) for agent, keys in tools.items()
                                            for key in keys])  # fmt: skip
                self.record_feedback(conn, [trace for trace, _ in added])
        except BaseException:
            self._feature_ids = known_ids  # ids written in the rolled-back transaction are gone
            self._stratum_cache = {}
            self._known_tools = set()
            raise
        new = len(inserted)
        return new, len(batch) - new

    def _insert_traces(
        self, conn: Connection, rows: list[dict[str, Any]]
    ) -> list[tuple[int, str]]:
        """Insert the rows of runs not stored yet: their (primary key, trace id), in order.

        A plain ``executemany`` and one read of the keys, not ``INSERT … RETURNING``: the
        statement that returns rows holds every row's parameters, and on PostgreSQL its
        driver re-parses it for each batch (two fifths of a learn's writes). The write lock
        is held, so no other learn adds these runs in between."""
        ids = [row["trace_id"] for row in rows]
        stored = {trace_id for _, trace_id in self._trace_keys(conn, ids)}
        new = [row for row in rows if row["trace_id"] not in stored]
        if not new:
            return []
        conn.execute(insert(TraceRow), new)
        pks = {trace_id: pk for pk, trace_id in self._trace_keys(conn, [r["trace_id"] for r in new])}
        return [(pks[row["trace_id"]], row["trace_id"]) for row in new]

    @staticmethod
    def _trace_keys(conn: Connection, trace_ids: list[str]) -> list[tuple[int, str]]:
        """(primary key, trace id) of the stored runs among ``trace_ids``."""
        if not trace_ids:
            return []
        if conn.dialect.name == "postgresql":  # one array: an IN list is re-parsed per call
            rows = conn.exec_driver_sql(
                "SELECT id, trace_id FROM traces WHERE trace_id = ANY(%s)", (trace_ids,)
            ).all()
            return [(int(pk), str(trace_id)) for pk, trace_id in rows]
        found: list[tuple[int, str]] = []
        for start in range(0, len(trace_ids), 500):
            chunk = trace_ids[start : start + 500]
            query = select(TraceRow.id, TraceRow.trace_id).where(TraceRow.trace_id.in_(chunk))
            found.extend((int(pk), str(trace_id)) for pk, trace_id in conn.execute(query))
        return found

    def record_outcome(self, status: str, run_id: str | None = None,
                       agent: str | None = None) -> tuple[str, str | None]:  # fmt: skip
        """Give an unmeasured run a measured outcome (``pass`` or ``fail``): the one whose run
        id (a session's id) is ``run_id``, else the newest unmeasured run (of ``agent``). It is
        counted into the sufficient statistics as a new run would be. Returns its trace id and
        run id; an EngramError if there is no such run, or it already has an outcome."""
        from engram.trace import Agent, Outcome, Task

        query = select(TraceRow)
        if run_id is not None:
            query = query.where(TraceRow.run_id == run_id)
        else:
            query = query.where(TraceRow.status == "unmeasured")
            if agent:
                query = query.where(TraceRow.agent == agent)
        with write_transaction(self.engine) as conn:
            row = conn.execute(query.order_by(TraceRow.id.desc()).limit(1)).mappings().first()
            if row is None:
                named = f"run {run_id!r}" if run_id else "unmeasured run"
                raise EngramError(f"the store has no {named}",
                                  hint="learn the session first (the SessionEnd hook does)")  # fmt: skip
            if row["status"] != "unmeasured":
                name = row["run_id"] or row["trace_id"]
                raise EngramError(f"run {name} already has an outcome: {row['status']}")
            features = list(conn.execute(
                select(Feature.key).join(TraceFeature, TraceFeature.feature_id == Feature.id)
                .where(TraceFeature.trace_pk == row["id"])
            ).scalars())  # fmt: skip
            trace = Trace(task=Task(category=row["category"]),
                          agent=Agent(name=row["agent"], model=row["model"]),
                          outcome=Outcome(status=status, reward=1.0 if status == "pass" else 0.0),
                          injected_rules=tuple(row["injected_rules"] or ()))  # fmt: skip
            conn.execute(update(TraceRow).where(TraceRow.id == row["id"]).values(
                status=status, valid=True, passed=status == "pass", reward=trace.outcome.reward,
                failure_class=None if status == "pass" else "tests_failed"))  # fmt: skip
            self._ensure_features(conn, features)
            self._add_counts(conn, [(trace, features)])
            if row["stratum_id"] is not None:
                self.add_stratum_counts(conn, [(row["stratum_id"], status == "pass", features)])
            self.record_feedback(conn, [trace])
        return row["trace_id"], row["run_id"]

    def _insert(self, model: Any) -> Any:
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects import postgresql

            return postgresql.insert(model)
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(model)

    def _ensure_features(self, conn: Connection, keys: Sequence[str]) -> dict[str, int]:
        missing = [key for key in keys if key not in self._feature_ids]
        if missing:
            conn.execute(
                self._insert(Feature).on_conflict_do_nothing(index_elements=["key"]),
                [{"key": key} for key in missing],
            )
            for start in range(0, len(missing), 500):
                chunk = missing[start : start + 500]
                found = conn.execute(select(Feature.key, Feature.id).where(Feature.key.in_(chunk)))
                self._feature_ids.update({key: fid for key, fid in found})
        return self._feature_ids

    def _add_failures(self, conn: Connection, runs: Sequence[tuple[int, Trace]]) -> None:
        rows = [
            {
                "trace_pk": pk,
                "position": position,
                "source": failure.source,
                "test": _cap(failure.test, 300),
                "kind": failure.kind,
                "message": _cap(failure.message, 500) or "",
                "template": failure_template(failure)[:500],
            }
            for pk, trace in runs
            for position, failure in enumerate(trace.failures)
        ]
        if rows:
            conn.execute(insert(TraceFailure), rows)

    def _add_tags(self, conn: Connection, pks: dict[str, int], traces: Sequence[Trace]) -> None:
        """Tag new runs, and known runs learned again with a tag they lacked."""
        pks = dict(pks)
        known = [trace.trace_id for trace in traces if trace.trace_id not in pks]
        pks.update((trace_id, pk) for pk, trace_id in self._trace_keys(conn, known))
        rows = [
            {"trace_pk": pks[trace.trace_id], "tag": tag[:100]}
            for trace in traces
            if trace.trace_id in pks
            for tag in trace.tags
        ]
        if rows:
            conn.execute(
                self._insert(TraceTag).on_conflict_do_nothing(index_elements=["trace_pk", "tag"]),
                rows,
            )

    def _add_counts(self, conn: Connection, runs: Iterable[tuple[Trace, Collection[str]]]) -> None:
        """Add new runs to the counts of each scope they count in, feature by feature."""
        scopes: dict[tuple[str, str], _ScopeCounts] = {}
        for trace, features in runs:
            if not trace.outcome.valid:
                continue
            passed = trace.outcome.passed
            reward = trace.outcome.reward if trace.outcome.reward is not None else float(passed)
            micros = round(reward * MICROS)
            keys = (TOTAL, *features)
            for scope in scopes_of(trace):
                counts = scopes.get(scope)
                if counts is None:
                    counts = scopes[scope] = _ScopeCounts()
                counts.runs.update(keys)  # counted in C
                if passed:
                    counts.passes.update(keys)
                if micros == MICROS:
                    counts.full.update(keys)
                elif micros:
                    for key in keys:
                        counts.rewards[key] += micros
        add_sums(
            conn,
            "feature_counts",
            (("scope_kind", "text[]"), ("scope_value", "text[]"), ("feature", "text[]")),
            ("runs", "passed", "reward_micros"),
            [(kind, value, feature, n, counts.passes[feature],
              counts.full[feature] * MICROS + counts.rewards[feature])
             for (kind, value), counts in sorted(scopes.items())
             for feature, n in sorted(counts.runs.items())],
        )  # fmt: skip

    def known_categories(self) -> list[str]:
        """Every task category the store has runs or rules of, sorted."""
        with self.engine.connect() as conn:
            runs = select(TraceRow.category).where(TraceRow.category.is_not(None)).distinct()
            rules = select(RuleRow.scope_value).where(RuleRow.scope_kind == "category").distinct()
            return sorted({value for (value,) in conn.execute(runs.union(rules)) if value})

    def count_traces(self, **selectors: str) -> int:
        with self.engine.connect() as conn:
            query = select(func.count()).select_from(TraceRow).where(*selector_filters(selectors))
            return int(conn.execute(query).scalar_one())

    # ----------------------------------------------------------------------------- mining input

    def feature_counts(self, scope_kinds: Collection[str]) -> list[CountRow]:
        with self.engine.connect() as conn:
            result = conn.execute(
                select(
                    FeatureCount.scope_kind,
                    FeatureCount.scope_value,
                    FeatureCount.feature,
                    FeatureCount.runs,
                    FeatureCount.passed,
                    FeatureCount.reward_micros,
                ).where(FeatureCount.scope_kind.in_(list(scope_kinds)))
            )
            return [CountRow(*row) for row in result]

    def selection_runs(
        self, scope_kinds: Collection[str], features: Collection[str]
    ) -> SelectionRuns:
        """Valid runs with their scope values and which show each of ``features``: one read for
        every scope conditional selection weighs in (a category's runs are a mask of them)."""
        import numpy as np

        kinds = [kind for kind in dict.fromkeys(scope_kinds) if kind != "all"]
        with self.engine.connect() as conn:
            columns: list[Any] = [TraceRow.id, TraceRow.passed, TraceRow.stratum_id]
            columns += [SCOPE_COLUMNS[kind] for kind in kinds]
            rows = _fetch_all(
                conn, select(*columns).where(TraceRow.valid.is_(True)).order_by(TraceRow.id)
            )
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            members = {key: self._member_mask(conn, key, ids) for key in features}
        strata = (-1 if r[2] is None else r[2] for r in rows)
        return SelectionRuns(
            ids=ids,
            passed=np.fromiter((bool(r[1]) for r in rows), dtype=bool, count=len(rows)),
            strata=np.fromiter(strata, dtype=np.int64, count=len(rows)),
            values={
                kind: np.array([r[3 + i] for r in rows], dtype=object)
                for i, kind in enumerate(kinds)
            },
            members=members,
        )

    def _member_mask(self, conn: Connection, key: str, ids: Any) -> Any:
        """Which of the valid runs ``ids`` (ascending) have feature ``key``.

        The runs with the feature are read from its index alone, joined to nothing: runs that
        are not valid fall out when matched against ``ids``. On a store of 100,000 runs this
        is three times faster than joining, and faster than reading the runs without a
        feature most have."""
        import numpy as np

        feature = select(Feature.id).where(Feature.key == key).scalar_subquery()
        found = _fetch_all(
            conn, select(TraceFeature.trace_pk).where(TraceFeature.feature_id == feature)
        )
        return np.isin(ids, np.fromiter((row[0] for row in found), dtype=np.int64))

    # ----------------------------------------------------------------------------- stats

    def stats(self) -> dict[str, Any]:
        """What the store holds: runs, pass rates by category/agent/model, errors by class."""
        with self.engine.connect() as conn:
            totals = _outcome_totals(conn, None)
            by = {name: _outcome_totals(conn, column) for name, column in SCOPE_COLUMNS.items()}
            is_error = TraceRow.valid.is_(False)
            classes = conn.execute(
                select(is_error, TraceRow.failure_class, func.count())
                .where(TraceRow.failure_class.is_not(None))
                .group_by(is_error, TraceRow.failure_class)
                .order_by(func.count().desc(), TraceRow.failure_class)
            ).all()
            rule_counts = dict(
                conn.execute(select(RuleRow.status, func.count()).group_by(RuleRow.status)).all()
            )
            learns = conn.execute(select(func.count()).select_from(Learn)).scalar_one()
            given = RuleRow.helpful + RuleRow.harmful + RuleRow.neutral
            feedback = conn.execute(
                select(
                    func.count(),
                    func.sum(case((RuleRow.efficacy.is_not(None), 1), else_=0)),
                    func.sum(case((RuleRow.efficacy_low > 0, 1), else_=0)),
                    func.sum(case((RuleRow.efficacy_high < 0, 1), else_=0)),
                ).where(given > 0)
            ).one()
            tested = conn.execute(
                select(RuleRow.randomized).where(RuleRow.randomized.is_not(None))
            ).scalars().all()
        return {
            "store": self.location,
            **totals.get(None, _empty_totals()),
            "by_category": {k: v for k, v in by["category"].items() if k is not None},
            "by_agent": {k: v for k, v in by["agent"].items() if k is not None},
            "by_model": {k: v for k, v in by["model"].items() if k is not None},
            "errors_by_class": {cls: int(n) for error, cls, n in classes if error},
            "failures_by_class": {cls: int(n) for error, cls, n in classes if not error},
            "rules": {status: int(n) for status, n in rule_counts.items()},
            "feedback": dict(zip(FEEDBACK_KEYS, (int(n or 0) for n in feedback), strict=True)),
            "experiments": _experiments(tested),
            "learns": int(learns),
            "task_key": {
                "by": self.task_key.describe(),
                "pattern": self.task_key.pattern,
                **self.task_key_counts(),
            },
        }


def _empty_totals() -> dict[str, Any]:
    return {"runs": 0, "valid": 0, "passed": 0, "errors": 0, "unmeasured": 0, "pass_rate": None,
            "mean_reward": None}  # fmt: skip


def _outcome_totals(conn: Connection, column: Any) -> dict[Any, dict[str, Any]]:
    valid = case((TraceRow.valid.is_(True), 1), else_=0)
    passed = case((TraceRow.passed.is_(True), 1), else_=0)
    micros = case(
        (
            TraceRow.valid.is_(True),
            cast(func.round(func.coalesce(TraceRow.reward, passed) * MICROS), BigInteger),
        ),
        else_=0,
    )  # integer sums are exact in any order, so the means do not depend on it
    unmeasured = case((TraceRow.status == "unmeasured", 1), else_=0)
    group = [column] if column is not None else []
    query = select(
        *group, func.count(), func.sum(valid), func.sum(passed), func.sum(micros),
        func.sum(unmeasured),
    ).group_by(*group)  # fmt: skip
    result: dict[Any, dict[str, Any]] = {}
    for row in conn.execute(query):
        key = row[0] if column is not None else None
        runs, n_valid, n_passed, reward_micros, n_unmeasured = row[-5:]
        n_valid, n_passed, n_unmeasured = int(n_valid or 0), int(n_passed or 0), int(n_unmeasured or 0)
        mean_reward = int(reward_micros) / MICROS / n_valid if n_valid else None
        result[key] = {
            "runs": int(runs),
            "valid": n_valid,
            "passed": n_passed,
            "errors": int(runs) - n_valid - n_unmeasured,
            "unmeasured": n_unmeasured,
            "pass_rate": round(n_passed / n_valid, 4) if n_valid else None,
            "mean_reward": round(float(mean_reward), 4) if mean_reward is not None else None,
        }
    return result


def _cap(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    value = value.replace("\x00", "")
    return value[:limit]


def _trace_row(
    trace: Trace, learn_id: int | None, task_key: str | None, stratum_id: int
) -> dict[str, Any]:
    task, agent, outcome, changes, metrics = (
        trace.task,
        trace.agent,
        trace.outcome,
        trace.changes,
        trace.metrics,
    )
    text = {
        "run_id": trace.run_id,
        "task_id": task.id,
        "task_title": task.title,
        "category": task.category,
        "difficulty": task.difficulty,
        "repository": task.repository,
        "agent": agent.name,
        "model": agent.model,
        "job": trace.job,
        "source_file": trace.source,
        "error_type": outcome.error_type,
        "error_message": outcome.error_message,
    }
    return {
        **{key: _cap(value, _TEXT_LIMITS[key]) for key, value in text.items()},
        "trace_id": trace.trace_id,
        "status": outcome.status,
        "valid": outcome.valid,
        "passed": outcome.passed,
        "reward": outcome.reward,
        "failure_class": outcome.failure_class,
        "input_tokens": metrics.input_tokens,
        "output_tokens": metrics.output_tokens,
        "cache_tokens": metrics.cache_tokens,
        "cost_usd": metrics.cost_usd,
        "duration_s": metrics.duration_s,
        "turns": metrics.turns,
        "steps": len(trace.steps),
        "tool_errors": sum(step.is_error for step in trace.steps),
        "files_changed": len(changes.files) if changes.known else None,
        "lines_added": changes.added if changes.known else None,
        "lines_removed": changes.removed if changes.known else None,
        "instruction": _cap(task.instruction, INSTRUCTION_LIMIT),
        "injected_rules": list(trace.injected_rules),
        "withheld_rules": None if trace.withheld_rules is None else list(trace.withheld_rules),
        "learn_id": learn_id,
        "created_at": utcnow(),
        "task_key": task_key,
        "stratum_id": stratum_id,
    }


def _fetch_all(conn: Connection, statement: Any) -> list[tuple[Any, ...]]:
    """The rows of a large read as the driver gives them: hundreds of thousands of rows are
    fetched several times faster than through SQLAlchemy's result objects."""
    compiled = statement.compile(dialect=conn.dialect)
    params = compiled.construct_params()
    args: Any = [params[name] for name in compiled.positiontup or ()] if conn.dialect.positional \
        else params
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), args)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _experiments(rows: Sequence[Any]) -> dict[str, int]:
    """Rules under a randomized holdout: how many, measured, proven to help, shown to hurt."""
    found = [row for row in rows if isinstance(row, dict)]  # JSON, decoded by the column's type
    low = [row.get("ci_low") for row in found if row.get("difference") is not None]
    high = [row.get("ci_high") for row in found if row.get("difference") is not None]
    return {
        "rules": len(found),
        "measured": len(low),
        "proven": sum(1 for x in low if isinstance(x, (int, float)) and x > 0),
        "hurting": sum(1 for x in high if isinstance(x, (int, float)) and x < 0),
    }
