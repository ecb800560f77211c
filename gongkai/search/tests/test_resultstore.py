"""The SQLite store of the result cache: Django's cache interface, expiry, culling, one
file shared by threads and processes, and a damaged database making misses, not errors."""

import multiprocessing
import sqlite3
import threading
from pathlib import Path

import pytest
import time_machine

from gongkai.search import cache
from gongkai.search.resultstore import ResultStore


def _store(tmp_path: Path, timeout: int = 60, **options: int) -> ResultStore:
    return ResultStore(str(tmp_path / "results.sqlite3"), {"TIMEOUT": timeout, "OPTIONS": options})


def test_set_get_add_touch_delete_clear(tmp_path: Path) -> None:
    store = _store(tmp_path)
    entry = cache.Entry(ids=[3, 1], content="页面".encode(), content_type="text/html; charset=utf-8")
    store.set("page", entry)
    assert store.get("page") == entry
    assert store.get("other", "缺省") == "缺省"
    assert store.add("page", "new") is False and store.get("page") == entry
    assert store.add("fresh", 1) is True and store.get("fresh") == 1
    assert store.has_key("fresh") and not store.has_key("other")
    assert store.touch("fresh", 5) is True and store.touch("other") is False
    assert store.delete("fresh") is True and store.delete("fresh") is False
    store.clear()
    assert store.get("page") is None


def test_entries_expire(tmp_path: Path) -> None:
    store = _store(tmp_path)
    with time_machine.travel("2026-03-01 09:00:00 +0800", tick=False) as clock:
        store.set("short", "a", 10)
        store.set("forever", "b", None)
        clock.shift(11)
        assert store.get("short") is None and not store.has_key("short")
        assert store.get("forever") == "b"
        assert store.add("short", "again") is True  # an expired key is free


def test_every_hundredth_write_culls_the_first_to_expire(tmp_path: Path) -> None:
    store = _store(tmp_path, timeout=3600, MAX_ENTRIES=150, CULL_FREQUENCY=2)
    with time_machine.travel("2026-03-01 09:00:00 +0800", tick=False) as clock:
        for n in range(250):
            store.set(f"k{n}", n)
            clock.shift(1)  # later writes expire later
        rows = sqlite3.connect(store.path).execute("SELECT count(*) FROM entry").fetchone()[0]
        # at write 100 there were 100 rows (kept); at write 200, 200: the 125 that
        # expire first went (leaving 75); then 50 more were written
        assert rows == 125
        assert store.get("k0") is None and store.get("k124") is None
        assert store.get("k125") == 125 and store.get("k249") == 249


def test_threads_share_the_file(tmp_path: Path) -> None:
    store = _store(tmp_path, MAX_ENTRIES=10_000)  # no culling: every entry written stays
    errors: list[BaseException] = []

    def work(t: int) -> None:
        try:
            for n in range(100):
                store.set(f"t{t}-{n}", (t, n))
                assert store.get(f"t{t}-{n}") == (t, n)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert all(store.get(f"t{t}-99") == (t, 99) for t in range(4))


def _write_in_child(path: str) -> None:
    ResultStore(path, {}).set("from-child", "子进程")


def test_a_forked_process_reads_and_writes_the_same_store(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.set("from-parent", "父进程")  # the parent's connection is open before the fork
    child = multiprocessing.get_context("fork").Process(target=_write_in_child, args=(str(store.path),))
    child.start()
    child.join(30)
    assert child.exitcode == 0
    assert store.get("from-child") == "子进程"
    assert store.get("from-parent") == "父进程"


def test_a_damaged_row_or_database_is_a_miss(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = _store(tmp_path)
    store.set("page", "x")
    key = store.make_and_validate_key("page")
    sqlite3.connect(store.path, isolation_level=None).execute(
        "UPDATE entry SET value = ? WHERE key = ?", (b"not zlib", key)
    )
    assert store.get("page", "缺省") == "缺省"
    assert "损坏" in caplog.text

    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"this is not a database" * 100)
    damaged = ResultStore(str(broken), {})
    assert damaged.get("page") is None
    damaged.set("page", "x")  # skipped, logged
    assert damaged.add("page", "x") is False
    assert "结果缓存" in caplog.text


def test_a_folder_it_cannot_make_is_a_miss(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    store = ResultStore(str(blocker / "search" / "results.sqlite3"), {})  # under a file
    store.set("page", "x")
    assert store.get("page", "缺省") == "缺省"


def test_the_search_page_keeps_its_answers_in_the_store_of_the_index_folder() -> None:
    from gongkai.search import index

    store = cache.results_cache()
    assert isinstance(store, ResultStore)
    assert store.path == index.search_dir() / cache.RESULT_STORE
    assert cache.results_cache() is store  # one per folder and process
