"""Seeded randomness whose whole state is two integers: the seed and how many draws were made.

Each draw is SplitMix64 of ``seed`` and the draw's number, so a snapshot saves ``(seed, counter)``
and a restored session draws exactly what the original would have, in any process (nothing here
depends on ``hash()``, on set order or on the clock).
"""

from __future__ import annotations

import secrets

from .errors import InvalidSeed

__all__ = ["MAX_SEED", "Rng", "check_seed", "fresh_seed"]

# Seeds are stored in SQLite (signed 64-bit) and JSON, so they stay below 2**63.
MAX_SEED = 2**63 - 1

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


def _splitmix64(x: int) -> int:
    x = (x + _GOLDEN) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def check_seed(seed: object) -> int:
    """``seed`` if it is a whole number from 0 to :data:`MAX_SEED`; else :class:`InvalidSeed`.
    The one seed check: sessions, snapshots, the command line and the strategies all use it.
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= MAX_SEED:
        shown = repr(seed) if len(repr(seed)) <= 40 else repr(seed)[:37] + "..."
        raise InvalidSeed(f"a seed is a whole number from 0 to {MAX_SEED}, not {shown}")
    return seed


def fresh_seed() -> int:
    """A new seed for a session whose caller did not choose one (small enough to type back)."""
    return secrets.randbelow(1_000_000)


class Rng:
    __slots__ = ("_base", "counter", "seed")

    def __init__(self, seed: int, counter: int = 0) -> None:
        self.seed = check_seed(seed)
        self.counter = counter
        self._base = _splitmix64(seed & _MASK)  # derived from the seed, never saved

    def below(self, n: int) -> int:
        """A number in ``range(n)``. The 64-bit draw makes the modulo bias negligible (< 2**-50)."""
        value = _splitmix64((self._base + self.counter) & _MASK)
        self.counter += 1
        return value % n
