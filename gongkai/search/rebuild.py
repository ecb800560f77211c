"""`gongkai search rebuild`: a new index generation from the database, resumable.

The new generation is built in `building/` beside the live one, which keeps answering
(and keeps receiving the outbox) meanwhile. Progress (the last item id written and
committed) is kept in building/progress.json after every commit, so an interrupted run
continues where it stopped. At the end, under the write lock, the items changed since
the run started are brought up to date in the new generation, CURRENT is switched to
it, and the old generations are removed; readers follow on their next search.
"""

import json
import multiprocessing
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connections
from django.utils import timezone

from gongkai.publishing.models import InfoItem
from gongkai.publishing.selectors import public_items

from . import analysis, index

CHUNK = 500
COMMIT_EVERY = 20_000
BUILD_HEAP = 512_000_000


@dataclass
class RebuildResult:
    generation: str = ""
    total: int = 0
    indexed: int = 0
    resumed_from: int = 0
    caught_up: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _state_path() -> Any:
    return index.search_dir() / "building" / "progress.json"


def _load_state() -> dict[str, Any] | None:
    try:
        state: dict[str, Any] = json.loads(_state_path().read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    return state if state.get("schema") == index.SCHEMA_VERSION else None


def _save_state(state: dict[str, Any]) -> None:
    path = _state_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state), encoding="utf-8")
    tmp.replace(path)


def status() -> dict[str, Any] | None:
    """The state of an unfinished rebuild, if any."""
    return _load_state()


def _rows(after: int) -> Iterator[list[dict[str, Any]]]:
    """Public items with pk > after, in pk order, CHUNK at a time (keyset paging)."""
    last = after
    while True:
        chunk = list(public_items().filter(pk__gt=last).order_by("pk").values(*index.ROW_FIELDS)[:CHUNK])
        if not chunk:
            return
        last = chunk[-1]["pk"]
        yield chunk


def _prepare_chunk(rows: list[dict[str, Any]]) -> list[index.Prepared]:
    return [index.prepare(row) for row in rows]


def rebuild(
    *,
    restart: bool = False,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> RebuildResult:
    """Build a new generation from `public_items()` and make it live. `progress` is
    called with (done, total) after every chunk."""
    started = time.perf_counter()
    base = index.search_dir()
    building = base / "building"
    state = None if restart else _load_state()
    if state is None:
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir(parents=True)
        state = {"schema": index.SCHEMA_VERSION, "started_at": timezone.now().isoformat(), "last_id": 0, "done": 0}
        _save_state(state)
    result = RebuildResult(resumed_from=int(state["done"]))
    total = public_items().count()
    result.total = total
    analysis.segmenter()  # load the dictionary once, before helper processes fork
    writer = index.IndexWriter(building, heap=BUILD_HEAP, threads=max(1, workers))
    pool = None
    if workers > 1:
        connections.close_all()
        pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        chunks = _rows(int(state["last_id"]))
        prepared = pool.imap(_prepare_chunk, chunks) if pool is not None else map(_prepare_chunk, chunks)
        since_commit = 0
        done, last_pk = int(state["done"]), int(state["last_id"])
        for entries in prepared:
            writer.add_prepared(entries)
            since_commit += len(entries)
            result.indexed += len(entries)
            done += len(entries)
            if entries:
                last_pk = entries[-1].pk
            if since_commit >= COMMIT_EVERY:
                writer.commit()
                state.update(last_id=last_pk, done=done)
                _save_state(state)
                since_commit = 0
            if progress is not None:
                progress(done, total)
        writer.commit()
        state.update(last_id=last_pk, done=done)
        _save_state(state)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
        writer.close()
    since = datetime.fromisoformat(str(state["started_at"])) - timedelta(seconds=1)
    with index.write_lock():
        result.caught_up = _catch_up(building, since)
        name = index.new_generation_name()
        _state_path().unlink(missing_ok=True)
        building.rename(base / name)
        index.set_current(base, name)
        index.drop_old_generations(base, keep=name)
    index.forget_reader()
    result.generation = name
    result.seconds = time.perf_counter() - started
    return result


def _catch_up(path: Any, since: datetime) -> int:
    """Items changed while the generation was being built: written again, or removed."""
    changed = list(InfoItem.objects.filter(updated_at__gte=since).values_list("pk", flat=True))
    if not changed:
        return 0
    writer = index.IndexWriter(path)
    try:
        for start in range(0, len(changed), CHUNK):
            ids = changed[start : start + CHUNK]
            writer.delete(ids)
            writer.add(public_items().filter(pk__in=ids).only(*index.ROW_FIELDS))
        writer.commit()
    finally:
        writer.close()
    return len(changed)
