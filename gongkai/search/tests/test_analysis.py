import pytest

from gongkai.search import analysis, doctypes
from gongkai.search.engine import doc_number_keys

pytestmark = pytest.mark.django_db  # the dictionary includes the names of bodies and columns


def test_normalize_folds_width_case_and_traditional() -> None:
    assert analysis.normalize("國務院關於醫療保險的規定") == "国务院关于医疗保险的规定"
    assert analysis.normalize("ＡＢＣ１２３（２０２２）") == "abc123(2022)"


def test_normalize_with_map_points_back_to_the_original() -> None:
    text = "關於ＡＢ１號"
    normalised, origin = analysis.normalize_with_map(text)
    assert normalised == "关于ab1号"
    assert [text[i] for i in origin] == list(text)


def test_words_use_the_domain_dictionary() -> None:
    assert "住房公积金" in analysis.words(analysis.normalize("提取住房公积金的条件"))
    assert "最低生活保障" in analysis.words(analysis.normalize("申请最低生活保障"))


def test_bigrams_cover_chinese_runs_and_keep_latin_and_digit_runs_whole() -> None:
    assert analysis.bigrams("医疗保障 2024年 ab") == ["医疗", "疗保", "保障", "2024", "年", "ab"]


def test_query_expands_synonyms_and_abbreviations() -> None:
    query = analysis.analyse_query("医保报销")
    unit = next(u for u in query.units if u.text == "医保")
    alternatives = {"".join(a.words) for a in unit.alternatives}
    assert {"医疗保障", "医疗保险"} <= alternatives
    one_way = analysis.analyse_query("老公")
    assert {"丈夫", "配偶"} <= {"".join(a.words) for a in one_way.units[0].alternatives}
    # ... and not the other way round
    assert "老公" not in {"".join(a.words) for u in analysis.analyse_query("配偶").units for a in u.alternatives}


def test_query_expands_a_synonym_inside_a_longer_word() -> None:
    query = analysis.analyse_query("醉驾处罚")
    texts = {"".join(a.words) for u in query.units for a in u.alternatives}
    assert "醉酒驾驶" in texts


def test_traditional_query_is_analysed_as_simplified() -> None:
    assert [u.text for u in analysis.analyse_query("退役軍人").units] == [
        u.text for u in analysis.analyse_query("退役军人").units
    ]


def test_stop_words_and_punctuation_are_dropped_from_queries() -> None:
    assert analysis.analyse_query("！！？？。。").is_empty
    assert analysis.analyse_query("😀🎉").is_empty
    assert analysis.analyse_query("   ").is_empty
    units = [u.text for u in analysis.analyse_query("我的公积金怎么提取呢？").units]
    assert "公积金" in units and "的" not in units and "怎么" not in units


def test_long_query_is_cut() -> None:
    query = analysis.analyse_query("公积金" * 700)
    assert query.truncated and len(query.text) == analysis.MAX_QUERY_CHARS


def test_document_number_in_any_bracket_or_width() -> None:
    expected = doc_number_keys("达市府办发〔2022〕37号")
    assert expected
    for variant in (
        "达市府办发[2022]37号",
        "达市府办发(2022)37号",
        "达市府办发（２０２２）３７号",
        "达市府办发【2022】37号",
    ):
        assert doc_number_keys(variant) == expected
    assert expected[0] in doc_number_keys("关于达市府办发〔2022〕37号文件的解读")


def test_document_types_from_titles() -> None:
    assert doctypes.doc_type("中华人民共和国社会保险法") == "法律"
    assert doctypes.doc_type("住房公积金管理条例（2019年修订）") == "条例"
    assert doctypes.doc_type("关于做好就业工作的通知") == "通知"
    assert doctypes.doc_type("最高人民法院关于适用《中华人民共和国民法典》婚姻家庭编的解释（一）") == "解释"
    assert doctypes.doc_type("工作简报") == doctypes.OTHER
    assert doctypes.authority("法律") > doctypes.authority("条例") > doctypes.authority("通知")


def test_synonym_lines_are_parsed() -> None:
    assert analysis.parse_synonym_line("医保 医疗保障 # note") == analysis.SynonymRule(("医保", "医疗保障"))
    assert analysis.parse_synonym_line("老公 => 丈夫 配偶") == analysis.SynonymRule(("老公",), ("丈夫", "配偶"))
    assert analysis.parse_synonym_line("只有一个词") is None
