"""Which programs a shell command runs: the ``cmd:<program>`` features depend on it."""

from __future__ import annotations

import time

import pytest

from engram.parse.shell import MAX_COMMAND_CHARS, Invocation, invocations, programs


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("pytest -x tests", ["pytest"]),
        ("python -m pytest -x tests", ["pytest"]),
        ("python3 -m pytest", ["pytest"]),
        ("python3.11 -m pytest.main", ["pytest"]),
        ("python3 -m pip install -e .", ["pip"]),
        ("pip3 install requests", ["pip"]),
        ("python script.py", ["python"]),
        ("/usr/bin/python3 script.py", ["python"]),
        ("npm test", ["npm"]),
        ("npm run build", ["npm"]),
        ("./gradlew test", ["gradlew"]),
        ("/usr/local/bin/cargo test", ["cargo"]),
        ("make", ["make"]),
        ("docker compose up -d", ["docker"]),
    ],
)
def test_the_program_of_a_simple_command(command: str, expected: list[str]) -> None:
    assert programs(command) == expected


def test_python_dash_m_passes_the_rest_as_arguments() -> None:
    assert invocations("python -m pytest -x tests/unit") == (
        Invocation("pytest", ("-x", "tests/unit")),
    )


def test_npm_keeps_its_script_as_an_argument() -> None:
    assert invocations("npm test -- --watch=false") == (
        Invocation("npm", ("test", "--", "--watch=false")),
    )


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("FOO=1 BAR=2 pytest -q", ["pytest"]),
        ("PYTHONPATH=src python -m pytest tests/", ["pytest"]),
        ("FOO='a b' make", ["make"]),
        ('CI="yes please" npm test', ["npm"]),
        ("env FOO=1 go test ./...", ["go"]),
        ("x=1", []),
    ],
)
def test_environment_assignments_are_not_programs(command: str, expected: list[str]) -> None:
    assert programs(command) == expected


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("sudo apt-get install -y curl", ["apt-get"]),
        ("sudo -E pytest", ["pytest"]),
        ("timeout 60 pytest", ["pytest"]),
        ("timeout 5m make test", ["make"]),
        ("sudo timeout 10 make", ["make"]),
        ("time pytest", ["pytest"]),
        ("nohup ./run.sh &", ["run.sh"]),
        ("exec pytest", ["pytest"]),
        ("xargs -0 rm", ["rm"]),
        ("env -i pytest", ["pytest"]),
        ("command -v git", ["git"]),
    ],
)
def test_prefixes_run_the_next_word(command: str, expected: list[str]) -> None:
    assert programs(command) == expected


@pytest.mark.parametrize(
    "command",
    [
        "sudo -u root pytest",
        "timeout -s KILL 60 pytest",
        "timeout --signal=KILL 60 pytest",
        "nice -n 10 pytest",
        "env -u X pytest",
        "uv run --with x pytest",
    ],
)
def test_prefix_options_with_values_are_not_programs(command: str) -> None:
    assert programs(command) == ["pytest"]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("cat a.txt | grep b | wc -l", ["cat", "grep", "wc"]),
        ("cd repo && make test && git status", ["make", "git"]),
        ("grep -r foo . || true", ["grep"]),
        ("make; make install", ["make"]),
        ("echo a; echo b", ["echo"]),
        ("ls\npytest", ["ls", "pytest"]),
        ("make -C build\n\ncargo build", ["make", "cargo"]),
        ("cd /repo; ls -la; cat README.md", ["ls", "cat"]),
        ("python -m pytest && python -m mypy", ["pytest", "mypy"]),
        ("npm install & npm test", ["npm"]),
    ],
)
def test_pipes_and_chains_list_each_program_once_in_order(
    command: str, expected: list[str]
) -> None:
    assert programs(command) == expected


def test_invocations_keep_every_simple_command_even_repeated() -> None:
    assert invocations("echo a; echo b") == (Invocation("echo", ("a",)), Invocation("echo", ("b",)))


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("echo $(git rev-parse HEAD)", ["echo", "git"]),
        ('echo "$(date)"', ["echo", "date"]),
        ("echo `date`", ["echo", "date"]),
        ("(cd a && make)", ["make"]),
        ("{ make; }", ["make"]),
        ("if true; then pytest; fi", ["pytest"]),
        ("for f in *.py; do black $f; done", ["black"]),
        ("while true; do sleep 1; done", ["sleep"]),
        ("! grep -q x f", ["grep"]),
    ],
)
def test_subshells_and_control_flow_show_the_programs_inside(
    command: str, expected: list[str]
) -> None:
    assert programs(command) == expected


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("pytest 2>&1 | tail -n 20", [Invocation("pytest", ()), Invocation("tail", ("-n", "20"))]),
        ("make > out.log 2>&1", [Invocation("make", ())]),
        ("cargo test 2>/dev/null", [Invocation("cargo", ("test",))]),
        ("cmd 2>>err.log", [Invocation("cmd", ())]),
        ("cat file >> out", [Invocation("cat", ("file",))]),
        ("pytest < input.txt", [Invocation("pytest", ())]),
        ("echo hi 1>&2", [Invocation("echo", ("hi",))]),
        ("echo hi > /dev/null && pytest", [Invocation("echo", ("hi",)), Invocation("pytest", ())]),
        ("exec 3>&1", []),
    ],
)
def test_redirections_are_neither_programs_nor_arguments(
    command: str, expected: list[Invocation]
) -> None:
    assert list(invocations(command)) == expected


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("cat <<EOF > f.py\nimport os\nrm -rf /\nEOF\npython f.py", ["cat", "python"]),
        ("cat <<'EOF'\nnpm install\nEOF", ["cat"]),
        ('cat <<"EOF"\nmake all\nEOF\nmake test', ["cat", "make"]),
        ("cat <<-EOF\n\tgit push\n\tEOF\nls", ["cat", "ls"]),
        ("python - <<'PY'\nimport subprocess\nsubprocess.run(['make'])\nPY", ["python"]),
        ("cat > notes.txt <<EOF\nhello; rm x && curl y\nEOF", ["cat"]),
        ("cat <<EOF\nnever closed; rm -rf /", ["cat"]),
    ],
)
def test_heredoc_bodies_are_text_not_commands(command: str, expected: list[str]) -> None:
    assert programs(command) == expected


