from datetime import date

import pytest

from gongkai.screening.corpus import bank_card, credit_code, valid_id
from gongkai.screening.detectors import (
    Block,
    ParagraphLocator,
    ScreenContext,
    WordingTerm,
    id_check_digit,
    is_valid_id15,
    is_valid_id18,
    luhn_ok,
    screen_block,
    screen_text,
)

TODAY = date(2026, 6, 1)
CTX = ScreenContext.build(today=TODAY)


def found(text: str, context: ScreenContext = CTX) -> list[tuple[str, str]]:
    return [(f.kind, f.value) for f in screen_text(text, context=context)]


def kinds(text: str, context: ScreenContext = CTX) -> set[str]:
    return {k for k, _v in found(text, context)}


def make_id(first17: str) -> str:
    return first17 + id_check_digit(first17)


ID = make_id("51170219900101123")  # 511702 通川区, born 1990-01-01


# --- identity numbers ---------------------------------------------------------------


def test_id_check_digit_follows_gb11643() -> None:
    # The worked example of GB 11643-1999: 11010519491231002X.
    assert id_check_digit("11010519491231002") == "X"
    assert is_valid_id18("11010519491231002X", TODAY)
    assert is_valid_id18("11010519491231002x", TODAY)


def test_valid_id_is_found_and_masked() -> None:
    [finding] = screen_text(f"身份证号：{ID}", context=CTX)
    assert (finding.kind, finding.value, finding.severity) == ("id_card", ID, "block")
    assert finding.value_masked == "5117**********" + ID[-4:]
    assert finding.location == "paragraph 1"


@pytest.mark.parametrize(
    "number",
    [
        ID[:-1] + ("0" if ID[-1] != "0" else "1"),  # wrong check digit
        make_id("99170219900101123"),  # no such province
        make_id("51170219900230123"),  # 30 February
        make_id("51170220300101123"),  # born in the future
        make_id("51170218800101123"),  # before 1900
    ],
)
def test_invalid_id_numbers_are_not_flagged(number: str) -> None:
    assert found(f"证件号码 {number}") == []


def test_id_inside_a_longer_number_or_code_is_not_flagged() -> None:
    assert found(f"1{ID}") == []
    assert found(f"{ID}5") == []
    assert found(f"MA1{ID}") == []


def test_old_15_digit_id_needs_a_label_or_a_name() -> None:
    old = "511702900101123"
    assert is_valid_id15(old)
    assert ("id_card", old) in found(f"身份证号码：{old}")
    assert ("id_card", old) in found(f"张三 {old}")
    assert found(f"批次{old}号") == []


def test_id_in_a_column_headed_as_credit_code_is_not_flagged() -> None:
    text = f"甲单位\t{ID}"
    block = Block(text, lambda _o: "A1", lambda o: "统一社会信用代码" if o > 3 else "单位名称")
    assert screen_block(block, CTX) == []
    block = Block(text, lambda _o: "A1", lambda o: "身份证号码" if o > 3 else "姓名")
    assert [f.kind for f in screen_block(block, CTX)] == ["id_card"]


# --- distractors ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        f"统一社会信用代码：{ID}",  # even an ID-valid number, when labelled as a credit code
        f"统一社会信用代码：{credit_code(__import__('random').Random(3), digits_only=True)}",
        "统一社会信用代码：91511700MA62123456",
        "索引号：000014349/2019-00007",
        f"索引号：{ID}/202205-00001",
        "达市府办发〔2022〕37号",
        "2022年5月26日",
        "发布日期：2022-05-26 09:30",
        "共计1,234.56元",
        "合计13812345678元",
        "￥13812345678",
        "案号（2021）川17民初123号",
        "(2021)川1702行初45号",
        "邮政编码：635000",
        "服务热线12345，报警110，京ICP备05070218号，川公网安备 51170202000123号",
        "第3期（总第125期），2019-2020年度",
        "办公时间：8:30-12:00，14:30-17:30",
        "依法保护国家秘密、工作秘密，对不宜公开的内容进行审查。",
        "宗教团体可以编印内部资料性出版物。",
        "在市政府301室召开会议",
        "新建3栋教学楼，金龙小区1号楼改造",
        "本年度涉及农户1250户，花红村125户",
    ],
)
def test_distractors_are_not_flagged(text: str) -> None:
    assert found(text) == []


