import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from gongkai.publishing.tests.factories import Desk
from gongkai.search import index, rebuild

from .factories import Corpus, build_corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(desk: Desk, county_desk: Desk) -> Corpus:
    return build_corpus(desk, county_desk)


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("search", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_search_prints_one_hit_per_line(corpus: Corpus) -> None:
    out, _ = run("公积金", "--limit", "3")
    lines = out.strip().splitlines()
    assert 1 <= len(lines) <= 3
    pk, _external_id, title, _doc_number, score = lines[0].split("\t")
    assert int(pk) == corpus.fund.pk and title == corpus.fund.title and float(score) > 0


def test_search_json(corpus: Corpus) -> None:
    out, _ = run("医保", "--json")
    rows = [json.loads(line) for line in out.strip().splitlines()]
    assert rows[0]["id"] == corpus.insurance.pk
    assert set(rows[0]) == {"id", "external_id", "title", "doc_number", "score"}
    assert rows[0]["doc_number"] == "甲市教发〔2024〕12号"


def test_search_unknown_site_is_a_clear_error(corpus: Corpus) -> None:
    with pytest.raises(CommandError, match="没有标识为"):
        run("公积金", "--site", "nowhere")


def test_eval_reports_the_metrics(corpus: Corpus, tmp_path: Path) -> None:
    for item in corpus.all():
        item.external_id = f"x-{item.pk}"
        item.save(update_fields=["external_id"])
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        json.dumps({"question": "公积金怎么提取", "relevant_external_ids": [f"x-{corpus.fund.pk}"]}, ensure_ascii=False)
        + "\n"
        + json.dumps({"question": "完全无关的词语甲乙丙", "relevant_external_ids": ["nope"]}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    out, _ = run("eval", str(questions), "--json")
    lines = [json.loads(line) for line in out.strip().splitlines()]
    assert lines[0]["question"] == "公积金怎么提取" and lines[0]["top10_external_ids"][0] == f"x-{corpus.fund.pk}"
    summary = lines[-1]
    assert summary["questions"] == 2
    assert summary["recall@1"] == 0.5 and summary["recall@10"] == 0.5 and summary["mrr@10"] == 0.5
    assert 0 < summary["ndcg@10"] <= 0.5
    text, _ = run("eval", str(questions))
    assert "Recall@10 0.5000" in text


def test_eval_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "x"}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="第 1 行"):
        run("eval", str(bad))
    with pytest.raises(CommandError, match="无法打开"):
        run("eval", str(tmp_path / "missing.jsonl"))


def test_rebuild_makes_a_new_generation_and_resumes(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    before = index.stats()["generation"]
    # Interrupt after the first chunk was committed.
    monkeypatch.setattr(rebuild, "CHUNK", 2)
    monkeypatch.setattr(rebuild, "COMMIT_EVERY", 2)
    calls = {"n": 0}

    def interrupt(done: int, total: int) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rebuild.rebuild(progress=interrupt)
    state = rebuild.status()
    assert state is not None and state["done"] == 4
    result = rebuild.rebuild()
    assert result.resumed_from == 4 and result.indexed == 2 and result.total == 6
    info = index.stats()
    assert info["documents"] == 6 and info["generation"] != before
    out, _ = run("公积金")
    assert corpus.fund.title in out
    status, _ = run("status")
    assert "6 条" in status


def test_rebuild_command(corpus: Corpus) -> None:
    out, _ = run("rebuild", "--no-progress")
    assert "重建完成" in out and "共 6 条" in out
