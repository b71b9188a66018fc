"""Values in help as people write them: ``--jobs N``, ``--format md|json``, ``PATHS...``;
a flag shows no value at all (typer's own would be ``<int>``, ``<bool>``, ``{paths}...``)."""

from __future__ import annotations

from typing import Any

_TYPE_NAMES = {"int": "N", "float": "NUMBER", "str": "TEXT"}
HELP_OPTIONS = ["-h", "--help"]


def name_values(command: Any) -> None:
    """Give every parameter of ``command`` and its subcommands a plain metavar."""
    import typer

    for sub in getattr(command, "commands", {}).values():
        name_values(sub)
    help_option = command.get_help_option(typer.Context(command, help_option_names=HELP_OPTIONS))
    for param in [*getattr(command, "params", []), help_option]:
        if param is None or param.metavar is not None:
            continue
        param.metavar = _metavar(param)
        if param.param_type_name == "argument":
            param.display_type_rich = _no_type  # its name says it; no type column beside
            param._usage_display_name = _usage_name(param)  # PATHS..., [SELECT]... as click has


def _no_type(ctx: object) -> None:
    return None


def _usage_name(param: Any) -> Any:
    name = param.metavar if param.required else f"[{param.metavar}]"
    name += "..." if param.nargs != 1 else ""
    return lambda: name


def _metavar(param: Any) -> str:
    if param.param_type_name == "argument":
        return str(param.name).upper()
    if getattr(param, "is_flag", False):
        return ""
    desc = param.type_descriptor
    if desc.is_choice:
        return "|".join(str(getattr(c, "value", c)) for c in desc.choices or ())
    if desc.is_path:
        return "FILE" if desc.path_type == "file" else "PATH"
    annotation = desc.annotation
    args = getattr(annotation, "__args__", ())
    name = getattr(args[0] if desc.is_list and args else annotation, "__name__", "")
    return "PATH" if name == "Path" else _TYPE_NAMES.get(name, "VALUE")