# --- phones ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["手机13812345678", "电话：138-1234-5678", "电话 138 1234 5678", "+86 13812345678", "+86-138-1234-5678",
     "8613812345678", "Tel13812345678", "手机１３８１２３４５６７８"],
)  # fmt: skip
def test_mobile_numbers(text: str) -> None:
    [(kind, _value)] = found(text)
    assert kind == "mobile"


def test_not_mobile_numbers() -> None:
    assert found("编号12012345678") == []  # no such prefix
    assert found("编号138123456789") == []  # 12 digits
    assert found("代码91510100MA6138123456") == []  # inside a code


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("电话：0818-2345678", "0818-2345678"),
        ("电话：(028)85123456", "(028)85123456"),
        ("电话：（0818）2345678", "（0818）2345678"),
        ("电话：08182345678", "08182345678"),
        ("电话：010-62345678-801", "010-62345678-801"),
    ],
)
def test_landlines(text: str, value: str) -> None:
    assert found(text) == [("landline", value)]


def test_landline_needs_a_real_area_code_and_local_number() -> None:
    assert found("号码 010-12345678") == []  # local numbers do not start with 1
    assert found("号码 0018-2345678") == []


def test_the_bodys_own_phone_address_and_email_are_not_flagged() -> None:
    ctx = ScreenContext.build(
        phones=["0818-2371234，0818-2375678"], addresses=["达州市通川区朝阳东路88号5栋2单元301室"],
        emails=["gk@dazhou.gov.cn"], today=TODAY,
    )  # fmt: skip
    text = "咨询电话：0818-2371234、2375678，地址：四川省达州市通川区朝阳东路88号5栋2单元301室，邮箱 gk@dazhou.gov.cn"
    assert found(text, ctx) == []
    assert found(text) != []


# --- cards, e-mail, passports, plates ---------------------------------------------------


def test_bank_cards() -> None:
    import random

    rng = random.Random(1)
    card = bank_card(rng)
    assert luhn_ok(card)
    assert found(f"卡号：{card}") == [("bank_card", card)]
    assert found(f"发放至{card}") == [("bank_card", card)]  # UnionPay 62…, unlabelled
    grouped = " ".join(card[i : i + 4] for i in range(0, len(card), 4))
    assert found(f"账号 {grouped}") == [("bank_card", grouped)]
    bad = bank_card(rng, valid=False)
    assert not luhn_ok(bad)
    assert found(f"卡号：{bad}") == []


def test_luhn_valid_number_without_bank_context_or_unionpay_prefix_is_not_a_card() -> None:
    number = "4111111111111111"
    assert luhn_ok(number)
    assert found(f"订单{number}") == []
    assert found(f"信用卡号 {number}") == [("bank_card", number)]


def test_id_shaped_number_is_not_taken_for_a_card() -> None:
    number = make_id("62010219900101123")  # 甘肃: starts with 62, like UnionPay cards
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert found(f"号码{wrong}") == []
    assert found(f"号码{number}") == [("id_card", number)]


def test_email_passport_plate() -> None:
    assert found("邮箱 zhang.san99@qq.com。") == [("email", "zhang.san99@qq.com")]
    assert found("护照号码：E12345678") == [("passport", "E12345678")]
    assert found("护照 EA1234567") == [("passport", "EA1234567")]
    assert found("港澳通行证 C12345678") == [("passport", "C12345678")]
    assert found("编号 H12345678") == []  # a weak form needs a label
    assert found("回乡证 H12345678") == [("passport", "H12345678")]
    assert found("车牌川A12345违停") == [("plate", "川A12345")]
    assert found("号牌 川A·D12345") == [("plate", "川A·D12345")]
    assert found("四川A级景区，川AB级") == []


