"""The search benchmark's path on a few hundred documents, so that it cannot rot: no
timing is asserted (the figures are `make bench-search`'s business)."""

import random

import pytest

from gongkai.search import bench, engine, rebuild

pytestmark = pytest.mark.django_db

DOCS = 300


@pytest.fixture
def vocab(db: None) -> bench.Vocabulary:
    if not bench.DEFAULT_CORPUS.exists():
        pytest.skip("the shared corpus is not present")
    return bench.build_vocabulary(bench.DEFAULT_CORPUS, max_chars=200_000)


def test_vocabulary_follows_the_corpus(vocab: bench.Vocabulary) -> None:
    assert len(vocab.words) > 1000
    assert vocab.cum_weights == sorted(vocab.cum_weights)
    assert all(bench._CHINESE_WORD.match(w) for w in vocab.words[:100])
    title, body = next(bench.generate(vocab, 1))
    assert title.startswith("关于") and title.endswith(bench.TITLE_ENDINGS)
    assert len(body) > 40


def test_generate_insert_build_query_publish(vocab: bench.Vocabulary) -> None:
    setup = bench.make_site()
    assert bench.insert_items(setup, bench.generate(vocab, DOCS)) == DOCS
    built = rebuild.rebuild(restart=True, workers=1)
    assert built.indexed == DOCS
    queries = bench.choose_queries(vocab, DOCS, per_band=4)
    assert set(queries) == set(bench.BANDS) and all(len(q) == 4 for q in queries.values())
    timed = bench.time_queries(queries, scope=setup.organisation_ids)
    assert timed["all"]["n"] == 12 and timed["common"]["median_total_hits"] > 0
    word = random.Random(1).choice(queries["common"]).split()[0]
    response = engine.search(engine.SearchRequest(q=word, scope=setup.organisation_ids))
    assert response.total > 0 and response.facets and response.hits[0].snippet
    published = bench.publish_latency(setup, attempts=1, threaded=False)
    assert published["searchable_after_ms"]["max"] < float("inf")


def test_a_kept_folder_is_timed_again(vocab: bench.Vocabulary) -> None:
    setup = bench.make_site()
    bench.insert_items(setup, bench.generate(vocab, DOCS))
    rebuild.rebuild(restart=True, workers=1)
    said: list[str] = []
    again = bench.retime(corpus=bench.DEFAULT_CORPUS, http=False, say=said.append, vocab=vocab)
    assert again["docs"] == DOCS and again["engine_ms"]["all"]["n"] == bench.QUERIES
    assert said and said[0].startswith("引擎内查询")


def test_percentiles() -> None:
    figures = bench.percentiles([float(i) for i in range(1, 101)])
    assert figures == {"n": 100, "p50": 50.0, "p95": 95.0, "p99": 99.0, "max": 100.0}
