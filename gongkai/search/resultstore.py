"""The result cache's store when no shared cache (Redis) is configured: one SQLite file
shared by the server's processes on one machine.

Django's file cache writes every entry to a new temporary file and renames it into place.
Creating a file cost 0.3–0.8 ms of CPU on the 2-core virtual machines the benchmarks run
on (docs/benchmarks.md), a tenth of a search page that is not in the cache; a row of an
SQLite database in WAL mode costs about 0.04 ms to write and under 0.01 ms to read.

It is a cache: in WAL mode with synchronous=NORMAL a commit is not flushed to disk (only
checkpoints are), so a power cut may lose the last entries but leaves the file whole; an
error (the file locked past BUSY_SECONDS, a full disk, a damaged row, a folder it cannot
write) makes a miss or a skipped write, never an error page. Every CULL_EVERY-th write of
a process removes the expired entries and, above MAX_ENTRIES, the 1/CULL_FREQUENCY of them
that expire first.
"""

import itertools
import logging
import os
import pickle
import sqlite3
import threading
import time
import zlib
from pathlib import Path
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

log = logging.getLogger(__name__)

BUSY_SECONDS = 2.0
# What makes a miss or a skipped write: the database's errors, and the file system's (a
# folder that cannot be made or written).
_FAILURES = (sqlite3.Error, OSError)
_SCHEMA = "CREATE TABLE IF NOT EXISTS entry (key TEXT PRIMARY KEY, expires REAL, value BLOB NOT NULL)"

# Connections opened before a fork: never used, nor closed, in the child (closing the
# parent's connection there could end the WAL file the parent still uses).
_inherited: list[sqlite3.Connection] = []


def _prepare(db: sqlite3.Connection) -> None:
    """WAL mode and the table. Connections opening a new file at once may find it locked
    while another switches it to WAL, an answer that comes at once rather than after the
    busy timeout: tried again for up to BUSY_SECONDS (seen with 4 threads on a loaded
    machine: a skipped write)."""
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":  # (kept by the file once set)
                db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(_SCHEMA)
            return
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.005)


class ResultStore(BaseCache):
    """A Django cache backend over one SQLite file (`location`)."""

    CULL_EVERY = 100

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        self.path = Path(location)
        self._local = threading.local()
        self._writes = itertools.count()

    # --- the connection, one per thread and process ---------------------------------------

    def _db(self) -> sqlite3.Connection:
        held = getattr(self._local, "db", None)
        if held is not None:
            pid, db = held
            if pid == os.getpid():
                return db
            _inherited.append(db)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
        try:
            _prepare(db)
        except _FAILURES:
            db.close()
            raise
        self._local.db = (os.getpid(), db)
        return db

    # --- Django's cache interface -----------------------------------------------------------

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        try:
            row = self._db().execute("SELECT expires, value FROM entry WHERE key = ?", (key,)).fetchone()
        except _FAILURES as exc:
            log.warning("结果缓存读取失败：%s", exc)
            return default
        if row is None or (row[0] is not None and row[0] <= time.time()):
            return default
        try:
            return pickle.loads(zlib.decompress(row[1]))  # noqa: S301 (written by this class only)
        except Exception:  # a damaged row is a miss
            log.warning("结果缓存条目损坏，已忽略：%s", key)
            return default

    def set(self, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._write("INSERT OR REPLACE", key, value, timeout, version)

    def add(self, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        try:  # an expired entry does not hold the key
            self._db().execute(
                "DELETE FROM entry WHERE key = ? AND expires <= ?",
                (self.make_and_validate_key(key, version=version), time.time()),
            )
        except _FAILURES as exc:
            log.warning("结果缓存写入失败：%s", exc)
            return False
        return self._write("INSERT OR IGNORE", key, value, timeout, version)

    def touch(self, key: str, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        expires = self.get_backend_timeout(timeout)
        try:
            done = self._db().execute(
                "UPDATE entry SET expires = ? WHERE key = ? AND (expires IS NULL OR expires > ?)",
                (expires, key, time.time()),
            )
        except _FAILURES as exc:
            log.warning("结果缓存写入失败：%s", exc)
            return False
        return done.rowcount > 0

    def delete(self, key: str, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        try:
            return self._db().execute("DELETE FROM entry WHERE key = ?", (key,)).rowcount > 0
        except _FAILURES as exc:
            log.warning("结果缓存写入失败：%s", exc)
            return False

    def has_key(self, key: str, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        try:
            row = self._db().execute("SELECT expires FROM entry WHERE key = ?", (key,)).fetchone()
        except _FAILURES:
            return False
        return row is not None and (row[0] is None or row[0] > time.time())

    def clear(self) -> None:
        try:
            self._db().execute("DELETE FROM entry")
        except _FAILURES as exc:
            log.warning("结果缓存清空失败：%s", exc)

    # --- writing and culling --------------------------------------------------------------

    def _write(self, verb: str, key: str, value: Any, timeout: float | None, version: int | None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        blob = zlib.compress(pickle.dumps(value, pickle.HIGHEST_PROTOCOL), 1)
        try:
            db = self._db()
            if next(self._writes) % self.CULL_EVERY == 0:
                self._cull(db)
            done = db.execute(
                f"{verb} INTO entry (key, expires, value) VALUES (?, ?, ?)",
                (key, self.get_backend_timeout(timeout), blob),
            )
        except _FAILURES as exc:
            log.warning("结果缓存写入失败：%s", exc)
            return False
        return done.rowcount > 0

    def _cull(self, db: sqlite3.Connection) -> None:
        db.execute("DELETE FROM entry WHERE expires <= ?", (time.time(),))
        (count,) = db.execute("SELECT count(*) FROM entry").fetchone()
        if count >= self._max_entries:
            # the entries that expire first (never-expiring ones last)
            drop = count - self._max_entries + max(1, self._max_entries // self._cull_frequency)
            db.execute(
                "DELETE FROM entry WHERE key IN (SELECT key FROM entry ORDER BY expires IS NULL, expires LIMIT ?)",
                (drop,),
            )
