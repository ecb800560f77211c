import pytest

from gongkai.publishing.docnumber import DocNumberError, key_for_query, parse


@pytest.mark.parametrize(
    "text",
    [
        "达市府办发〔2022〕37号",
        "达市府办发[2022]37号",
        "达市府办发(2022)37号",
        "达市府办发（2022）37号",
        "达市府办发【2022】37号",
        "达市府办发［２０２２］３７号",
        "达市府办发〔2022〕第37号",
        " 达市府办发 〔2022〕 37号 ",
    ],
)
def test_bracket_and_width_variants_are_one_number(text: str) -> None:
    parsed = parse(text)
    assert (parsed.issuer, parsed.year, parsed.serial) == ("达市府办发", 2022, 37)
    assert parsed.normalised == "达市府办发〔2022〕37号"
    assert key_for_query(text) == "达市府办发|2022|37"


def test_order_numbers_carry_no_year() -> None:
    parsed = parse("中华人民共和国国务院令第７１１号")
    assert (parsed.issuer, parsed.year, parsed.serial) == ("中华人民共和国国务院令", None, 711)
    assert parsed.normalised == "中华人民共和国国务院令第711号"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "为空"),
        ("达市府办发2022年37号", "格式不正确"),
        ("达市府办发〔22〕37号", "格式不正确"),
        ("达市府办发〔1850〕3号", "年份"),
        ("达市府办发〔2022〕0号", "序号"),
        ("关于做好政务公开工作的通知", "格式不正确"),
    ],
)
def test_malformed_numbers_are_refused_in_chinese(text: str, message: str) -> None:
    with pytest.raises(DocNumberError, match=message):
        parse(text)
    assert key_for_query(text) is None
