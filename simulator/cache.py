"""A small thread-safe cache keyed by content (a scenario's hash), shared by the compiled rules,
the persona machines, the exploration tables and the solvers.

Keyed by content, never by name or object identity: a scenario edited and reloaded is a new key,
and the same file loaded twice shares everything built from it. Bounded, least recently used
first out, so a long-running process that loads many edited versions does not grow without end.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["ContentCache"]

V = TypeVar("V")


class ContentCache(Generic[V]):
    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], V]) -> V:
        """The value for ``key``, built by ``build()`` the first time.

        Building happens outside the lock (an exploration can take seconds); if two threads
        build the same key at once, both get the value that was stored first.
        """
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = build()
        with self._lock:
            value = self._items.setdefault(key, value)
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