def test_a_heredoc_piped_into_a_program_keeps_that_program() -> None:
    assert programs("cat <<EOF | python\nprint(1)\nEOF") == ["cat", "python"]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ('bash -c "cd x && cargo test"', ["cargo"]),
        ("sh -c 'pytest -q'", ["pytest"]),
        ("/bin/bash -c 'make test'", ["make"]),
        ("timeout 5m bash -c 'python -m pytest'", ["pytest"]),
        ("bash -c 'cd /repo && python -m pytest -q'", ["pytest"]),
        ("bash script.sh", ["bash"]),
        ("bash -c ''", []),
        ("sh -c", ["sh"]),
    ],
)
def test_a_shell_dash_c_runs_the_programs_of_its_script(command: str, expected: list[str]) -> None:
    assert programs(command) == expected


def test_nested_shells_stop_at_a_depth_limit() -> None:
    command = 'bash -c \'bash -c "bash -c \\"bash -c pytest\\""\''
    assert programs(command) == ["bash"]


def test_bash_dash_lc_runs_the_programs_of_its_script() -> None:
    assert programs("bash -lc 'npm test'") == ["npm"]


def test_a_shell_dash_c_script_keeps_its_arguments_whole() -> None:
    assert invocations('bash -c "cd x && cargo test"') == (Invocation("cargo", ("test",)),)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("uv run pytest -q", [Invocation("pytest", ("-q",))]),
        ("uv run -- pytest", [Invocation("pytest", ())]),
        ("poetry run python -m pytest", [Invocation("pytest", ())]),
        ("pdm run mypy src", [Invocation("mypy", ("src",))]),
        ("npx jest --ci", [Invocation("jest", ("--ci",))]),
        ("npx --yes jest", [Invocation("jest", ())]),
        ("bunx vitest", [Invocation("vitest", ())]),
        ("npx", [Invocation("npx", ())]),
        ("uv run", [Invocation("uv", ())]),
    ],
)
def test_runners_run_the_next_program(command: str, expected: list[Invocation]) -> None:
    assert list(invocations(command)) == expected


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("uv sync", ["uv"]),
        ("poetry install", ["poetry"]),
        ("conda install numpy", ["conda"]),
        ("hatch test", ["hatch"]),
    ],
)
def test_a_runners_own_subcommands_are_not_programs(command: str, expected: list[str]) -> None:
    assert programs(command) == expected


@pytest.mark.parametrize(
    "command",
    [
        "cd /repo",
        "export FOO=1",
        "set -euo pipefail",
        "source .venv/bin/activate",
        ". ./env.sh",
        "true",
        ":",
        "pushd src && popd",
    ],
)
def test_shell_plumbing_is_not_a_program(command: str) -> None:
    assert programs(command) == []


@pytest.mark.parametrize("command", ["", "   ", "\n\n", "# just a comment", "&&", "|||", ";;"])
def test_commands_with_nothing_to_run_give_nothing(command: str) -> None:
    assert programs(command) == []


@pytest.mark.parametrize(
    "command", ["$TOOL", "'weird name'", "{a,b}", "*.py", "x" * 60, "[ -f x ]"]
)
def test_words_that_cannot_be_program_names_are_dropped(command: str) -> None:
    assert programs(command) == []


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ('echo "unbalanced', ["echo"]),
        ("echo 'oops && ls", ["echo", "ls"]),
        ("python -c 'print(1", ["python"]),
    ],
)
def test_unbalanced_quotes_do_not_crash(command: str, expected: list[str]) -> None:
    assert programs(command) == expected


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ('git commit -m "fix tests; pytest passes"', ["git"]),
        ("echo 'a && rm -rf x'", ["echo"]),
        ('echo "build | tee log"', ["echo"]),
    ],
)
def test_separators_inside_quotes_do_not_split_the_command(
    command: str, expected: list[str]
) -> None:
    assert programs(command) == expected


def test_a_comment_is_not_run() -> None:
    assert programs("ls # && rm -rf build") == ["ls"]


def test_a_very_long_command_is_read_up_to_its_cap() -> None:
    command = "ls " * 100_000
    assert programs(command) == ["ls"]
    tail = "echo " + "a" * (MAX_COMMAND_CHARS + 10) + " && pytest"
    assert programs(tail) == ["echo"]


def test_a_long_chain_of_commands_is_read_quickly() -> None:
    command = " && ".join(f"tool{n % 50} -f {n}" for n in range(1000))
    assert len(command) < MAX_COMMAND_CHARS
    started = time.perf_counter()
    found = programs(command)
    assert time.perf_counter() - started < 2.0
    assert found[:3] == ["tool0", "tool1", "tool2"]
    assert len(found) == 50


def test_a_long_run_of_digits_is_read_quickly() -> None:
    command = "echo " + "1" * 12_000
    invocations.cache_clear()
    started = time.perf_counter()
    programs(command)
    assert time.perf_counter() - started < 0.5


def test_results_are_cached_per_command() -> None:
    invocations.cache_clear()
    first = invocations("python -m pytest -q")
    assert invocations("python -m pytest -q") is first
    assert invocations.cache_info().hits == 1
