"""The Store's rules: mined rules saved, people's changes, feedback, playbook versions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    String,
    and_,
    case,
    cast,
    func,
    insert,
    or_,
    select,
    update,
)

from engram.errors import RuleNotFoundError, StoreError
from engram.rules import Feedback, Rule
from engram.store.engine import write_transaction
from engram.store.filters import scope_filter
from engram.store.models import (
    Feature,
    PlaybookVersion,
    RuleRow,
    TraceFailure,
    TraceFeature,
    TraceRow,
    utcnow,
)
from engram.store.rows import rule_from_mapping
from engram.trace import Trace

FEEDBACK_FIELDS = tuple(Feedback.__dataclass_fields__)  # the feedback columns of ``rules``


@dataclass(slots=True)
class RuleChanges:
    added: int = 0
    updated: int = 0
    retired: int = 0
    stale: bool = False  # not written: runs were added after mining read the store


class RuleBook:
    """Part of ``Store``: reading and writing rules."""

    engine: Engine

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

    def injected_runs(self) -> list[tuple[str | None, str | None, bool, list[str]]]:
        """Valid runs that were given rules: (category, agent, passed, rule ids)."""
        query = select(TraceRow.category, TraceRow.agent, TraceRow.passed, TraceRow.injected_rules)
        query = query.where(TraceRow.valid.is_(True), TraceRow.injected_rules.is_not(None))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [(c, a, bool(p), list(ids)) for c, a, p, ids in rows if ids]

    def holdout_runs(self) -> list[tuple[str | None, str | None, bool, list[str], list[str]]]:
        """Valid runs that took part in a holdout (some rule withheld at random): (category,
        agent, passed, rules given, rules withheld)."""
        query = select(TraceRow.category, TraceRow.agent, TraceRow.passed,
                       TraceRow.injected_rules, TraceRow.withheld_rules)  # fmt: skip
        held = TraceRow.withheld_rules  # SQL NULL, or JSON null, outside a holdout
        query = query.where(TraceRow.valid.is_(True), held.is_not(None),
                            cast(held, String) != "null")  # fmt: skip
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [(c, a, bool(p), list(given or []), list(held))
                for c, a, p, given, held in rows if held is not None]  # fmt: skip

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
            harmful = [
                (rule_id, effect, "its injection hurt")
                for rule_id, effect, _ in conn.execute(
                    select(RuleRow.id, RuleRow.efficacy, RuleRow.efficacy_high).where(
                        RuleRow.status == "active", RuleRow.status_by != "human",
                        RuleRow.efficacy_high < 0,
                    )
                ).all()
            ]  # fmt: skip
            tested = conn.execute(
                select(RuleRow.id, RuleRow.randomized).where(
                    RuleRow.status == "active", RuleRow.status_by != "human",
                    RuleRow.randomized.is_not(None),
                )
            ).all()  # fmt: skip
            seen = {rule_id for rule_id, _, _ in harmful}
            for rule_id, randomized in tested:  # JSON (a JSON null too), decoded by its type
                high = (randomized or {}).get("ci_high")
                if isinstance(high, (int, float)) and high < 0 and rule_id not in seen:
                    harmful.append((rule_id, randomized.get("difference"),
                                    "withheld at random, its runs did better"))  # fmt: skip
            for rule_id, effect, why in harmful:
                reason = f"{why}: {100 * (effect or 0.0):+.0f} points when given"
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
        in_scope = scope_filter(rule.scope_kind, rule.scope_value)
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
                .where(TraceRow.id.in_(has_feature), *in_scope)
                .order_by(TraceRow.id)
            )
            sample = [dict(row._mapping) for row in conn.execute(query.limit(limit))]
            excluded = conn.execute(
                select(func.count())
                .select_from(TraceRow)
                .where(TraceRow.id.in_(has_feature), TraceRow.valid.is_(False), *in_scope)
            ).scalar_one()
        return {"examples": sample, "excluded_errors_with_feature": int(excluded)}


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
        "stratified": asdict(evidence.stratified) if evidence.stratified is not None else None,
        "agents": list(rule.agents),
        "absorbed": [dict(entry) for entry in rule.absorbed],
    }
