"""The Store: every read and write engram makes to its database goes through here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Engine,
    and_,
    case,
    cast,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError

from engram.errors import RuleNotFoundError, StoreError
from engram.failures.messages import failure_template
from engram.rules import Feedback, Rule
from engram.store.engine import make_engine, store_error, write_transaction
from engram.store.migrate import ensure_schema
from engram.store.models import (
    Feature,
    FeatureCount,
    Learn,
    PlaybookVersion,
    RuleRow,
    TraceFailure,
    TraceFeature,
    TraceRow,
    TraceTag,
    utcnow,
)
from engram.store.rows import rule_from_mapping
from engram.trace import Trace

if TYPE_CHECKING:
    import pandas as pd

#: The columns of ``Store.run_frame``.
RUN_COLUMNS = (
    "trace_id", "run_id", "task_id", "category", "agent", "model", "job", "source_file",
    "status", "valid", "passed", "reward", "failure_class", "error_type", "error_message",
    "input_tokens", "output_tokens", "cache_tokens", "cost_usd", "duration_s", "turns",
)  # fmt: skip
FEEDBACK_FIELDS = tuple(Feedback.__dataclass_fields__)  # the feedback columns of ``rules``
FEEDBACK_KEYS = ("rules_given", "measured", "helping", "hurting")  # of ``Store.stats``
TOTAL = "*"  # the feature key of a scope's totals in feature_counts
MICROS = 1_000_000  # rewards are summed as integer millionths, exact in any order
_SCOPE_COLUMNS = {"category": TraceRow.category, "agent": TraceRow.agent, "model": TraceRow.model}
_SELECTOR_COLUMNS = {
    **_SCOPE_COLUMNS,
    "job": TraceRow.job,
    "task": TraceRow.task_id,
    "file": TraceRow.source_file,
    "status": TraceRow.status,
}
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


@dataclass(slots=True)
class RuleChanges:
    added: int = 0
    updated: int = 0
    retired: int = 0
    stale: bool = False  # not written: runs were added after mining read the store


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


class Store:
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
        return cls(engine, location or url)

    def close(self) -> None:
        self.engine.dispose()

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
        by_id = {trace.trace_id: (trace, features) for trace, features in batch}
        rows = [_trace_row(trace, learn_id) for trace, _ in by_id.values()]
        keys = sorted({key for _, features in by_id.values() for key in features})
        known_ids = dict(self._feature_ids)
        try:
            with write_transaction(self.engine) as conn:
                feature_ids = self._ensure_features(conn, keys)
                inserted = conn.execute(
                    self._insert(TraceRow)
                    .on_conflict_do_nothing(index_elements=["trace_id"])
                    .returning(TraceRow.id, TraceRow.trace_id),
                    rows,
                ).all()
                links = [
                    (pk, feature_ids[key])
                    for pk, trace_id in inserted
                    for key in by_id[trace_id][1]
                ]
                if links:
                    _insert_many(conn, TraceFeature.__table__, ("trace_pk", "feature_id"), links)
                pks = dict((trace_id, pk) for pk, trace_id in inserted)
                self._add_failures(conn, [(pks[t], by_id[t][0]) for t in pks])
                self._add_tags(conn, pks, [trace for trace, _ in by_id.values() if trace.tags])
                self._add_counts(conn, [by_id[trace_id] for _, trace_id in inserted])
                self.record_feedback(conn, [by_id[trace_id][0] for _, trace_id in inserted])
        except BaseException:
            self._feature_ids = known_ids  # ids written in the rolled-back transaction are gone
            raise
        new = len(inserted)
        return new, len(batch) - new

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
        known = [trace.trace_id for trace in traces if trace.trace_id not in pks]
        for start in range(0, len(known), 500):
            chunk = known[start : start + 500]
            found = conn.execute(
                select(TraceRow.trace_id, TraceRow.id).where(TraceRow.trace_id.in_(chunk))
            )
            pks = {**pks, **{trace_id: pk for trace_id, pk in found}}
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
        totals: Counter[tuple[str, str, str]] = Counter()
        passes: Counter[tuple[str, str, str]] = Counter()
        rewards: Counter[tuple[str, str, str]] = Counter()
        for trace, features in runs:
            if not trace.outcome.valid:
                continue
            passed = trace.outcome.passed
            reward = trace.outcome.reward if trace.outcome.reward is not None else float(passed)
            micros = round(reward * MICROS)
            keys = [
                (kind, value, feature)
                for kind, value in scopes_of(trace)
                for feature in (TOTAL, *features)
            ]
            totals.update(keys)  # counted in C
            if passed:
                passes.update(keys)
            if micros:
                for key in keys:
                    rewards[key] += micros
        if not totals:
            return
        statement = self._insert(FeatureCount)
        statement = statement.on_conflict_do_update(
            index_elements=["scope_kind", "scope_value", "feature"],
            set_={
                "runs": FeatureCount.runs + statement.excluded.runs,
                "passed": FeatureCount.passed + statement.excluded.passed,
                "reward_micros": FeatureCount.reward_micros + statement.excluded.reward_micros,
            },
        )
        conn.execute(
            statement,
            [
                {
                    "scope_kind": kind,
                    "scope_value": value,
                    "feature": feature,
                    "runs": runs,
                    "passed": passes[(kind, value, feature)],
                    "reward_micros": rewards[(kind, value, feature)],
                }
                for (kind, value, feature), runs in sorted(totals.items())
            ],
        )

    def count_traces(self, **selectors: str) -> int:
        with self.engine.connect() as conn:
            query = select(func.count()).select_from(TraceRow).where(*_selector_filters(selectors))
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

    def scope_runs(
        self, scope_kind: str, scope_value: str, features: Collection[str]
    ) -> tuple[list[int], list[bool], dict[str, set[int]]]:
        """Valid runs in a scope (ids, passed) and which of them have each of ``features``."""
        scope_filter = _scope_filter(scope_kind, scope_value)
        with self.engine.connect() as conn:
            runs = conn.execute(
                select(TraceRow.id, TraceRow.passed)
                .where(TraceRow.valid.is_(True), *scope_filter)
                .order_by(TraceRow.id)
            ).all()
            members: dict[str, set[int]] = {key: set() for key in features}
            keys = list(features)
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                result = conn.execute(
                    select(TraceFeature.trace_pk, Feature.key)
                    .join(Feature, Feature.id == TraceFeature.feature_id)
                    .join(TraceRow, TraceRow.id == TraceFeature.trace_pk)
                    .where(Feature.key.in_(chunk), TraceRow.valid.is_(True), *scope_filter)
                )
                for trace_pk, key in result:
                    members[key].add(trace_pk)
        return [r[0] for r in runs], [bool(r[1]) for r in runs], members

    # ----------------------------------------------------------------------------- rules

    def data_version(self, conn: Connection | None = None) -> tuple[int, int]:
        """What the stored runs are: their number and the newest id (runs are never removed,
        and writers are serialised, so a new run changes both)."""
        query = select(func.count(), func.coalesce(func.max(TraceRow.id), 0))
        if conn is not None:
            count, newest = conn.execute(query).one()
        else:
            with self.engine.connect() as own:
                count, newest = own.execute(query).one()
        return int(count), int(newest)

    def save_rules(
        self,
        mined: Sequence[Rule],
        scope_kinds: Collection[str],
        learn_id: int | None,
        mined_from: tuple[int, int] | None = None,
        merged_into: dict[str, str] | None = None,
    ) -> RuleChanges:
        """Replace the learned rules of ``scope_kinds`` with ``mined`` in one transaction.

        Rules no longer supported are retired, not deleted (``merged_into`` names the rule a
        near-duplicate was merged into); a person's pin or retire stands.
        With ``mined_from`` (the ``data_version`` mining read), nothing is written if runs
        were added since: the result is ``stale`` and newer data must be mined instead.
        """
        changes = RuleChanges()
        now = utcnow()
        mined_by_id = {rule.id: rule for rule in mined}
        with write_transaction(self.engine) as conn:
            if mined_from is not None and self.data_version(conn) != mined_from:
                changes.stale = True
                return changes
            existing = {
                row.id: row
                for row in conn.execute(
                    select(RuleRow).where(RuleRow.scope_kind.in_(list(scope_kinds)))
                )
            }
            for rule_id, rule in mined_by_id.items():
                values = _rule_values(rule)
                old = existing.get(rule_id)
                if old is not None and old.text_by != "engram":
                    del values["text"]  # a person's edit stands
                if old is None:
                    conn.execute(
                        insert(RuleRow).values(
                            id=rule_id,
                            status="active",
                            status_by="engram",
                            first_seen=now,
                            last_seen=now,
                            first_learn_id=learn_id,
                            last_learn_id=learn_id,
                            **values,
                        )
                    )
                    changes.added += 1
                    continue
                revived = old.status == "retired" and old.status_by == "engram"
                if not revived and all(getattr(old, k) == v for k, v in values.items()):
                    continue
                extra: dict[str, Any] = {"last_seen": now, "last_learn_id": learn_id}
                if revived:
                    extra.update(status="active", status_reason=None)
                conn.execute(update(RuleRow).where(RuleRow.id == rule_id).values(**values, **extra))
                changes.added += revived
                changes.updated += not revived
            for rule_id, old in existing.items():
                if rule_id in mined_by_id or old.status != "active" or old.status_by != "engram":
                    continue
                if old.origin != "learned":  # written by a person: no evidence to fade
                    continue
                target = (merged_into or {}).get(rule_id)
                conn.execute(
                    update(RuleRow)
                    .where(RuleRow.id == rule_id)
                    .values(
                        status="retired",
                        status_reason=f"merged into {target}"
                        if target
                        else "evidence fell below the thresholds",
                        last_learn_id=learn_id,
                    )
                )
                changes.retired += 1
            self._snapshot(conn, f"learn {learn_id}" if learn_id else "mining", learn_id)
        return changes

    # ----------------------------------------------------------------------------- curation

    def set_status(self, rule_id: str, status: str, reason: str | None, by: str) -> Rule:
        """Pin, retire or restore a rule; ``by`` is "human" (a later learn leaves it be),
        "engram" (evidence decides again) or "feedback" (retired for hurting runs)."""
        rule = self.rule(rule_id)
        verb = {"pinned": "pin", "retired": "retire", "active": "restore"}[status]
        self._change_rule(rule.id, f"{verb} {rule.id}", status=status, status_reason=reason,
                          status_by=by)  # fmt: skip
        return self.rule(rule.id)

    def edit_text(self, rule_id: str, text: str) -> Rule:
        rule = self.rule(rule_id)
        self._change_rule(rule.id, f"edit {rule.id}", text=text, text_by="human")
        return self.rule(rule.id)

    def add_rule(self, rule: Rule) -> Rule:
        """Store a rule a person wrote (kept whatever the evidence says)."""
        with write_transaction(self.engine) as conn:
            if conn.execute(select(RuleRow.id).where(RuleRow.id == rule.id)).first():
                raise StoreError(f"rule {rule.id} already exists", hint="engram patterns edit")
            now = utcnow()
            conn.execute(
                insert(RuleRow).values(
                    id=rule.id, status=rule.status, status_by=rule.status_by, origin="human",
                    text_by="human", first_seen=now, last_seen=now, **_rule_values(rule),
                )
            )  # fmt: skip
            self._snapshot(conn, f"add {rule.id}", None)
        return self.rule(rule.id)

    def import_rules(self, rules: Sequence[Rule], reason: str) -> tuple[int, int]:
        """Store rules as they are: origin, status, wording, feedback counts and dates kept.

        A rule whose id the store has is left as it is. All in one transaction and one playbook
        version. Returns (added, skipped).
        """
        added = skipped = 0
        with write_transaction(self.engine) as conn:
            existing = set(conn.execute(select(RuleRow.id)).scalars())
            now = utcnow()
            for rule in rules:
                if rule.id in existing:
                    skipped += 1
                    continue
                existing.add(rule.id)
                feedback = {name: getattr(rule.feedback, name) for name in FEEDBACK_FIELDS}
                conn.execute(
                    insert(RuleRow).values(
                        id=rule.id, status=rule.status, status_reason=rule.status_reason,
                        status_by=rule.status_by, origin=rule.origin, text_by=rule.text_by,
                        first_seen=rule.first_seen or now, last_seen=rule.last_seen or now,
                        **_rule_values(rule), **feedback,
                    )
                )  # fmt: skip
                added += 1
            if added:
                self._snapshot(conn, reason, None)
        return added, skipped

    def _change_rule(self, rule_id: str, reason: str, **values: Any) -> None:
        with write_transaction(self.engine) as conn:
            conn.execute(update(RuleRow).where(RuleRow.id == rule_id).values(**values))
            self._snapshot(conn, reason, None)

    # ----------------------------------------------------------------------------- feedback

    def record_feedback(self, conn: Connection, runs: Iterable[Trace]) -> None:
        """Count, for each rule a run was given, whether that run passed, failed or earned
        partial credit (runs that are not measurements count as neither)."""
        counts: dict[str, Counter[str]] = {}
        for trace in runs:
            if not (trace.injected_rules and trace.outcome.valid):
                continue
            column = {"pass": "helpful", "fail": "harmful"}.get(trace.outcome.status, "neutral")
            for rule_id in trace.injected_rules:
                counts.setdefault(rule_id, Counter())[column] += 1
        for rule_id, added in sorted(counts.items()):
            conn.execute(
                update(RuleRow)
                .where(RuleRow.id == rule_id)
                .values({getattr(RuleRow, k): getattr(RuleRow, k) + n for k, n in added.items()})
            )

    def task_instructions(self, limit: int = 20_000) -> list[tuple[str, str, str]]:
        """One instruction per past task with a category: (task id, category, instruction)."""
        query = (
            select(TraceRow.task_id, TraceRow.category, func.max(TraceRow.instruction))
            .where(TraceRow.category.is_not(None), TraceRow.instruction.is_not(None))
            .group_by(TraceRow.task_id, TraceRow.category)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [(str(t), str(c), str(i)) for t, c, i in conn.execute(query) if i]

    def injected_runs(self) -> list[tuple[str | None, str | None, bool, list[str]]]:
        """Valid runs that were given rules: (category, agent, passed, rule ids)."""
        query = select(TraceRow.category, TraceRow.agent, TraceRow.passed, TraceRow.injected_rules)
        query = query.where(TraceRow.valid.is_(True), TraceRow.injected_rules.is_not(None))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [(c, a, bool(p), list(ids)) for c, a, p, ids in rows if ids]

    def stratum_totals(self) -> dict[tuple[str | None, str | None], tuple[int, int]]:
        """Valid runs and passes per (category, agent)."""
        query = (
            select(
                TraceRow.category,
                TraceRow.agent,
                func.count(),
                func.sum(case((TraceRow.passed.is_(True), 1), else_=0)),
            )
            .where(TraceRow.valid.is_(True))
            .group_by(TraceRow.category, TraceRow.agent)
        )
        with self.engine.connect() as conn:
            return {(c, a): (int(n), int(p or 0)) for c, a, n, p in conn.execute(query)}

    def save_efficacy(self, values: dict[str, dict[str, Any]], learn_id: int | None) -> int:
        """Write rules' efficacy; retire (by "feedback") the active ones whose injection is
        shown to hurt (its interval entirely below zero). Returns how many were retired."""
        retired = 0
        with write_transaction(self.engine) as conn:
            for rule_id, row in sorted(values.items()):
                conn.execute(update(RuleRow).where(RuleRow.id == rule_id).values(**row))
            harmful = conn.execute(
                select(RuleRow.id, RuleRow.efficacy, RuleRow.efficacy_high).where(
                    RuleRow.status == "active", RuleRow.status_by != "human",
                    RuleRow.efficacy_high < 0,
                )
            ).all()  # fmt: skip
            for rule_id, effect, _ in harmful:
                reason = f"its injection hurt: {100 * (effect or 0.0):+.0f} points when given"
                conn.execute(
                    update(RuleRow)
                    .where(RuleRow.id == rule_id)
                    .values(status="retired", status_by="feedback", status_reason=reason)
                )
                retired += 1
            if retired:
                self._snapshot(conn, f"feedback after learn {learn_id}", learn_id)
        return retired

    # ----------------------------------------------------------------------------- versions

    def _snapshot(self, conn: Connection, reason: str, learn_id: int | None) -> None:
        """Record the playbook as it now stands (every rule's text, status and score)."""
        rows = conn.execute(
            select(
                RuleRow.id, RuleRow.kind, RuleRow.scope_kind, RuleRow.scope_value,
                RuleRow.feature, RuleRow.text, RuleRow.status, RuleRow.score,
            ).order_by(RuleRow.id)
        ).all()  # fmt: skip
        rules = [
            {"id": r[0], "kind": r[1], "scope": f"{r[2]}={r[3]}" if r[3] else r[2],
             "feature": r[4], "text": r[5], "status": r[6], "score": round(r[7], 4)}
            for r in rows
        ]  # fmt: skip
        conn.execute(
            insert(PlaybookVersion).values(
                reason=reason[:200], learn_id=learn_id, rules=rules, created_at=utcnow()
            )
        )

    def playbook_versions(self) -> list[dict[str, Any]]:
        """Every version, oldest first: id, when, why, and its rules."""
        query = select(PlaybookVersion).order_by(PlaybookVersion.id)
        with self.engine.connect() as conn:
            return [
                {"version": row.id, "created_at": row.created_at, "reason": row.reason,
                 "learn_id": row.learn_id, "rules": list(row.rules)}
                for row in conn.execute(query)
            ]  # fmt: skip

    def rules(
        self,
        statuses: Collection[str] = ("active", "pinned"),
        scopes: Collection[tuple[str, str]] | None = None,
    ) -> list[Rule]:
        query = select(RuleRow).where(RuleRow.status.in_(list(statuses)))
        if scopes is not None:
            if not scopes:
                return []
            query = query.where(
                or_(
                    *(
                        and_(RuleRow.scope_kind == kind, RuleRow.scope_value == value)
                        for kind, value in scopes
                    )
                )
            )
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(RuleRow.score.desc(), RuleRow.id)).all()
        return [rule_from_mapping(row._mapping) for row in rows]

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id (a unique prefix is enough)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(RuleRow).where(RuleRow.id.like(f"{rule_id}%")).order_by(RuleRow.id).limit(2)
            ).all()
        if not rows:
            raise RuleNotFoundError(f"no rule with id {rule_id!r}")
        if len(rows) > 1 and rows[0].id != rule_id:
            raise RuleNotFoundError(f"{rule_id!r} matches several rules; give more of the id")
        return rule_from_mapping(rows[0]._mapping)

    def rule_runs(self, rule: Rule, limit: int = 20) -> dict[str, Any]:
        """The runs behind a rule: how many in its scope have its feature, and some of them."""
        scope_filter = _scope_filter(rule.scope_kind, rule.scope_value)
        with self.engine.connect() as conn:
            has_feature = (
                select(TraceFeature.trace_pk)
                .join(Feature, Feature.id == TraceFeature.feature_id)
                .where(Feature.key == rule.feature)
            )
            templates = [f.removeprefix("template:") for f in rule.merged_features
                         if f.startswith("template:")]  # fmt: skip
            if templates:  # a failure rule: runs whose main failure is in its cluster
                has_feature = select(TraceFailure.trace_pk).where(
                    TraceFailure.position == 0, TraceFailure.template.in_(templates)
                )
            query = (
                select(
                    TraceRow.trace_id,
                    TraceRow.task_id,
                    TraceRow.agent,
                    TraceRow.status,
                    TraceRow.reward,
                    TraceRow.failure_class,
                    TraceRow.source_file,
                )
                .where(TraceRow.id.in_(has_feature), *scope_filter)
                .order_by(TraceRow.id)
            )
            sample = [dict(row._mapping) for row in conn.execute(query.limit(limit))]
            excluded = conn.execute(
                select(func.count())
                .select_from(TraceRow)
                .where(TraceRow.id.in_(has_feature), TraceRow.valid.is_(False), *scope_filter)
            ).scalar_one()
        return {"examples": sample, "excluded_errors_with_feature": int(excluded)}

    # ----------------------------------------------------------------------------- analyses

    def run_frame(self, selectors: dict[str, str] | None = None) -> pd.DataFrame:
        """One row per selected run, with what comparisons and reports read (a DataFrame)."""
        columns = [getattr(TraceRow, name) for name in RUN_COLUMNS]
        query = select(*columns).where(*_selector_filters(selectors or {})).order_by(TraceRow.id)
        return self._frame(query, RUN_COLUMNS)

    def failure_frame(
        self, selectors: dict[str, str] | None = None, *, main_of: Collection[str] | None = None
    ) -> pd.DataFrame:
        """One row per failure that selected runs reported, with its run's identity and class;
        with ``main_of`` (statuses), only the main failure of runs that ended so."""
        names = ("trace_id", "run_id", "task_id", "category", "agent", "model", "status",
                 "failure_class")  # fmt: skip
        parts = ("position", "source", "test", "kind", "message", "template")
        query = (
            select(
                *(getattr(TraceRow, name) for name in names),
                *(getattr(TraceFailure, name) for name in parts),
            )
            .join(TraceRow, TraceRow.id == TraceFailure.trace_pk)
            .where(*_selector_filters(selectors or {}))
            .order_by(TraceRow.id, TraceFailure.position)
        )
        if main_of is not None:
            query = query.where(TraceFailure.position == 0, TraceRow.status.in_(list(main_of)))
        return self._frame(query, (*names, *parts))

    def _frame(self, query: Any, columns: Sequence[str]) -> pd.DataFrame:
        import pandas as pd

        with self.engine.connect() as conn:
            rows = [tuple(row) for row in conn.execute(query)]  # plain tuples build fastest
        return pd.DataFrame(rows, columns=list(columns))

    # ----------------------------------------------------------------------------- stats

    def stats(self) -> dict[str, Any]:
        """What the store holds: runs, pass rates by category/agent/model, errors by class."""
        with self.engine.connect() as conn:
            totals = _outcome_totals(conn, None)
            by = {name: _outcome_totals(conn, column) for name, column in _SCOPE_COLUMNS.items()}
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
            "learns": int(learns),
        }


