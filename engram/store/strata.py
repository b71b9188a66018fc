"""Part of ``Store``: task keys, strata of comparable runs with their sufficient statistics,
and the tools each agent has (for guidance that fits its reader)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from engram.parse.tasks import TaskKey
from engram.store.bulk import add_sums
from engram.store.engine import snapshot, write_transaction
from engram.store.models import AgentTool, Setting, Stratum, StratumCount, TraceRow

if TYPE_CHECKING:
    import numpy as np

    from engram.trace import Trace

TASK_KEY = "task_key"  # the setting that holds a --task-key pattern
REBUILD = "rebuild_strata"  # set by migration 0004: strata of older runs are to be filled in
_LIMITS = {"agent": 200, "model": 200, "task_key": 200, "category": 120, "difficulty": 40}
Key = tuple[str, str, str, str, str]  # a stratum: agent, model, task key, category, difficulty


@dataclass(frozen=True, slots=True)
class StratumRows:
    """The strata and their per-feature counts, as arrays for mining (valid runs only)."""

    ids: np.ndarray  # stratum id per stratum
    agents: list[str]
    models: list[str]
    task_keys: list[str]
    categories: list[str]
    difficulties: list[str]
    runs: np.ndarray
    passed: np.ndarray
    count_stratum: np.ndarray  # per (stratum, feature) row: index into the strata above
    count_feature: list[str]  # ... its feature key
    count_runs: np.ndarray
    count_passed: np.ndarray


@dataclass(frozen=True, slots=True)
class SelectionRuns:
    """The valid runs conditional selection weighs, read once for every scope it weighs in:
    their ids (ascending), whether each passed, its stratum (-1: none), its value of each scope
    kind asked for, and which runs show each feature asked for, as arrays aligned with ``ids``."""

    ids: np.ndarray
    passed: np.ndarray
    strata: np.ndarray
    values: dict[str, np.ndarray]  # scope kind -> each run's value (category, agent, model)
    members: dict[str, np.ndarray]  # feature -> whether each run shows it

    def in_scope(self, scope_kind: str, scope_value: str) -> np.ndarray | slice:
        """The runs of one scope: every run for ``all``, else a mask."""
        if scope_kind == "all":
            return slice(None)
        return self.values[scope_kind] == scope_value


def stratum_key(
    agent: str | None,
    model: str | None,
    task_key: str | None,
    category: str | None,
    difficulty: str | None,
) -> Key:
    """A stratum's identity ('' where unknown); difficulty is compared case-insensitively."""
    a, m, t, c, d = (
        (value or "")[:limit]
        for value, limit in zip(
            (agent, model, task_key, category, (difficulty or "").lower()), _LIMITS.values(),
            strict=True,
        )
    )  # fmt: skip
    return a, m, t, c, d


def stratum_of(trace: Trace, key: TaskKey) -> Key:
    """The stratum a run belongs to."""
    task = trace.task
    return stratum_key(trace.agent.name, trace.agent.model, key.key(task.id), task.category,
                       task.difficulty)  # fmt: skip


def tools_of(trace: Trace, features: Collection[str]) -> set[str]:
    """What a run shows its agent has: tools listed or called, MCP servers available."""
    keys = set(_listed(trace.agent.tools, trace.agent.mcp_servers))
    keys.update(f for f in features if f.startswith(("tool:", "mcp:")))
    return keys


@lru_cache(maxsize=256)  # an agent lists the same tools in every run
def _listed(tools: tuple[str, ...], servers: tuple[str, ...]) -> frozenset[str]:
    from engram.extract import feature_key

    return frozenset({*(feature_key("tool", tool) for tool in tools),
                      *(feature_key("mcp", server) for server in servers)})  # fmt: skip


