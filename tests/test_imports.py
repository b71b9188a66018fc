"""Fixed costs are paid only by the work that needs them: a command that does not mine, cluster
or chart imports no statistics, machine learning or plotting library."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engram.datasets.synthetic import default_scenario, write_corpus
from tests.conftest import Restore

HEAVY = ("scipy", "scipy.stats", "sklearn", "pandas", "matplotlib", "statsmodels")


def heavy_after(tmp_path: Path, *argv: str) -> list[str]:
    """The heavy modules a fresh ``engram ARGV`` process had imported when it ended."""
    code = (
        "import sys\nfrom engram.cli import main\nsys.argv = ['engram', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"import json\nprint(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True,
                          cwd=tmp_path, env=dict(os.environ))  # fmt: skip
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("["), done.stdout + done.stderr
    return list(json.loads(last))


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("imports") / "traces.json"
    write_corpus(default_scenario(runs=120, seed=3), path)
    return path


@pytest.fixture
def known(restore: Restore, corpus: Path) -> Path:
    """The corpus learned by a fresh process (once per session): mining imports SciPy's special
    functions and hierarchy, not its statistics, scikit-learn or pandas."""

    def build() -> None:
        assert heavy_after(corpus.parent, "learn", str(corpus), "-q") == ["scipy"]

    restore("imports-known", build)
    return corpus


def test_learning_what_the_store_already_holds_mines_nothing_and_imports_no_statistics(
    known: Path, tmp_path: Path
) -> None:
    assert heavy_after(tmp_path, "learn", str(known), "-q") == []


@pytest.mark.usefixtures("known")
@pytest.mark.parametrize("argv", [["stats"], ["suggest"], ["patterns", "list"], ["--help"]])
def test_reading_commands_import_no_statistics(tmp_path: Path, argv: list[str]) -> None:
    assert heavy_after(tmp_path, *argv) == []
