"""The living playbook: rules, the guidance they make, and what people and results do to them.

- ``guidance``: the playbook for one kind of task, ``suggest`` and ``inject``;
- ``similar``: guidance for a task never seen, from the tasks it resembles;
- ``curation``: pin, retire, restore, edit, and rules written by people;
- ``feedback``: whether injected rules helped, observed and randomized;
- ``versions``: the playbook as each learn and each change left it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engram.playbook.guidance import Playbook, inject, suggest

__all__ = ["Playbook", "inject", "suggest"]


def __getattr__(name: str) -> Any:
    """``Playbook``, ``suggest`` and ``inject`` on first use, so a rule's import stays light."""
    if name in __all__:
        from engram.playbook import guidance

        return getattr(guidance, name)
    raise AttributeError(f"module 'engram.playbook' has no attribute {name!r}")
