"""Traces cross process boundaries (``learn --jobs``) and are copied whole, every field kept."""

from __future__ import annotations

import copy
import pickle
from dataclasses import fields
from typing import Any

import pytest

from engram.trace import Agent, Changes, Failure, Metrics, Outcome, Step, Task, Trace, content_id


def _filled(cls: type[Any], salt: str) -> Any:
    """An instance whose every field differs from its default, by the field's type."""
    values: dict[str, Any] = {}
    for number, f in enumerate(fields(cls)):
        kind = str(f.type)
        if kind in {"Task", "Agent", "Outcome", "Changes", "Metrics"}:
            values[f.name] = _filled(globals()[kind], salt)
        elif kind == "list[Step]":
            values[f.name] = [_filled(Step, salt + "1"), _filled(Step, salt + "2")]
        elif kind == "tuple[Failure, ...]":
            values[f.name] = (_filled(Failure, salt),)
        elif kind.startswith("tuple"):
            values[f.name] = (f"{salt}-{f.name}",)
        elif kind == "bool":
            values[f.name] = True
        elif kind.startswith(("int", "float")):
            values[f.name] = number + 7
        else:
            values[f.name] = f"{salt}-{f.name}"
    return cls(**values)


@pytest.mark.parametrize("cls", [Task, Agent, Step, Outcome, Failure, Changes, Metrics, Trace])
def test_every_field_survives_pickling_and_copying(cls: type[Any]) -> None:
    original = _filled(cls, "x")
    for protocol in (2, pickle.HIGHEST_PROTOCOL):
        again = pickle.loads(pickle.dumps(original, protocol=protocol))
        assert type(again) is cls and again == original
        assert [getattr(again, f.name) for f in fields(cls)] == [
            getattr(original, f.name) for f in fields(cls)
        ]
    deep = copy.deepcopy(original)
    assert deep == original and deep is not original
    assert copy.copy(original) == original


def test_a_trace_sent_to_another_process_keeps_its_identity() -> None:
    trace = _filled(Trace, "run")
    trace.trace_id = content_id(trace)
    again = pickle.loads(pickle.dumps(trace))
    assert content_id(again) == again.trace_id == trace.trace_id
    again.steps[0].output = "changed"  # a copy, not a view of the original
    assert trace.steps[0].output != "changed"
