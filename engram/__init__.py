"""engram: learn from coding-agent traces which behaviours go with success, as scored rules.

import engram
summary = engram.learn(["traces.json"])
playbook = engram.suggest(category="cross_module_bug_fix")
print(playbook.to_markdown())
new_text = engram.inject(instruction_text)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from engram.learning.learner import LearnSummary, learn
    from engram.mining.settings import MiningSettings
    from engram.playbook.guidance import Playbook, inject, suggest
    from engram.store import Store, open_store

_LAZY = {
    "learn": "engram.learning.learner",
    "LearnSummary": "engram.learning.learner",
    "MiningSettings": "engram.mining.settings",
    "Playbook": "engram.playbook.guidance",
    "suggest": "engram.playbook.guidance",
    "inject": "engram.playbook.guidance",
    "Store": "engram.store",
    "open_store": "engram.store",
}

__all__ = [
    "LearnSummary",
    "MiningSettings",
    "Playbook",
    "Store",
    "__version__",
    "inject",
    "learn",
    "open_store",
    "suggest",
]


def __getattr__(name: str) -> Any:
    """Import the public API on first use, so ``import engram`` stays light."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'engram' has no attribute {name!r}")
