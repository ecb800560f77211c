"""Article-level scoring: laws are indexed article by article too, and the top documents
are reranked by their best articles, so a long law whose article answers a question
outranks a short specialised regulation that only shares its words."""

import pytest

from gongkai.publishing.models import InfoItem
from gongkai.publishing.tests.factories import Desk
from gongkai.search import engine, index
from gongkai.search.engine import SearchRequest, search
from gongkai.web.tests.factories import published_in

from .factories import index_items

pytestmark = pytest.mark.django_db

QUESTION = "业主委员会选出来以后多久要去街道办事处备案？"

_FILLER = [
    "物业服务企业应当按照合同约定提供绿化养护服务并公开收费标准",
    "建设单位应当在销售房屋前选聘前期物业服务企业并签订前期物业服务合同",
    "专项维修资金专项用于共用部位共用设施设备保修期满后的维修和更新",
    "物业服务区域内的停车位应当首先满足本区域住户的需要",
    "供水供电供气供热通信有线电视等单位应当向最终用户收取有关费用",
    "市场监督管理部门负责物业服务收费的监督检查工作",
    "住宅小区内的消防通道应当保持畅通不得占用堵塞封闭",
    "物业服务企业不得擅自改变共用部位共用设施设备的用途",
]


# The articles on the question's subject (a section of the law), among 35 others.
_ANSWERS = {
    36: "业主委员会由业主大会选举产生，对业主大会负责。",
    37: "业主委员会应当自选举产生之日起三十日内，向物业所在地的街道办事处备案。",
    38: "业主委员会委员名单变更的，应当自变更之日起十五日内向街道办事处重新备案。",
    39: "街道办事处应当自收到备案材料之日起五日内出具业主委员会备案证明。",
    40: "业主委员会未依照本条例备案的，由街道办事处责令限期改正。",
}


def _long_law(desk: Desk) -> InfoItem:
    articles = []
    for number in range(1, 41):
        if number in _ANSWERS:
            text = _ANSWERS[number]
        else:
            text = _FILLER[number % len(_FILLER)] + "，具体办法由市人民政府另行制定。"
        articles.append(f"<p>第{number}条 {text}</p>")
    body = "<p>第一章 总则</p>" + "".join(articles[:20]) + "<p>第二章 物业服务</p>" + "".join(articles[20:])
    return published_in(desk, None, "甲市住宅物业管理条例", body_html=body)


def _short_law(desk: Desk) -> InfoItem:
    """A short specialised regulation sharing the question's words, not its answer."""
    return published_in(
        desk,
        None,
        "甲市业主委员会换届指导办法",
        body_html="<p>第一条 为指导业主委员会换届选举，制定本办法。</p>"
        "<p>第二条 街道办事处负责指导业主委员会的换届选举工作。</p>",
    )


def _others(desk: Desk) -> list[InfoItem]:
    """Short unrelated items, as most of an index is (they set BM25's average length)."""
    titles = ["关于做好春季森林防火工作的通知", "关于开展全民健身月活动的通知", "关于公布政务服务事项清单的通知"]
    return [published_in(desk, None, t, body_html=f"<p>{t[2:-3]}，请各单位认真落实。</p>") for t in titles]


def test_article_passages_are_split_with_their_headings() -> None:
    texts = index.article_texts("第一章 总则\n第一条 甲。\n第二条 乙。\n第二章 附则\n第三条 丙。")
    assert texts == ["第一章 总则\n第一条 甲。", "第一章 总则\n第二条 乙。", "第二章 附则\n第三条 丙。"]
    assert index.article_texts("各单位：\n一、做好工作。\n二、加强领导。") == []


def test_a_long_law_with_the_right_article_outranks_a_short_text(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    law, short = _long_law(desk), _short_law(desk)
    index_items([law, short, *_others(desk)])
    articles = index.article_reader()
    assert articles is not None and articles.searcher().num_docs == 42

    # Scored as whole documents only, the short regulation wins (BM25's length normalisation)...
    monkeypatch.setattr(engine, "ARTICLE_WEIGHT", 0.0)
    whole = [h.id for h in search(SearchRequest(q=QUESTION)).hits]
    assert whole[:2] == [short.pk, law.pk]
    # ...scored by their best articles too, the law that answers the question comes first.
    monkeypatch.undo()
    ranked = [h.id for h in search(SearchRequest(q=QUESTION)).hits]
    assert ranked[:2] == [law.pk, short.pk]


def test_an_article_brings_its_law_into_the_candidates(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    law, short = _long_law(desk), _short_law(desk)
    index_items([law, short])
    # With only one document taken from the whole-document ranking, the law still
    # comes in through its article, and is ranked first.
    monkeypatch.setattr(engine, "RERANK_DEPTH", 1)
    response = search(SearchRequest(q=QUESTION, page_size=1))
    assert [h.id for h in response.hits] == [law.pk]


def test_a_law_brought_in_by_its_article_keeps_its_own_score(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    law, short = _long_law(desk), _short_law(desk)
    index_items([law, short])
    monkeypatch.setattr(engine, "RERANK_DEPTH", 1)
    seen: list[list[tuple[float, int]]] = []

    def rerank(ranked: list[tuple[float, int]], articles: dict[int, float]) -> list[tuple[float, int]]:
        seen.append(list(ranked))
        return ranked

    monkeypatch.setattr(engine, "rerank", rerank)
    search(SearchRequest(q=QUESTION, page_size=1))
    both = {pk: score for score, pk in seen[0]}
    assert set(both) == {law.pk, short.pk}  # the short text ranked, the law pulled
    monkeypatch.setattr(engine, "RERANK_DEPTH", 2)  # both ranked by the query itself
    seen.clear()
    search(SearchRequest(q=QUESTION, page_size=2))
    assert {pk: score for score, pk in seen[0]} == pytest.approx(both)


def test_withdrawn_law_leaves_the_article_index(desk: Desk) -> None:
    from gongkai.publishing import services

    law = _long_law(desk)
    index_items([law])
    services.item_withdraw(actor=desk.final, item=law, reason="已废止")
    assert law.pk not in [h.id for h in search(SearchRequest(q=QUESTION)).hits]  # at once
    index_items([law])  # the worker applies the outbox
    assert engine.article_scores(engine.analysis.analyse_query(QUESTION)) == {}
