from gongkai.assistant import passages

BODY = """## 第一章 总则
第一条 为了规范社会保险关系，制定本法。
第二条 国家建立基本养老保险制度。
本条第二款。
## 第二章 基本养老保险
### 第一节 一般规定
第三条之一 职工应当参加基本养老保险。
第四条 参保人员有下列情形之一的：
（一）达到法定退休年龄；
（二）累计缴费满十五年。
"""


def test_articles_with_heading_path() -> None:
    found = passages.split(BODY)
    assert [p.label for p in found] == ["第一条", "第二条", "第三条之一", "第四条"]
    assert found[0].path == ("第一章 总则",)
    assert found[1].text == "第二条 国家建立基本养老保险制度。\n本条第二款。"
    assert found[2].path == ("第二章 基本养老保险", "第一节 一般规定")
    assert found[3].text.endswith("（二）累计缴费满十五年。")


def test_a_new_chapter_replaces_the_section() -> None:
    body = "第一章 甲\n第一节 乙\n第一条 丙。\n第二章 丁\n第二条 戊。"
    assert [p.path for p in passages.split(body)] == [("第一章 甲", "第一节 乙"), ("第二章 丁",)]


def test_documents_without_articles_split_at_numbered_paragraphs() -> None:
    body = "各区县：\n现通知如下。\n一、参保登记。\n（一）携带身份证。\n二、待遇支付。"
    found = passages.split(body)
    assert [p.label for p in found] == ["", "一、", "二、"]
    assert found[1].text == "一、参保登记。\n（一）携带身份证。"


def test_sentences_are_verbatim() -> None:
    text = "第四条 参保人员有下列情形之一的：可以领取；不得重复领取。另见附件"
    assert passages.sentences(text) == ["第四条 参保人员有下列情形之一的：可以领取；", "不得重复领取。", "另见附件"]
