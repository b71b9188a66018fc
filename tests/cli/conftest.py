from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from engram.cli import app
from engram.datasets.synthetic import default_scenario, write_corpus
from tests.conftest import Restore

Invoke = Callable[..., Result]


@pytest.fixture
def invoke() -> Invoke:
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(app, list(args), catch_exceptions=False)

    return run


@pytest.fixture(scope="session")
def sample_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "traces.json"
    write_corpus(default_scenario(600, 7), path)
    return path


@pytest.fixture
def learned(restore: Restore, sample_corpus: Path) -> Path:
    """The sample corpus learned by ``engram learn`` into this test's store."""

    def build() -> None:
        result = CliRunner().invoke(app, ["learn", str(sample_corpus)], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr

    restore("cli-sample", build)
    return sample_corpus
