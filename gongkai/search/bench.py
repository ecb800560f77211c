"""Search benchmark (`make bench-search`): a synthetic Chinese corpus, the index built by
the product's rebuild, queries timed through the product's own query path, the search
page over HTTP, and the delay between publishing an item and finding it.

    python -m gongkai.search.bench [--docs N] [--workers N] [--http] [--corpus PATH]

Everything happens in a temporary folder (its own SQLite database and index), removed at
the end. The text is drawn word by word from the word frequencies of the shared corpus
(../shared/data/corpus.jsonl.gz, segmented by the product's own segmenter), so that term
frequencies follow the natural, Zipf-like curve of real government documents. Query terms
are chosen by their expected document frequency in three bands (rare, mid, common); every
query runs through `engine.search` with facets and snippets, as the search page does.
Targets (issue 5, 2-core machine): p95 <= 20 ms in the engine, <= 100 ms over HTTP with
16 clients, 1,000,000 documents built in <= 15 minutes, an item searchable <= 2 s after
it is published. Nothing here asserts them: the figures are printed, as JSON at the end.
"""

import argparse
import bisect
import gzip
import itertools
import json
import math
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

DEFAULT_DOCS = 1_000_000
DEFAULT_CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "corpus.jsonl.gz"
QUERIES = 200
BANDS = {
    # share of the documents that hold the term (expected document frequency / N)
    "rare": (0.0001, 0.001),
    "mid": (0.003, 0.02),
    "common": (0.05, 0.4),
}
HTTP_CLIENTS = 16
HTTP_REQUESTS = 800
HTTP_SECONDS = 120.0
BATCH = 5_000
ORGANISATIONS = 10
BODY_MEDIAN_WORDS = 180  # about 330 characters: a typical notice or announcement
TITLE_ENDINGS = ("通知", "公告", "意见", "办法", "实施方案", "工作方案", "规定", "决定", "通告", "报告")
_CHINESE_WORD = re.compile(r"^[\u4e00-\u9fff]{2,6}$")


@dataclass
class Vocabulary:
    words: list[str]
    cum_weights: list[float]
    probabilities: dict[str, float]

    def sample(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cum_weights, k=k)


