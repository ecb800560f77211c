import pytest

from gongkai.core.creditcode import CreditCodeError, check_character, validate


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110108551385082Q", "91350100m000100y43"])
def test_valid_codes_pass_and_are_normalised(code: str) -> None:
    assert validate(code) == code.upper()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y4", "应为18位"),
        ("91350100M000100Y44", "校验位错误，应为“3”"),
        ("91350100M0001O0Y43", "不允许的字符“O”"),
        ("9135AB00M000100Y43", "行政区划代码"),
    ],
)
def test_invalid_codes_give_a_chinese_reason(code: str, message: str) -> None:
    with pytest.raises(CreditCodeError, match=message):
        validate(code)


def test_check_character_of_the_standard_example() -> None:
    assert check_character("91350100M000100Y4") == "3"
