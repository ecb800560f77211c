import pytest

from gongkai.screening.masking import (
    mask_address,
    mask_bank_card,
    mask_email,
    mask_id_card,
    mask_name,
    mask_passport,
    mask_phone,
    mask_plate,
    mask_value,
)


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三", "张*"), ("张小三", "张*三"), ("欧阳小明", "欧阳**"), ("欧阳明", "欧阳*"), ("王", "*"), ("", "")],
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_mask_id_card_keeps_first_and_last_four() -> None:
    assert mask_id_card("511702199001011234") == "5117**********1234"
    assert mask_id_card("51170219900101123x") == "5117**********123X"
    assert mask_id_card("511702900101123") == "5117*******1123"


def test_mask_phone() -> None:
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("+86 138-1234-1234") == "138****1234"
    assert mask_phone("0818-2371234") == "0818-***1234"
    assert mask_phone("(028)85123456") == "028-****3456"


def test_mask_bank_card_email_passport_plate() -> None:
    assert mask_bank_card("6222 0212 3456 7890 123") == "****0123"
    assert mask_email("zhangsan@example.com") == "z***@example.com"
    assert mask_passport("E12345678") == "E******78"
    assert mask_plate("川A·12345") == "川A****5"


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("四川省达州市通川区西外镇花红村3组15号", "四川省达州市通川区西外镇****"),
        ("成都市武侯区人民南路四段12号5栋2单元301室", "成都市武侯区人民南路****"),
        ("达州市通川区朝阳街道金龙小区3栋2单元502室", "达州市通川区朝阳街道****"),
        ("达州市通川区金龙小区3栋2单元502室", "达州市通川区****"),
    ],
)
def test_mask_address_cuts_after_street_or_town(address: str, masked: str) -> None:
    assert mask_address(address) == masked


def test_mask_value_dispatches_and_leaves_markings_alone() -> None:
    assert mask_value("id_card", "511702199001011234") == "5117**********1234"
    assert mask_value("mobile", "13812341234") == "138****1234"
    assert mask_value("name", "张小三") == "张*三"
    assert mask_value("secret_mark", "秘密★1年") == "秘密★1年"
    assert mask_value("wording", "中华人名共和国") == "中华人名共和国"