def _insert_many(
    conn: Connection, table: Any, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """Insert plain tuples through the driver's executemany: for the one table that gets a
    row per trace and feature, SQLAlchemy's per-row parameter handling is most of the cost."""
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    statement = (
        f"INSERT INTO {table.name} ({', '.join(columns)})"
        f" VALUES ({', '.join(marker for _ in columns)})"
    )
    conn.exec_driver_sql(statement, rows)


def _empty_totals() -> dict[str, Any]:
    return {"runs": 0, "valid": 0, "passed": 0, "errors": 0, "pass_rate": None, "mean_reward": None}


def _outcome_totals(conn: Connection, column: Any) -> dict[Any, dict[str, Any]]:
    valid = case((TraceRow.valid.is_(True), 1), else_=0)
    passed = case((TraceRow.passed.is_(True), 1), else_=0)
    micros = case(
        (
            TraceRow.valid.is_(True),
            cast(func.round(func.coalesce(TraceRow.reward, 0.0) * MICROS), BigInteger),
        ),
        else_=0,
    )  # integer sums are exact in any order, so the means do not depend on it
    group = [column] if column is not None else []
    query = select(
        *group, func.count(), func.sum(valid), func.sum(passed), func.sum(micros)
    ).group_by(*group)
    result: dict[Any, dict[str, Any]] = {}
    for row in conn.execute(query):
        key = row[0] if column is not None else None
        runs, n_valid, n_passed, reward_micros = row[-4:]
        n_valid, n_passed = int(n_valid or 0), int(n_passed or 0)
        mean_reward = int(reward_micros) / MICROS / n_valid if n_valid else None
        result[key] = {
            "runs": int(runs),
            "valid": n_valid,
            "passed": n_passed,
            "errors": int(runs) - n_valid,
            "pass_rate": round(n_passed / n_valid, 4) if n_valid else None,
            "mean_reward": round(float(mean_reward), 4) if mean_reward is not None else None,
        }
    return result


def _scope_filter(scope_kind: str, scope_value: str) -> list[Any]:
    if scope_kind == "all":
        return []
    return [_SCOPE_COLUMNS[scope_kind] == scope_value]


SELECTOR_KEYS = (*_SELECTOR_COLUMNS, "tag")


def _selector_filters(selectors: dict[str, str]) -> list[Any]:
    """SQL conditions for selectors; ``file`` matches a path or its last parts, ``tag`` a tag."""
    filters: list[Any] = []
    for key, value in selectors.items():
        if key == "tag":
            tagged = select(TraceTag.trace_pk).where(TraceTag.tag == value)
            filters.append(TraceRow.id.in_(tagged))
        elif key == "file":
            escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            filters.append(
                or_(
                    TraceRow.source_file == value,
                    TraceRow.source_file.like(f"%/{escaped}", escape="\\"),
                )
            )
        elif key in _SELECTOR_COLUMNS:
            filters.append(_SELECTOR_COLUMNS[key] == value)
        else:
            raise StoreError(f"unknown selector {key!r}; known: {', '.join(SELECTOR_KEYS)}")
    return filters


def _cap(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    value = value.replace("\x00", "")
    return value[:limit]


def _trace_row(trace: Trace, learn_id: int | None) -> dict[str, Any]:
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
        "learn_id": learn_id,
        "created_at": utcnow(),
    }


def _rule_values(rule: Rule) -> dict[str, Any]:
    evidence = rule.evidence
    return {
        "kind": rule.kind,
        "scope_kind": rule.scope_kind,
        "scope_value": rule.scope_value,
        "feature": rule.feature,
        "merged_features": list(rule.merged_features),
        "exceptions": list(rule.exceptions),
        "text": rule.text,
        "n_with": evidence.n_with,
        "pass_with": evidence.pass_with,
        "n_without": evidence.n_without,
        "pass_without": evidence.pass_without,
        "reward_with": evidence.reward_with,
        "reward_without": evidence.reward_without,
        "difference": evidence.difference,
        "ci_low": evidence.ci_low,
        "ci_high": evidence.ci_high,
        "p_value": evidence.p_value,
        "q_value": evidence.q_value,
        "score": rule.score,
    }
