"""The content-keyed cache behind compiled rules, persona machines, tables and solvers."""

from __future__ import annotations

import threading

from simulator.cache import ContentCache


def test_builds_once_per_key_and_returns_the_same_object():
    cache: ContentCache[list[int]] = ContentCache(4)
    calls = []
    first = cache.get("a", lambda: calls.append("a") or [1])
    again = cache.get("a", lambda: calls.append("again") or [2])
    assert first is again and calls == ["a"]


def test_the_least_recently_used_key_goes_first():
    cache: ContentCache[str] = ContentCache(2)
    cache.get("a", lambda: "A")
    cache.get("b", lambda: "B")
    cache.get("a", lambda: "rebuilt")  # touch a: b is now the oldest
    cache.get("c", lambda: "C")
    assert len(cache) == 2
    assert cache.get("a", lambda: "rebuilt") == "A"
    assert cache.get("b", lambda: "B again") == "B again"


def test_clear_forgets_everything():
    cache: ContentCache[int] = ContentCache(2)
    cache.get(1, lambda: 1)
    cache.clear()
    assert len(cache) == 0 and cache.get(1, lambda: 2) == 2


def test_concurrent_builders_all_get_the_first_stored_value():
    cache: ContentCache[object] = ContentCache(4)
    start = threading.Barrier(8)
    results = []

    def worker():
        start.wait()
        results.append(cache.get("k", object))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(r) for r in results}) == 1
