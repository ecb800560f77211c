import pytest

from gongkai.publishing.richtext import UnsafeHTMLError, clean, from_plain, to_text


@pytest.mark.parametrize(
    "raw",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<iframe src="https://example.com"></iframe>',
        '<p style="x" onclick = "y">z</p>',
        "<svg><script>alert(1)</script></svg>",
    ],
)
def test_scripts_and_handlers_are_refused(raw: str) -> None:
    with pytest.raises(UnsafeHTMLError, match="脚本"):
        clean(raw)


def test_allowed_markup_is_kept_and_the_rest_stripped() -> None:
    html = clean('<h2>第一章</h2><p class="x">第一条 <strong>内容</strong></p><img src="a.png"><font>文字</font>')
    assert html == "<h2>第一章</h2><p>第一条 <strong>内容</strong></p>文字"


def test_links_get_safe_rel_and_only_web_schemes() -> None:
    assert clean('<a href="https://www.gov.cn/">国务院</a>') == (
        '<a href="https://www.gov.cn/" rel="noopener noreferrer">国务院</a>'
    )
    assert clean('<a href="ftp://x/">x</a>') == '<a rel="noopener noreferrer">x</a>'


def test_plain_text_keeps_blocks_and_cells_apart() -> None:
    text = to_text(clean("<p>甲</p><p>乙&amp;丙</p><table><tr><td>1</td><td>2</td></tr></table>"))
    assert text == "甲\n乙&丙\n1 2"


def test_corpus_headings_become_html() -> None:
    html = from_plain("## 第一章 总则\n\n第一条 <目的>\n### 第一节\n")
    assert html == "<h2>第一章 总则</h2>\n<p>第一条 &lt;目的&gt;</p>\n<h3>第一节</h3>"