# --- addresses and names ------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "四川省达州市通川区西外镇花红村3组15号",
        "成都市武侯区人民南路四段12号5栋2单元301室",
        "达州市通川区朝阳路12号金龙小区19号楼2304",
    ],
)
def test_home_addresses(address: str) -> None:
    [(kind, value)] = found(f"家庭住址：{address}。")
    assert kind == "address"
    assert address.endswith(value) or value == address


def test_name_next_to_an_identifier() -> None:
    assert found(f"申请人张三，身份证号：{ID}。") == [("name", "张三"), ("id_card", ID)]
    assert ("name", "王小明") in found(f"1\t王小明\t{ID}")
    assert ("name", "李四") in found("13812345678（李四）")
    assert ("name", "欧阳小明") in found("欧阳小明，港澳通行证号码：C12345678")
    # A word that only starts like a surname is not a name.
    assert found("单位：13812345678") == [("mobile", "13812345678")]


def test_name_severity_follows_the_identifier() -> None:
    findings = {f.kind: f.severity for f in screen_text("联系人张三，电话：0818-2345678", context=CTX)}
    assert findings == {"name": "warn", "landline": "warn"}


# --- markings and wording -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("绝密★", "绝密★"),
        ("机密★10年", "机密★10年"),
        ("秘密 ★ 一年", "秘密 ★ 一年"),
        ("密级：秘密★\n关于……的通知", "秘密★"),
        ("【内部资料】", "内部资料"),
        ("内部资料  注意保密", "内部资料"),
        ("工作秘密", "工作秘密"),
        ("不宜公开", "不宜公开"),
        ("内部使用，请勿外传。以下为具体内容。", "内部使用"),
    ],
)
def test_secret_markings(text: str, value: str) -> None:
    findings = screen_text(text, context=CTX)
    assert (findings[0].kind, findings[0].value, findings[0].severity) == ("secret_mark", value, "block")


def test_marking_phrase_in_prose_is_a_warning_or_nothing() -> None:
    [finding] = screen_text("本材料仅供内部使用，各单位应当妥善保管相关材料，不得外传。", context=CTX)
    assert (finding.kind, finding.severity) == ("secret_mark", "warn")
    assert found("第二十条 行政机关不得泄露国家秘密、工作秘密和商业秘密。") == []
    assert found("国家秘密事项") == []


def test_wording_rules() -> None:
    ctx = ScreenContext.build(
        wording=[
            WordingTerm("中华人名共和国", "misspelling", "block", "中华人民共和国"),
            WordingTerm("国家工商行政管理总局", "serious_error", "warn", "国家市场监督管理总局"),
            WordingTerm("工商", "sensitive", "warn"),
        ],
        today=TODAY,
    )
    findings = screen_text("根据《中华人名共和国行政许可法》，原国家工商行政管理总局规定", context=ctx)
    assert [(f.value, f.severity, f.rule) for f in findings] == [
        ("中华人名共和国", "block", "wording.misspelling:中华人民共和国"),
        ("国家工商行政管理总局", "warn", "wording.serious_error:国家市场监督管理总局"),  # the longest term wins
    ]


# --- locations --------------------------------------------------------------------------


def test_paragraph_numbers_skip_blank_lines_and_take_a_prefix() -> None:
    text = "第一段\n\n  \n第二段 13812345678\n第三段\n\n第四段 13912345678"
    findings = screen_text(text, location_prefix="正文", context=CTX)
    assert [f.location for f in findings] == ["正文 paragraph 2", "正文 paragraph 4"]


def test_paragraph_locator_out_of_order() -> None:
    text = "a\nb\n\nc"
    locate = ParagraphLocator(text)
    assert [locate(text.index(c)) for c in "cab"] == ["paragraph 3", "paragraph 1", "paragraph 2"]


def test_random_valid_ids_are_all_found() -> None:
    import random

    rng = random.Random(11)
    numbers = [valid_id(rng) for _ in range(300)]
    text = "\n".join(f"第{i}户 身份证 {n}" for i, n in enumerate(numbers))
    assert {v for k, v in found(text) if k == "id_card"} == set(numbers)
