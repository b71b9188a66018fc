"""The ``engram`` command: a thin typer layer over the library, one module per command group.

``main`` first offers the command line to ``engram.cli.quick``, which answers the commands an
agent harness calls before every run (``suggest``, ``inject``), and ``learn``, without
importing the CLI framework; anything else, or anything it is not sure of, goes to the typer app.
"""

from __future__ import annotations

import sys
from typing import Any


def main() -> None:
    """Console entry point: unexpected crashes are one line unless ENGRAM_DEBUG is set."""
    from engram.config import debug_enabled

    try:
        from engram.cli.quick import run

        code = run(sys.argv[1:])
        if code is None:
            from engram.cli.commands import app

            if sys.argv[1:] == ["--help"]:
                from engram.cli.helpcache import render_and_keep

                render_and_keep(app)  # and kept, for the quick path's next --help
            else:
                app()
        else:
            sys.exit(code)
    except Exception as exc:
        if debug_enabled():
            raise
        print(
            f"engram: unexpected error: {type(exc).__name__}: {exc}\n"
            "  hint: set ENGRAM_DEBUG=1 to see the traceback, and please report it",
            file=sys.stderr,
        )
        sys.exit(1)


def __getattr__(name: str) -> Any:
    if name == "app":
        from engram.cli.commands import app

        return app
    raise AttributeError(f"module 'engram.cli' has no attribute {name!r}")