class Strata:
    """Part of ``Store``: what like-with-like mining and guidance for one agent read."""

    engine: Engine
    _feature_ids: dict[str, int]

    # ----------------------------------------------------------------------------- task key

    @property
    def task_key(self) -> TaskKey:
        """How this store keys tasks: its remembered --task-key, else the default."""
        cached = getattr(self, "_task_key", None)
        if cached is None:
            with self.engine.connect() as conn:
                pattern = conn.execute(
                    select(Setting.value).where(Setting.key == TASK_KEY)
                ).scalar_one_or_none()
            cached = TaskKey.parse(pattern)
            self._task_key = cached
        return cached

    def set_task_key(self, key: TaskKey) -> bool:
        """Remember ``key`` and re-stratify every stored run by it; whether it changed."""
        if key == self.task_key:
            return False
        with write_transaction(self.engine) as conn:
            conn.execute(delete(Setting).where(Setting.key == TASK_KEY))
            if not key.is_default:
                conn.execute(insert(Setting).values(key=TASK_KEY, value=key.pattern))
            self._rebuild(conn, key)
        self._task_key = key
        return True

    def ensure_strata(self) -> None:
        """Fill in the strata of runs stored before they existed (once, after migrating)."""
        with self.engine.connect() as conn:
            pending = conn.execute(select(Setting.value).where(Setting.key == REBUILD)).first()
        if pending is None:
            return
        with write_transaction(self.engine) as conn:
            if conn.execute(select(Setting.value).where(Setting.key == REBUILD)).first():
                self._rebuild(conn, self.task_key)
                conn.execute(delete(Setting).where(Setting.key == REBUILD))

    def _rebuild(self, conn: Connection, key: TaskKey) -> None:
        """Every run's task key and stratum, and the strata's counts, from what is stored."""
        from sqlalchemy import text

        conn.execute(delete(StratumCount))
        conn.execute(update(TraceRow).values(stratum_id=None))
        conn.execute(delete(Stratum))
        runs = conn.execute(
            select(TraceRow.id, TraceRow.agent, TraceRow.model, TraceRow.task_id,
                   TraceRow.category, TraceRow.difficulty, TraceRow.valid, TraceRow.passed)
        ).all()  # fmt: skip
        strata: dict[Key, list[int]] = {}
        members: dict[Key, list[tuple[int, str | None]]] = {}
        for pk, agent, model, task_id, category, difficulty, valid, passed in runs:
            task = key.key(task_id)
            stratum = stratum_key(agent, model, task, category, difficulty)
            totals = strata.setdefault(stratum, [0, 0])
            if valid:
                totals[0] += 1
                totals[1] += bool(passed)
            members.setdefault(stratum, []).append((pk, task))
        ids = self._insert_strata(conn, strata)
        rows = [{"pk": pk, "key": task, "stratum": ids[stratum]}
                for stratum, runs_of in members.items() for pk, task in runs_of]  # fmt: skip
        if rows:
            conn.execute(
                text("UPDATE traces SET task_key = :key, stratum_id = :stratum WHERE id = :pk"),
                rows,
            )
        conn.execute(text(
            "INSERT INTO stratum_counts (stratum_id, feature_id, runs, passed)"
            " SELECT t.stratum_id, tf.feature_id, count(*),"
            " sum(CASE WHEN t.passed THEN 1 ELSE 0 END)"
            " FROM trace_features tf JOIN traces t ON t.id = tf.trace_pk"
            " WHERE t.valid GROUP BY t.stratum_id, tf.feature_id"
        ))  # fmt: skip
        conn.execute(text(  # tools listed at a run's start are kept; called ones are added
            "INSERT INTO agent_tools (agent, key) SELECT DISTINCT t.agent, f.key"
            " FROM trace_features tf JOIN traces t ON t.id = tf.trace_pk"
            " JOIN features f ON f.id = tf.feature_id"
            " WHERE t.agent IS NOT NULL AND (f.key LIKE 'tool:%' OR f.key LIKE 'mcp:%')"
            " AND NOT EXISTS (SELECT 1 FROM agent_tools a WHERE a.agent = t.agent"
            " AND a.key = f.key)"
        ))  # fmt: skip
        self._known_tools: set[tuple[str, str]] = set()

    def _insert_strata(
        self, conn: Connection, strata: dict[Key, list[int]]
    ) -> dict[Key, int]:
        if strata:
            conn.execute(
                insert(Stratum),
                [dict(zip(_LIMITS, stratum, strict=True), runs=totals[0], passed=totals[1])
                 for stratum, totals in strata.items()],
            )
        found = conn.execute(select(*_KEY_COLUMNS, Stratum.id)).all()
        return {tuple(row[:5]): row[5] for row in found}  # type: ignore[misc]

    # ----------------------------------------------------------------------------- writing

    def stratum_ids(
        self, conn: Connection, strata: Iterable[Key]
    ) -> dict[Key, int]:
        """The ids of these strata, made where missing (inside the caller's transaction)."""
        cache: dict[Key, int] = getattr(self, "_stratum_cache", {})
        self._stratum_cache = cache
        missing = [s for s in dict.fromkeys(strata) if s not in cache]
        if missing:
            conn.execute(
                self._insert(Stratum).on_conflict_do_nothing(
                    index_elements=list(_LIMITS)
                ),
                [dict(zip(_LIMITS, s, strict=True), runs=0, passed=0) for s in missing],
            )
            for start in range(0, len(missing), 200):
                chunk = missing[start : start + 200]
                found = conn.execute(
                    select(*_KEY_COLUMNS, Stratum.id).where(
                        Stratum.agent.in_({s[0] for s in chunk}),
                        Stratum.task_key.in_({s[2] for s in chunk}),
                    )
                )
                cache.update({tuple(row[:5]): row[5] for row in found})  # type: ignore[misc]
        return cache

    def add_stratum_counts(
        self, conn: Connection, runs: Sequence[tuple[int, bool, Collection[str]]]
    ) -> None:
        """Count new valid runs, ``(stratum id, passed, features)``, into their strata."""
        totals: Counter[int] = Counter()
        passes: Counter[int] = Counter()
        cells: dict[int, Counter[int]] = {}  # stratum: runs by feature id
        cell_passes: dict[int, Counter[int]] = {}
        feature_id = self._feature_ids.__getitem__
        for stratum, passed, features in runs:
            totals[stratum] += 1
            ids = list(map(feature_id, features))  # looked up in C
            cells.setdefault(stratum, Counter()).update(ids)
            if passed:
                passes[stratum] += 1
                cell_passes.setdefault(stratum, Counter()).update(ids)
        if not totals:
            return
        none: Counter[int] = Counter()
        conn.execute(
            update(Stratum)
            .where(Stratum.id == _bind("sid"))
            .values(runs=Stratum.runs + _bind("add_runs"), passed=Stratum.passed + _bind("add")),
            [{"sid": s, "add_runs": n, "add": passes[s]} for s, n in sorted(totals.items())],
        )
        add_sums(
            conn, "stratum_counts", (("stratum_id", "bigint[]"), ("feature_id", "bigint[]")),
            ("runs", "passed"),
            [(stratum, fid, n, cell_passes.get(stratum, none)[fid])
             for stratum, counts in sorted(cells.items()) for fid, n in sorted(counts.items())],
        )  # fmt: skip

    def add_agent_tools(self, conn: Connection, found: Iterable[tuple[str, str]]) -> None:
        """Note ``(agent, tool key)`` pairs not seen before."""
        known: set[tuple[str, str]] = getattr(self, "_known_tools", set())
        self._known_tools = known
        new = sorted({pair for pair in found if pair not in known})
        if new:
            conn.execute(
                self._insert(AgentTool).on_conflict_do_nothing(
                    index_elements=["agent", "key"]
                ),
                [{"agent": agent[:200], "key": key[:200]} for agent, key in new],
            )
            known.update(new)

    def _insert(self, model: Any) -> Any:  # provided by Store
        raise NotImplementedError

    # ----------------------------------------------------------------------------- reading

    def stratum_rows(self, features: Collection[str] | None = None) -> StratumRows:
        """Every stratum with valid runs, and its counts of ``features`` (all when None)."""
        import numpy as np

        with snapshot(self.engine) as conn:  # strata and their counts of one moment
            strata = conn.execute(
                select(Stratum.id, *_KEY_COLUMNS, Stratum.runs, Stratum.passed)
                .where(Stratum.runs > 0).order_by(Stratum.id)
            ).all()  # fmt: skip
            names: dict[int, str] = dict(conn.exec_driver_sql("SELECT id, key FROM features").all())
            query = "SELECT stratum_id, feature_id, runs, passed FROM stratum_counts"
            counts = conn.exec_driver_sql(query).all()
        position = {row[0]: i for i, row in enumerate(strata)}
        wanted = None if features is None else set(features)
        kept = [
            (position[s], names[f], n, p)
            for s, f, n, p in counts
            if s in position and (wanted is None or names[f] in wanted)
        ]
        return StratumRows(
            ids=np.array([row[0] for row in strata], dtype=np.int64),
            agents=[row[1] for row in strata],
            models=[row[2] for row in strata],
            task_keys=[row[3] for row in strata],
            categories=[row[4] for row in strata],
            difficulties=[row[5] for row in strata],
            runs=np.array([row[6] for row in strata], dtype=np.int64),
            passed=np.array([row[7] for row in strata], dtype=np.int64),
            count_stratum=np.array([k[0] for k in kept], dtype=np.int64),
            count_feature=[k[1] for k in kept],
            count_runs=np.array([k[2] for k in kept], dtype=np.int64),
            count_passed=np.array([k[3] for k in kept], dtype=np.int64),
        )

    def agent_tools(self) -> dict[str, set[str]]:
        """Per agent, the tools (``tool:X``) and MCP servers (``mcp:S``) its runs showed."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(AgentTool.agent, AgentTool.key)).all()
        tools: dict[str, set[str]] = {}
        for agent, key in rows:
            tools.setdefault(agent, set()).add(key)
        return tools

    def task_key_counts(self) -> dict[str, int]:
        """Runs, tasks (distinct keys) and runs whose id the key did not match."""
        with self.engine.connect() as conn:
            ids = conn.execute(select(TraceRow.task_id, func.count()).group_by(TraceRow.task_id))
            rows = ids.all()
        key = self.task_key
        keys = {key.key(task_id) for task_id, _ in rows} - {None}
        unmatched = sum(n for task_id, n in rows if task_id and not key.match(task_id)[1])
        return {"tasks": len(keys), "unmatched_runs": unmatched}


_KEY_COLUMNS = (Stratum.agent, Stratum.model, Stratum.task_key, Stratum.category,
                Stratum.difficulty)  # fmt: skip


def _bind(name: str) -> Any:
    from sqlalchemy import bindparam

    return bindparam(name)
