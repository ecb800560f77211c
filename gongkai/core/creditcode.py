"""统一社会信用代码 validation (GB 32100-2015, 法人和其他组织统一社会信用代码编码规则).

Eighteen characters: registration department (1), organisation type (1), administrative
division code (6), organisation code (9), check character (1). The check character is
computed over the first seventeen with the weights 3^(i) mod 31 from the standard's
table, in the 31-character alphabet that leaves out I, O, Z, S and V.
"""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class CreditCodeError(ValueError):
    """The code is not a valid 统一社会信用代码; the message is for the user."""


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(code: str) -> str:
    return code.strip().upper()


def validate(code: str) -> str:
    """Return the normalised code, or raise CreditCodeError with a Chinese message."""
    code = normalise(code)
    if len(code) != 18:
        raise CreditCodeError(f"统一社会信用代码应为18位，“{code}”为{len(code)}位。")
    bad = [ch for ch in code if ch not in ALPHABET]
    if bad:
        raise CreditCodeError(f"统一社会信用代码含有不允许的字符“{bad[0]}”（不使用 I、O、Z、S、V）。")
    if not code[2:8].isdigit():
        raise CreditCodeError("统一社会信用代码第3至8位应为行政区划代码（数字）。")
    expected = check_character(code[:17])
    if code[17] != expected:
        raise CreditCodeError(f"统一社会信用代码“{code}”校验位错误，应为“{expected}”。")
    return code
