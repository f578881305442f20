"""Testing support: hypothesis strategies (:mod:`.strategies`) and a pytest plugin (:mod:`.plugin`).

Names are imported on first use, so that the pytest plugin, which pytest imports in every project
where Parley is installed, does not import hypothesis.
"""

from __future__ import annotations

from typing import Any

__all__ = ["move_sequences", "personas", "replay_line", "scenarios", "sessions"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        try:
            from . import strategies
        except ModuleNotFoundError as exc:
            if exc.name != "hypothesis":
                raise
            # one line that says what to install, instead of a bare "No module named 'hypothesis'"
            raise ModuleNotFoundError(
                f"simulator.testing.{name} needs hypothesis: pip install 'parley[testing]'", name="hypothesis"
            ) from None
        return getattr(strategies, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
