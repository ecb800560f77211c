"""A value read from the database at most every few seconds per process: rows that every
request needs and that change rarely (sites, facet labels). Dropped at once in the process
that changes them (signals call `forget`); other processes follow within the TTL."""

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class ProcessCopy(Generic[T]):
    """`load()`'s result, kept for `ttl()` seconds (a function, so that a module constant
    can be changed at run time)."""

    def __init__(self, load: Callable[[], T], ttl: Callable[[], float]) -> None:
        self._load = load
        self._ttl = ttl
        self._lock = threading.Lock()
        self._held: tuple[float, T] | None = None

    def _fresh(self, held: tuple[float, T]) -> bool:
        return time.monotonic() - held[0] < self._ttl()

    def get(self) -> T:
        held = self._held
        if held is None or not self._fresh(held):
            with self._lock:
                held = self._held
                if held is None or not self._fresh(held):
                    held = self._held = (time.monotonic(), self._load())
        return held[1]

    def forget(self) -> None:
        with self._lock:
            self._held = None
