"""Runner detection checks each sign's plain text before searching for it, and answers as the
searches alone would."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tests.parse.testoutput as suite
from engram.parse.testoutput import detect

SIGNS = [(runner, pattern) for runner, signs in detect._SIGNS.items() for _, pattern, _ in signs]


@pytest.mark.parametrize(
    ("pattern", "required"),
    [
        (r"^=+ test session starts =+$", " test session starts "),
        (r"^E {3,}\S", "E"),
        (r"^error\[E\d{4}\]: ", "error[E"),
        (r"^(?:ok|FAIL)\s+\S+", ""),  # only alternatives: nothing is certain
        (r"a|bc", ""),
        (r"(?i)Tests run", ""),  # any case matches: no plain text is certain
        (r"x?yz", "yz"),
    ],
)
def test_the_required_text_is_what_every_match_holds(pattern: str, required: str) -> None:
    assert detect._required(pattern) == required


@pytest.mark.parametrize(("runner", "pattern"), SIGNS, ids=[p.pattern[:30] for _, p in SIGNS])
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_match_of_a_sign_holds_its_required_text(
    runner: str, pattern: re.Pattern[str], data: st.DataObject
) -> None:
    literal = detect._required(pattern.pattern)
    text = data.draw(st.from_regex(pattern, fullmatch=True))
    assert literal in text


def _outputs() -> list[str]:
    """Every long string the test-output tests hold: the outputs of real runners."""
    found = []
    for module in pkgutil.iter_modules(suite.__path__):
        loaded = importlib.import_module(f"{suite.__name__}.{module.name}")
        found += [v for v in vars(loaded).values() if isinstance(v, str) and len(v) > 40]
    return found


def test_the_scores_are_those_of_the_searches_alone() -> None:
    outputs = _outputs()
    assert len(outputs) > 20
    for text in outputs:
        sample = detect._sample(text)
        searched = {runner: sum(weight for weight, pattern, _ in signs if pattern.search(sample))
                    for runner, signs in detect._SIGNS.items()}  # fmt: skip
        assert detect._scores(sample) == searched
    assert {detect.detect_runner(text) for text in outputs} >= {"pytest", "go", "junit", "jest"}
