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


def test_builders_racing_on_one_key_all_get_the_value_stored_first():
    """Every thread is made to build at once: each passes the first look-up before any stores.
    Each builds its own object, and the cache must hand all of them the one stored first (a plain
    assignment would hand each thread its own).
    """
    threads = 8
    cache: ContentCache[object] = ContentCache(4)
    # the build itself is the seam: no thread's build returns until every thread is building
    all_building = threading.Barrier(threads, timeout=30)
    built: list[object] = []
    results: list[object] = []

    def build() -> object:
        value = object()
        built.append(value)
        all_building.wait()
        return value

    def worker() -> None:
        results.append(cache.get("k", build))

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    assert len(built) == threads, "every thread built (building happens outside the lock)"
    assert len(results) == threads and len({id(r) for r in results}) == 1
    assert results[0] in built and cache.get("k", object) is results[0]