def build_vocabulary(corpus: Path, *, max_chars: int = 4_000_000) -> Vocabulary:
    """Word frequencies of the shared corpus (the first `max_chars` characters of its
    titles and bodies), as the product's segmenter cuts them; Chinese words of 2-6
    characters that are not stop words."""
    from . import analysis

    segmenter = analysis.segmenter()
    stop = analysis.stopwords()
    counts: Counter[str] = Counter()
    read = 0
    with gzip.open(corpus, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            text = analysis.normalize(f"{record.get('title') or ''}\n{(record.get('body') or '')[:20_000]}")
            read += len(text)
            counts.update(w for w in segmenter.cut(text) if _CHINESE_WORD.match(w) and w not in stop)
            if read >= max_chars:
                break
    words = [w for w, _ in counts.most_common()]
    total = sum(counts.values())
    return Vocabulary(
        words=words,
        cum_weights=list(itertools.accumulate(counts[w] for w in words)),
        probabilities={w: counts[w] / total for w in words},
    )


def _body_length(rng: random.Random) -> int:
    return max(20, min(3000, int(rng.lognormvariate(math.log(BODY_MEDIAN_WORDS), 0.6))))


def generate(vocab: Vocabulary, n: int, *, seed: int = 5) -> Iterator[tuple[str, str]]:
    """`n` (title, body) pairs: titles of 3-6 words and a document-type ending, bodies of
    sentences of 6-18 words."""
    rng = random.Random(seed)  # noqa: S311 (synthetic data, reproducible)
    for _ in range(n):
        title = "关于" + "".join(vocab.sample(rng, rng.randint(3, 6))) + "的" + rng.choice(TITLE_ENDINGS)
        words = vocab.sample(rng, _body_length(rng))
        sentences, start = [], 0
        while start < len(words):
            end = start + rng.randint(6, 18)
            sentences.append("".join(words[start:end]) + ("。" if rng.random() < 0.4 else "，"))
            start = end
        yield title, "".join(sentences)


@dataclass
class Setup:
    site_id: int
    organisation_ids: list[int]
    column_ids: list[int]


def make_site() -> Setup:
    """A city government with its departments, one column each, and a default site."""
    from gongkai.core import services as core_services
    from gongkai.core.models import OrganisationKind
    from gongkai.publishing import services as publishing_services

    city = core_services.organisation_create(
        actor=None, name="基准市人民政府", kind=OrganisationKind.GOVERNMENT, index_code="BENCH0000"
    )
    orgs = [city] + [
        core_services.organisation_create(
            actor=None, name=f"基准市第{i}局", kind=OrganisationKind.DEPARTMENT, parent=city, index_code=f"BENCH{i:04d}"
        )
        for i in range(1, ORGANISATIONS)
    ]
    columns = [
        publishing_services.column_create(actor=None, organisation=org, title="通知公告", slug=f"notices-{i}")
        for i, org in enumerate(orgs)
    ]
    site = core_services.site_create(
        actor=None, organisation=city, slug="bench", name="基准市政府网站", is_default=True
    )
    return Setup(site.pk, [o.pk for o in orgs], [c.pk for c in columns])


def insert_items(setup: Setup, documents: Iterator[tuple[str, str]], *, seed: int = 5) -> int:
    """Published, public items written with bulk_create (no workflow, no outbox: the
    rebuild reads them)."""
    from gongkai.publishing.models import DisclosureMode, DisclosureScope, InfoItem, ItemState, Validity

    rng = random.Random(seed)  # noqa: S311 (synthetic data, reproducible)
    validities = [Validity.NOT_APPLICABLE, Validity.IN_FORCE, Validity.IN_FORCE, Validity.EXPIRED]
    start = datetime(2015, 1, 1, tzinfo=UTC)
    span = int((datetime(2025, 12, 31, tzinfo=UTC) - start).total_seconds())
    count = 0
    while True:
        batch = list(itertools.islice(documents, BATCH))
        if not batch:
            return count
        items = []
        for title, body in batch:
            k = rng.randrange(len(setup.organisation_ids))
            published = start + timedelta(seconds=rng.randrange(span))
            items.append(
                InfoItem(
                    organisation_id=setup.organisation_ids[k],
                    column_id=setup.column_ids[k],
                    title=title[:300],
                    body_text=body,
                    formed_on=published.date(),
                    validity=rng.choice(validities),
                    disclosure_mode=DisclosureMode.PROACTIVE,
                    scope=DisclosureScope.PUBLIC,
                    state=ItemState.PUBLISHED,
                    is_live=True,
                    published_at=published,
                    first_published_at=published,
                )
            )
        InfoItem.objects.bulk_create(items, batch_size=1000)
        count += len(items)


def choose_queries(vocab: Vocabulary, docs: int, *, per_band: int, seed: int = 7) -> dict[str, list[str]]:
    """Query strings per band: the band's words are those whose expected share of
    documents holding them lies in the band; half the queries are one word, half two."""
    rng = random.Random(seed)  # noqa: S311 (synthetic data, reproducible)
    mean_words = BODY_MEDIAN_WORDS * math.exp(0.6**2 / 2) + 5
    shares = {w: 1.0 - (1.0 - p) ** mean_words for w, p in vocab.probabilities.items()}
    ranked = sorted(shares, key=shares.__getitem__)
    out: dict[str, list[str]] = {}
    for band, (low, high) in BANDS.items():
        pool = [w for w in ranked if low <= shares[w] <= high]
        if len(pool) < 2:  # a tiny vocabulary: the words nearest the band
            middle = bisect.bisect_left([shares[w] for w in ranked], math.sqrt(low * high))
            pool = ranked[max(0, middle - 5) : middle + 5]
        queries = []
        for i in range(per_band):
            queries.append(rng.choice(pool) if i % 2 == 0 else " ".join(rng.sample(pool, 2)))
        out[band] = queries
    return out


def percentiles(values: Sequence[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))], 2)

    return {"n": len(ordered), "p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "max": round(ordered[-1], 2)}


def time_queries(queries: dict[str, list[str]], scope: list[int] | None) -> dict[str, Any]:
    """Each query through engine.search (analysis, filters, facets, database check,
    snippets), timed from the call to its return, in milliseconds."""
    from . import engine, suggest

    warm = [q for band in queries.values() for q in band[:3]]
    for q in warm:
        engine.search(engine.SearchRequest(q=q, scope=scope))
    # The first search started building the did-you-mean vocabulary in the background
    # (seconds of CPU at a million documents, once per process): timed after it, as a
    # running server answers (the HTTP part likewise waits for the server to go quiet).
    suggest.wait_until_warm(timeout=120)
    result: dict[str, Any] = {}
    every: list[float] = []
    for band, band_queries in queries.items():
        times, totals = [], []
        for q in band_queries:
            started = time.perf_counter()
            response = engine.search(engine.SearchRequest(q=q, scope=scope, facets=True, snippets=True))
            times.append((time.perf_counter() - started) * 1000)
            totals.append(response.total)
        every += times
        result[band] = {**percentiles(times), "median_total_hits": statistics.median(totals)}
    result["all"] = percentiles(every)
    return result


def _apply_outbox() -> None:
    """What `search.tasks.apply_outbox` does in the worker, in a thread of its own."""
    from django.db import connections

    from . import outbox

    try:
        outbox.apply_pending()
    finally:
        connections.close_all()


def publish_latency(setup: Setup, *, attempts: int = 5, threaded: bool = True) -> dict[str, Any]:
    """Publish items through publishing.services (the outbox row is written in the publish
    transaction), apply the outbox as the worker's task does, and poll the search until
    the item is found: milliseconds from the start of the publish call. The review stages
    are skipped (the draft is marked approved directly): they are not what is measured."""
    from django.utils import timezone

    from gongkai.core.models import Organisation
    from gongkai.publishing import services
    from gongkai.publishing.models import CatalogColumn, InfoItem, ItemState
    from gongkai.screening import gate

    from . import engine, outbox

    org_id, column_id = setup.organisation_ids[0], setup.column_ids[0]
    org, column = Organisation.objects.get(pk=org_id), CatalogColumn.objects.get(pk=column_id)
    found_ms: list[float] = []
    publish_ms: list[float] = []
    for attempt in range(attempts):
        title = f"关于开展第{'一二三四五六七八九十'[attempt % 10]}批鸬鹚湖湿地候鸟观测志愿服务的通知"
        item = services.item_create(
            actor=None,
            organisation=org,
            column=column,
            title=title,
            formed_on=timezone.localdate(),
            body_html="<p>各有关单位：现将鸬鹚湖湿地候鸟观测志愿服务有关事项通知如下。</p>",
        )
        InfoItem.objects.filter(pk=item.pk).update(state=ItemState.APPROVED)
        item.refresh_from_db()
        started = time.perf_counter()
        try:
            services.item_publish(actor=None, item=item)
        except gate.ScreeningBlocked as blocked:  # pragma: no cover - the text is clean
            raise SystemExit(f"发布被敏感信息审查拦截：{blocked}") from blocked
        publish_ms.append((time.perf_counter() - started) * 1000)
        worker = threading.Thread(target=_apply_outbox)  # the worker picking up the task
        if threaded:
            worker.start()
        else:  # (tests: one connection to an in-memory database)
            outbox.apply_pending()
        deadline = started + 10.0
        while time.perf_counter() < deadline:
            response = engine.search(engine.SearchRequest(q=title, page_size=10))
            if any(hit.id == item.pk for hit in response.hits):
                found_ms.append((time.perf_counter() - started) * 1000)
                break
            time.sleep(0.01)
        else:
            found_ms.append(float("inf"))
        if threaded:
            worker.join()
    return {"publish_call_ms": percentiles(publish_ms), "searchable_after_ms": percentiles(found_ms)}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU time of the processes (Linux /proc), in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _family(pid: int) -> list[int]:
    """The process and its children (gunicorn's master and workers)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *(int(c) for c in children)]


def wait_until_idle(pid: int, *, limit: float = 30.0, step: float = 0.5) -> float:
    """Seconds until the server's processes used under a tenth of a core over `step`
    (at most `limit`); without /proc, returns at once."""
    if not Path(f"/proc/{pid}/stat").exists():
        return 0.0
    started = time.monotonic()
    before = _cpu_seconds(_family(pid))
    while time.monotonic() - started < limit:
        time.sleep(step)
        now = _cpu_seconds(_family(pid))
        if now - before < 0.1 * step:
            break
        before = now
    return round(time.monotonic() - started, 1)


def web_workers() -> int:
    """cores + 1 sync workers: the search page is CPU-bound, and on 2 cores with 16
    clients and every page uncached, 2 or 3 workers served 2 % more pages than 5 (gunicorn's
    2 × cores + 1) with a tail 10 % shorter (p95 115–117 against 127 ms): each process
    beside the others costs its caches, and a long page shared a core with four others."""
    return (os.cpu_count() or 1) + 1


def http_bench(queries: list[str], *, clients: int = HTTP_CLIENTS, requests: int = HTTP_REQUESTS) -> dict[str, Any]:
    """gunicorn on 127.0.0.1 (a free port; web_workers(), as docs/operations.md advises)
    serving the temporary database and index; `clients` threads send GET /search/?q=...
    until `requests` have been sent or HTTP_SECONDS have passed."""
    from django.db import connections

    connections.close_all()
    workers = web_workers()
    port = _free_port()
    env = {**os.environ, "DEBUG": "0"}
    command = [sys.executable, "-m", "gunicorn", "gongkai.config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--access-logfile", "/dev/null", "--log-level", "warning"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
    base = f"http://127.0.0.1:{port}/search/?q="
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + urllib.parse.quote("通知"), timeout=30) as answer:  # noqa: S310
                    answer.read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    err = server.stderr.read().decode() if server.stderr and server.poll() is not None else ""
                    raise SystemExit(f"搜索页服务未能启动：{err[-2000:]}") from None
                time.sleep(0.3)
        for q in queries[: workers * 4]:  # every worker warm (dictionary, index reader)
            with urllib.request.urlopen(base + urllib.parse.quote(q), timeout=30) as answer:  # noqa: S310
                answer.read()
        # A worker's first search starts building the did-you-mean vocabulary in the
        # background (0.7 s of CPU at a million documents, once per worker): the timed
        # part starts when the server has gone quiet, as a running server is.
        quiet_after = wait_until_idle(server.pid)
        counter = itertools.count()
        lock = threading.Lock()
        times: list[float] = []
        # the first request of each query (not in the result cache yet), and the others
        first_pass: list[float] = []
        repeats: list[float] = []
        errors: list[str] = []
        stop_at = time.monotonic() + HTTP_SECONDS

        def client() -> None:
            while time.monotonic() < stop_at:
                n = next(counter)
                if n >= requests:
                    return
                url = base + urllib.parse.quote(queries[n % len(queries)])
                started = time.perf_counter()
                try:
                    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310
                        answer.read()
                        ok = answer.status == 200
                except OSError as exc:
                    ok = False
                    with lock:
                        errors.append(str(exc))
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    if ok:
                        times.append(elapsed)
                        (first_pass if n < len(queries) else repeats).append(elapsed)

        began, began_cpu = time.perf_counter(), time.process_time()
        server_cpu = _cpu_seconds(_family(server.pid))
        threads = [threading.Thread(target=client) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
        # the 2 cores are shared by the server and these client threads
        client_cpu = time.process_time() - began_cpu
        server_cpu = _cpu_seconds(_family(server.pid)) - server_cpu
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    return {
        "server": f"gunicorn, {workers} sync workers",
        "warm_seconds": quiet_after,
        "clients": clients,
        "requests": len(times) + len(errors),
        "errors": len(errors),
        "requests_per_second": round(len(times) / wall, 1) if wall else 0.0,
        "cpu_ms_per_request": {
            "server": round(server_cpu * 1000 / max(1, len(times)), 2),
            "client": round(client_cpu * 1000 / max(1, len(times)), 2),
        },
        **(percentiles(times) if times else {}),
        "first_request_of_a_query": percentiles(first_pass) if first_pass else {},
        "repeated_queries": percentiles(repeats) if repeats else {},
    }


def bench_queries(vocab: Vocabulary, docs: int) -> dict[str, list[str]]:
    """Exactly QUERIES query strings over the bands (choose_queries, trimmed from the end)."""
    queries = choose_queries(vocab, docs, per_band=math.ceil(QUERIES / len(BANDS)))
    total = sum(len(v) for v in queries.values())
    for band in reversed(list(queries)):
        if total > QUERIES:
            queries[band].pop()
            total -= 1
    return queries


def _http_part(queries: dict[str, list[str]], say: Any) -> dict[str, Any]:
    every = [q for band in queries.values() for q in band]
    random.Random(11).shuffle(every)  # noqa: S311
    figures = http_bench(every)
    say(f"HTTP（毫秒）：{json.dumps(figures, ensure_ascii=False)}")
    return figures


def run(docs: int, *, corpus: Path, workers: int, http: bool, say: Any = None) -> dict[str, Any]:
    """The benchmark, in a Django already set up on an empty database."""
    from django.core.management import call_command

    from gongkai.core.models import Site
    from gongkai.core.selectors import site_organisations

    from . import index, rebuild

    say = say or _say
    results: dict[str, Any] = {"docs": docs}
    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    vocab = build_vocabulary(corpus)
    results["vocabulary_words"] = len(vocab.words)
    say(f"词表：{len(vocab.words)} 个词（{time.perf_counter() - started:.1f} 秒）")
    setup = make_site()
    started = time.perf_counter()
    inserted = insert_items(setup, generate(vocab, docs))
    results["insert_seconds"] = round(time.perf_counter() - started, 1)
    say(f"写入数据库：{inserted} 条（{results['insert_seconds']} 秒）")
    build = rebuild.rebuild(restart=True, workers=workers)
    results["build"] = {"workers": workers, "indexed": build.indexed, "seconds": round(build.seconds, 1)}
    results["index_bytes"] = sum(f.stat().st_size for f in index.search_dir().rglob("*") if f.is_file())
    say(f"建索引：{build.indexed} 条，{build.seconds:.1f} 秒（{workers} 个进程）")
    site = Site.objects.get(pk=setup.site_id)
    scope = list(site_organisations(site).values_list("pk", flat=True))
    queries = bench_queries(vocab, docs)
    results["queries_sample"] = {band: qs[:4] for band, qs in queries.items()}
    results["engine_ms"] = time_queries(queries, scope)
    say(f"引擎内查询（毫秒）：{json.dumps(results['engine_ms'], ensure_ascii=False)}")
    results["publish"] = publish_latency(setup)
    say(f"发布到可检索（毫秒）：{json.dumps(results['publish'], ensure_ascii=False)}")
    if http:
        results["http_ms"] = _http_part(queries, say)
    return results


def retime(*, corpus: Path, http: bool, say: Any = None, vocab: Vocabulary | None = None) -> dict[str, Any]:
    """The timed parts again (engine queries, and the page over HTTP) on a folder kept by an
    earlier run (`--keep`): the same 200 queries, chosen from the same vocabulary."""
    from gongkai.core.models import Site
    from gongkai.core.selectors import site_organisations
    from gongkai.publishing.models import InfoItem

    from . import cache
    from .resultstore import ResultStore

    say = say or _say
    store = cache.results_cache()
    if isinstance(store, ResultStore):  # no page from an earlier run (a shared cache is left alone)
        store.clear()
    docs = InfoItem.objects.count()
    vocab = vocab or build_vocabulary(corpus)
    queries = bench_queries(vocab, docs)
    site = Site.objects.order_by("pk").first()
    if site is None:
        raise SystemExit("保留目录中没有网站：请指定 --keep 保留的基准目录。")
    scope = list(site_organisations(site).values_list("pk", flat=True))
    results: dict[str, Any] = {"docs": docs, "engine_ms": time_queries(queries, scope)}
    say(f"引擎内查询（毫秒）：{json.dumps(results['engine_ms'], ensure_ascii=False)}")
    if http:
        results["http_ms"] = _http_part(queries, say)
    return results


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu_model": model, "python": sys.version.split()[0]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--docs", type=int, default=DEFAULT_DOCS)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="rebuild processes")
    parser.add_argument("--http", action="store_true", help="also time the search page over HTTP")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--reuse", type=Path, help="time again on a folder kept by --keep (no build)")
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        raise SystemExit(f"找不到语料文件：{args.corpus}")
    if args.reuse is not None and not (args.reuse / "gongkai.sqlite3").exists():
        raise SystemExit(f"不是保留的基准目录：{args.reuse}")
    tmp = args.reuse or Path(tempfile.mkdtemp(prefix="gongkai-bench-search-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongkai.config.settings.dev"
    os.environ["GONGKAI_VAR_DIR"] = str(tmp)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("GONGKAI_SEARCH_DIR", None)
    os.environ["DEBUG"] = "0"  # no query log
    import django

    django.setup()
    try:
        if args.reuse is not None:
            results = retime(corpus=args.corpus, http=args.http)
        else:
            results = run(args.docs, corpus=args.corpus, workers=args.workers, http=args.http)
        results["machine"] = _machine()
        sys.stdout.write(json.dumps(results, ensure_ascii=False) + "\n")
    finally:
        if args.keep:
            sys.stderr.write(f"保留临时目录：{tmp}\n")
        elif args.reuse is None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
