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


@pytest.mark.parametrize(
    "text",
    [
        "根据《中华人民共和国民法典》第一千零七十六条，夫妻双方自愿离婚的，应当签订书面离婚协议。",
        "國務院關於醫療保險的規定（ＡＢＣ１２３）：Ｅｍａｉｌ；ＱＱ。",
        "面积约120㎡，见第①项、第Ⅷ条，ﬁle 与 İstanbul，e\u0301 组合字符",
        "表情😀与𝐀𝐁，全角空格\u3000和半角 Space，UPPER lower",
        "",
    ],
)
def test_the_fast_normalisation_with_map_equals_the_character_by_character_one(text: str) -> None:
    fast, origin = analysis.normalize_with_map(text)
    slow, slow_origin = analysis._normalize_with_map_slowly(text)
    assert fast == slow
    assert list(origin) == list(slow_origin)


def test_plain_text_takes_the_fast_normalisation() -> None:
    _, origin = analysis.normalize_with_map("關於ＡＢ１號，（一）申请条件：")
    assert isinstance(origin, range)


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


def test_small_numbers_are_written_as_laws_write_them() -> None:
    assert analysis.chinese_number(5) == "五"
    assert analysis.chinese_number(10) == "十"
    assert analysis.chinese_number(14) == "十四"
    assert analysis.chinese_number(20) == "二十"
    assert analysis.chinese_number(99) == "九十九"
    assert analysis.chinese_number(0) == "0"
    assert analysis.chinese_number(2018) == "2018"


def _alternatives(query: analysis.AnalysedQuery, text: str) -> dict[str, analysis.Alternative]:
    unit = next(u for u in query.units if u.text == text)
    return {"".join(a.words): a for a in unit.alternatives}


def test_an_age_in_digits_also_matches_the_age_in_characters() -> None:
    query = analysis.analyse_query("孩子14岁能不能自己签合同")
    assert "十四" in _alternatives(query, "14")
    assert "周岁" in _alternatives(query, "岁")
    # A year stays a year.
    assert set(_alternatives(analysis.analyse_query("2018年的政策"), "2018")) == {"2018"}


def test_a_colloquial_compound_also_matches_its_dictionary_parts() -> None:
    alternatives = _alternatives(analysis.analyse_query("新生儿怎么上户口"), "上户口")
    assert "户口登记" in alternatives  # the synonym list
    part = alternatives["户口"]
    assert part.weight == analysis.PART_WEIGHT and part.bigrams == ()
    # A word of the documents' own language is not taken apart.
    assert set(_alternatives(analysis.analyse_query("个人所得税起征点"), "个人所得税")) == {"个人所得税"}


def test_colloquial_words_find_the_legal_terms_at_full_weight() -> None:
    for question, word, legal in (
        ("老公失踪好几年了", "失踪", "下落不明"),
        ("买东西被骗了", "被骗", "欺诈"),
        ("退婚彩礼要还吗", "退婚", "解除婚约"),
    ):
        alternatives = _alternatives(analysis.analyse_query(question), word)
        assert alternatives[legal].weight == analysis.SYNONYM_WEIGHT == 1.0
    # Abbreviations count as much as what they stand for.
    assert _alternatives(analysis.analyse_query("社保断缴"), "社保")["社会保险"].weight == 1.0


def test_colloquial_fillers_are_stop_words() -> None:
    units = [u.text for u in analysis.analyse_query("这样算不算欺诈，该怎么办").units]
    assert units == ["欺诈"]
