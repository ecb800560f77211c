"""The demo's disclosure requests (依申请公开) and the Table II figures of the annual report.

About ninety requests of 达州市人民政府, 达州市教育局 and 达州市达川区人民政府 received from
2024 to the day of loading, made through the request desk's services exactly as the office
would have made them on each day: registered offline (in person, letter, fax, e-mail) or
submitted online, assigned, corrected or abandoned, paused for consultations, extended once,
replied with a realistic mix of results and archived (办结归档), withdrawn, one fee notice
paid, a few reconsiderations and lawsuits brought and later decided, the letters of 2026
issued, one reply released into proactive disclosure (条例第四十四条). Each service is
called with ``today``/``now`` set to the day of the step, so every date check of the
services applies.

Most requests are concluded and carry fixed dates; the few still open are dated in working days
before the day of loading (received a few days ago, one paused, one waiting for a correction,
one extended, one overdue), so that the desk's 待办 and overdue lists show something whenever
the demo is loaded.

Requesters are obviously fictitious: the placeholder names 张三、李四…, the region code
511799 (not assigned in 达州, though in Sichuan) with valid check digits, credit codes whose
body part reads MA6DEM…, telephone numbers 138-0000-xxxx and example.com addresses.

Loading twice adds nothing: a request submitted online is found by its idempotency key, one
registered offline by its body, day of receipt and description; the figures by body and year.
"""

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongkai.core import creditcode, workdays
from gongkai.core.models import Notification, Organisation, User
from gongkai.core.notifications import notifications_mark_read
from gongkai.core.workdays import WorkdayCalendar
from gongkai.reports import services as report_services
from gongkai.reports.models import AnnualFigures
from gongkai.requests import fee_services, letter_services, services
from gongkai.requests.fees import FeeMethod
from gongkai.requests.models import (
    OPEN_STATUSES,
    Channel,
    DeliveryForm,
    DisclosureRequest,
    FeeNotice,
    IdType,
    LetterKind,
    PauseKind,
    RequesterType,
    ResultCode,
    ReviewKind,
    ReviewOutcome,
    ReviewRecord,
)
from gongkai.screening.detectors import id_check_digit

Progress = Callable[[str], None]

CITY = "达州市人民政府"
EDU = "达州市教育局"
DACHUAN = "达州市达川区人民政府"

#: The body's default handler (承办人) among the demo accounts, and who approves extensions.
HANDLERS = {CITY: "city_officer", EDU: "edu_officer", DACHUAN: "dc_officer"}
HEADS = {CITY: "city_head"}

#: Region code of the fictitious identity numbers: in Sichuan (51), not assigned in 达州 (5117xx).
FICTITIOUS_REGION = "511799"


def fictitious_id(birth: dt.date, serial: int) -> str:
    """A resident identity number that passes GB 11643 (province, birth date, check digit) but
    belongs to nobody: region FICTITIOUS_REGION."""
    first17 = f"{FICTITIOUS_REGION}{birth:%Y%m%d}{serial:03d}"
    return first17 + id_check_digit(first17)


def fictitious_credit_code(serial: int) -> str:
    """A 统一社会信用代码 (GB 32100-2015) of an enterprise in 达州 (9 1 511700) whose
    organisation part reads MA6DEM + serial: valid check character, nobody's code."""
    first17 = f"91511700MA6DEM{serial:03d}"
    return first17 + creditcode.check_character(first17)


@dataclass(frozen=True)
class Requester:
    kind: str
    name: str
    id_type: str
    id_number: str
    phone: str
    email: str
    address: str
    contact_person: str = ""


def _person(name: str, birth: dt.date, serial: int, pinyin: str, n: int) -> Requester:
    return Requester(
        RequesterType.NATURAL_PERSON,
        name,
        IdType.ID_CARD,
        fictitious_id(birth, serial),
        f"1380000{n:04d}",
        f"{pinyin}@example.com",
        f"四川省达州市通川区示例路{n}号",
    )


def _body(kind: str, name: str, serial: int, contact: str, n: int) -> Requester:
    return Requester(
        kind,
        name,
        IdType.CREDIT_CODE,
        fictitious_credit_code(serial),
        f"0818-20000{n:02d}",
        f"office{n}@example.com",
        f"四川省达州市通川区示例大道{n * 10}号",
        contact,
    )


REQUESTERS: dict[str, Requester] = {
    "p0": _person("张三", dt.date(1978, 3, 14), 11, "zhangsan", 1),
    "p1": _person("李四", dt.date(1985, 7, 2), 22, "lisi", 2),
    "p2": _person("王五", dt.date(1969, 11, 23), 31, "wangwu", 3),
    "p3": _person("赵六", dt.date(1992, 1, 8), 42, "zhaoliu", 4),
    "p4": _person("钱七", dt.date(1974, 5, 30), 53, "qianqi", 5),
    "p5": _person("孙八", dt.date(1988, 9, 17), 64, "sunba", 6),
    "p6": _person("周九", dt.date(1961, 12, 5), 75, "zhoujiu", 7),
    "p7": _person("吴十", dt.date(1995, 4, 21), 86, "wushi", 8),
    "p8": _person("陈甲", dt.date(1982, 8, 9), 97, "chenjia", 9),
    "p9": _person("林乙", dt.date(1976, 2, 27), 108, "linyi", 10),
    "p10": _person("黄丙", dt.date(1990, 6, 12), 119, "huangbing", 11),
    "p11": _person("何丁", dt.date(1967, 10, 3), 120, "heding", 12),
    "c0": _body(RequesterType.COMMERCIAL, "达州示例商贸有限公司", 1, "张某", 21),
    "c1": _body(RequesterType.COMMERCIAL, "四川示例建设工程有限公司", 2, "李某", 22),
    "r0": _body(RequesterType.RESEARCH, "西南示例城乡规划研究院", 3, "王某", 23),
    "g0": _body(RequesterType.PUBLIC_INTEREST, "达州市示例公益服务中心", 4, "赵某", 24),
    "l0": _body(RequesterType.LEGAL_SERVICE, "四川示例律师事务所", 5, "钱某", 25),
    "o0": _body(RequesterType.OTHER, "达州市通川区示例小区业主委员会", 6, "孙某", 26),
}


@dataclass(frozen=True)
class Correction:
    """条例第三十条: asked ``asked_after`` working days after receipt with ``respond_days``
    calendar days to answer; corrected ``corrected_after`` working days after the notice, or
    never (then abandoned the day after the period, or still waiting when the story is open)."""

    what: str
    asked_after: int = 3
    corrected_after: int | None = 5
    respond_days: int = 15


@dataclass(frozen=True)
class Consultation:
    """条例第三十二条 (third party) or 第三十四条 (other body): from ``start_after`` working days
    after receipt, for ``length`` working days (0: still running)."""

    kind: str
    party: str
    start_after: int = 4
    length: int = 10


@dataclass(frozen=True)
class Story:
    """One request from receipt to its end (or to today, while open).

    received: a fixed date, or (an int) that many working days before the day of loading.
    result: a ResultCode; OTHER_1 means abandoned after the correction, OTHER_3 withdrawn;
    "" while still open. reply_after: working days from receipt (or from the corrected
    request) to the reply or withdrawal."""

    body: str
    received: dt.date | int
    channel: str
    requester: str
    description: str
    result: str = ""
    reply_after: int = 10
    correction: Correction | None = None
    consultation: Consultation | None = None
    extension: tuple[int, int] | None = None  # (days, approved this many working days after receipt)
    fee_pages: int = 0
    review: tuple[str, str, int] | None = None  # (kind, outcome, filed this many days after the reply)
    reason: str = ""
    assignee: str | None = None  # None: the body's handler; "": left in the pool
    letters: bool | None = None  # None: letters for replies from 2026 on
    release: bool = False


D = dt.date
ONLINE, IN_PERSON, LETTER, FAX, EMAIL = Channel.ONLINE, Channel.IN_PERSON, Channel.LETTER, Channel.FAX, Channel.EMAIL
R = ResultCode
THIRD_PARTY_REASON = "部分内容涉及第三方的商业秘密和个人信息，公开会对第三方合法权益造成损害"

STORIES: tuple[Story, ...] = (
    # --- 达州市人民政府 ---------------------------------------------------------------------
    Story(CITY, D(2024, 1, 15), ONLINE, "p0", "达州市2023年城市更新项目清单及立项批复文件", R.DISCLOSED, 9),
    Story(
        CITY, D(2024, 2, 26), IN_PERSON, "p1", "通川区西外片区房屋征收补偿协议（个人签订部分）", R.CANNOT_PROVIDE_1, 6
    ),
    Story(CITY, D(2024, 3, 18), ONLINE, "c0", "达州市2024年度国有建设用地供应计划", R.DISCLOSED, 12),
    Story(
        CITY,
        D(2024, 4, 8),
        LETTER,
        "p2",
        "达州市人民政府2023年常务会议关于老旧小区改造的议定事项",
        R.PARTLY_DISCLOSED,
        15,
        reason="会议纪要中其他议题的内容与申请无关且属于内部事务信息",
    ),
    Story(CITY, D(2024, 5, 13), ONLINE, "p3", "达州市中心城区控制性详细规划修编征求意见过程稿", R.WITHHELD_6, 11),
    Story(
        CITY,
        D(2024, 6, 11),
        ONLINE,
        "p4",
        "本人所在村土地征收的批复文件",
        R.DISCLOSED,
        8,
        correction=Correction("请写明所在村的名称和征收项目名称或大致时间"),
    ),
    Story(CITY, D(2024, 7, 2), ONLINE, "l0", "达州市人民政府2023年作出的收回国有土地使用权决定", R.DISCLOSED, 10),
    Story(
        CITY, D(2024, 8, 19), EMAIL, "r0", "2019—2023年达州市分县（市、区）城镇化率统计汇总表", R.CANNOT_PROVIDE_2, 8
    ),
    Story(
        CITY,
        D(2024, 9, 23),
        ONLINE,
        "p5",
        "要求查处莲花湖片区某工地夜间施工扰民问题并答复处理结果",
        R.NOT_PROCESSED_1,
        5,
    ),
    Story(
        CITY,
        D(2024, 10, 21),
        IN_PERSON,
        "p0",
        "达州市2023年城市更新项目清单及立项批复文件（再次申请）",
        R.NOT_PROCESSED_2,
        4,
    ),
    Story(CITY, D(2024, 11, 18), ONLINE, "c1", "达州高新区某道路工程建设项目环境影响评价批复", R.DISCLOSED, 13),
    Story(CITY, D(2024, 12, 23), ONLINE, "p6", "达州市2024年民生实事项目完成情况", R.DISCLOSED, 12),
    Story(
        CITY,
        D(2024, 12, 27),
        LETTER,
        "o0",
        "本小区所在地块的国有土地使用权出让合同及规划条件",
        R.PARTLY_DISCLOSED,
        15,
        reason="出让合同中受让人的银行账户等信息涉及第三方合法权益",
    ),
    Story(CITY, D(2025, 1, 13), ONLINE, "p7", "达州市2025年城乡居民最低生活保障标准调整文件", R.DISCLOSED, 7),
    Story(
        CITY,
        D(2025, 2, 17),
        ONLINE,
        "c0",
        "某企业参与达州市城区公共停车场特许经营项目的投标文件",
        R.WITHHELD_4,
        16,
        consultation=Consultation(PauseKind.THIRD_PARTY, "达州示例停车管理有限公司", 5, 12),
        review=(ReviewKind.RECONSIDERATION, ReviewOutcome.UPHELD, 35),
        letters=True,
    ),
    Story(CITY, D(2025, 3, 10), IN_PERSON, "p8", "达州市人民政府关于调整城区出租汽车运价的批复", R.DISCLOSED, 6),
    Story(
        CITY,
        D(2025, 3, 24),
        ONLINE,
        "p1",
        "通川区某社区2024年公益性岗位人员名单",
        R.CANNOT_PROVIDE_1,
        9,
        review=(ReviewKind.RECONSIDERATION, ReviewOutcome.CORRECTED, 28),
    ),
    Story(
        CITY,
        D(2025, 4, 14),
        ONLINE,
        "l0",
        "达州市2024年度政府投资项目审计结果报告及整改情况",
        R.PARTLY_DISCLOSED,
        30,
        extension=(15, 17),
        reason="审计报告中涉及被审计单位商业秘密的部分",
        letters=True,
    ),
    Story(CITY, D(2025, 5, 12), FAX, "c1", "达州市2025年重点项目名单及投资计划", R.DISCLOSED, 10),
    Story(
        CITY,
        D(2025, 5, 26),
        ONLINE,
        "p9",
        "达州市城市总体规划实施评估报告全文（纸质复印件）",
        R.DISCLOSED,
        14,
        fee_pages=60,
        letters=True,
    ),
    Story(CITY, D(2025, 6, 16), ONLINE, "p2", "达州市危险化学品重大危险源分布及防护目标详细清单", R.WITHHELD_3, 11),
    Story(
        CITY,
        D(2025, 7, 7),
        ONLINE,
        "p3",
        "关于本人房屋的相关文件",
        R.OTHER_1,
        correction=Correction("请写明房屋所在位置以及所需文件的名称、文号或其他特征", corrected_after=None),
    ),
    Story(
        CITY,
        D(2025, 7, 21),
        LETTER,
        "r0",
        "达州市秦巴地区综合交通枢纽建设规划及其环境影响评价文件",
        R.PARTLY_DISCLOSED,
        16,
        reason="环评文件中的部分内容属于过程性信息",
    ),
    Story(CITY, D(2025, 8, 18), ONLINE, "p4", "达州市2025年公务员招录体检复检有关文件", R.OTHER_3, 5),
    Story(CITY, D(2025, 9, 15), ONLINE, "p10", "达州市集中式饮用水水源地保护区划定方案及批复", R.DISCLOSED, 12),
    Story(
        CITY,
        D(2025, 9, 29),
        IN_PERSON,
        "p5",
        "要求对本人已取得的房屋征收补偿决定书重新出具并加盖公章",
        R.NOT_PROCESSED_5,
        5,
    ),
    Story(CITY, D(2025, 10, 20), ONLINE, "c0", "达州市2025年第三季度政府采购意向汇总", R.DISCLOSED, 9),
    Story(CITY, D(2025, 11, 10), ONLINE, "p6", "达州市人民政府办公室2025年内部考勤管理制度", R.WITHHELD_5, 10),
    Story(
        CITY,
        D(2025, 11, 24),
        ONLINE,
        "p11",
        "达州市2024年民生实事项目完成情况（与上次申请内容相同）",
        R.NOT_PROCESSED_2,
        6,
        review=(ReviewKind.DIRECT_SUIT, ReviewOutcome.UPHELD, 40),
    ),
    Story(CITY, D(2025, 12, 22), ONLINE, "p0", "达州市2026年民生实事项目征集结果", R.DISCLOSED, 14),
    Story(
        CITY,
        D(2025, 12, 29),
        EMAIL,
        "c1",
        "2021—2025年达州市各区县招商引资到位资金分年度汇总表",
        R.CANNOT_PROVIDE_2,
        12,
    ),
    Story(CITY, D(2026, 1, 19), ONLINE, "p7", "达州市2026年政府工作报告重点工作分解方案", R.DISCLOSED, 8, release=True),
    Story(
        CITY,
        D(2026, 2, 9),
        ONLINE,
        "l0",
        "达州金垭机场迁建项目征地补偿安置方案及其批复",
        R.PARTLY_DISCLOSED,
        13,
        reason="安置人员名单涉及个人隐私",
    ),
    Story(CITY, D(2026, 3, 9), IN_PERSON, "p8", "达州市城区2026年春季植树造林工作方案", R.DISCLOSED, 5),
    Story(
        CITY,
        D(2026, 3, 23),
        ONLINE,
        "p9",
        "达州市2026年防汛重点部位及应急物资储备点清单",
        R.WITHHELD_3,
        10,
        review=(ReviewKind.RECONSIDERATION, ReviewOutcome.PENDING, 30),
    ),
    Story(CITY, D(2026, 4, 20), ONLINE, "c0", "达州市2025年城区道路改造项目资金决算", R.DISCLOSED, 22),
    Story(CITY, D(2026, 5, 18), LETTER, "o0", "本小区物业服务企业的收费明细", R.CANNOT_PROVIDE_1, 8),
    Story(CITY, D(2026, 6, 15), ONLINE, "p10", "达州市2026年城市体检报告", R.DISCLOSED, 11),
    Story(CITY, D(2026, 7, 13), ONLINE, "r0", "达州市近十年逐月空气质量监测原始数据", R.CANNOT_PROVIDE_2, 15),
    Story(
        CITY,
        D(2026, 8, 10),
        ONLINE,
        "p1",
        "关于去年那次会议的文件",
        R.CANNOT_PROVIDE_3,
        9,
        correction=Correction("请写明会议的名称、召开时间或所需文件的名称、文号"),
    ),
    Story(CITY, D(2026, 9, 7), ONLINE, "p2", "达州市2026年秋季开学城区交通组织方案", R.DISCLOSED, 9),
    Story(
        CITY,
        D(2026, 10, 12),
        ONLINE,
        "c1",
        "达州市2026年度政府投资项目计划（含分项目资金安排）",
        R.PARTLY_DISCLOSED,
        16,
        reason="部分项目的资金安排尚在研究，属于过程性信息",
    ),
    # still open: dated back from the day of loading
    Story(CITY, 26, ONLINE, "p11", "达州市城区污水处理厂提标改造项目验收报告"),
    Story(CITY, 22, ONLINE, "l0", "2021—2025年达州市土地出让收入及使用情况", extension=(15, 18)),
    Story(CITY, 12, ONLINE, "p3", "达州市2026年冬季天然气保供方案", assignee=""),
    Story(CITY, 3, ONLINE, "p4", "达州市城区公共停车场收费标准核定文件", assignee="city_head"),
    # --- 达州市教育局 -----------------------------------------------------------------------
    Story(EDU, D(2024, 2, 19), ONLINE, "p5", "2024年达州市城区义务教育学校招生划片范围", R.DISCLOSED, 7),
    Story(EDU, D(2024, 4, 15), ONLINE, "p6", "某民办学校2023年学费收入及支出明细", R.CANNOT_PROVIDE_1, 6),
    Story(EDU, D(2024, 6, 3), IN_PERSON, "p7", "达州市2024年中考录取分数线确定依据", R.DISCLOSED, 4),
    Story(
        EDU,
        D(2024, 7, 22),
        ONLINE,
        "p8",
        "达州市2024年教师公开招聘考试成绩及排名",
        R.PARTLY_DISCLOSED,
        14,
        reason="其他考生的身份证件号码等个人信息",
        review=(ReviewKind.RECONSIDERATION, ReviewOutcome.OTHER, 30),
    ),
    Story(EDU, D(2024, 9, 9), ONLINE, "p9", "投诉某小学违规组织有偿补课并要求答复处理结果", R.NOT_PROCESSED_1, 5),
    Story(EDU, D(2024, 11, 4), LETTER, "p10", "达州市学前教育生均公用经费标准文件", R.DISCLOSED, 10),
    Story(
        EDU,
        D(2024, 12, 16),
        ONLINE,
        "p11",
        "达州市中小学布局调整规划（2025—2030年）征求意见稿及各方意见",
        R.WITHHELD_6,
        12,
    ),
    Story(EDU, D(2025, 2, 24), ONLINE, "p0", "2025年达州市普通高中招生计划及学位数", R.DISCLOSED, 8),
    Story(EDU, D(2025, 3, 31), ONLINE, "g0", "达州市2024年学生资助资金分配明细", R.DISCLOSED, 11),
    Story(EDU, D(2025, 5, 6), ONLINE, "p1", "本人子女2024年中考各科成绩", R.WITHHELD_8, 5),
    Story(
        EDU,
        D(2025, 6, 9),
        ONLINE,
        "p2",
        "达州市城区新建学校与住房城乡建设部门签订的配套建设协议",
        R.DISCLOSED,
        14,
        consultation=Consultation(PauseKind.OTHER_BODY, "达州市住房和城乡建设局", 4, 8),
    ),
    Story(EDU, D(2025, 7, 14), ONLINE, "c0", "某校外培训机构2024年度财务审计报告", R.CANNOT_PROVIDE_1, 7),
    Story(EDU, D(2025, 8, 25), ONLINE, "p3", "2025年秋季学期达州市城区学校分班规则", R.OTHER_3, 3),
    Story(EDU, D(2025, 9, 22), IN_PERSON, "p4", "达州市中小学教师职称评审办法及2025年评审结果", R.DISCLOSED, 5),
    Story(
        EDU,
        D(2025, 11, 3),
        ONLINE,
        "p5",
        "达州市某中学教学楼建设项目招标文件及中标结果",
        R.PARTLY_DISCLOSED,
        13,
        reason="投标人的报价明细涉及商业秘密",
    ),
    Story(EDU, D(2025, 12, 15), ONLINE, "p6", "达州市2025年义务教育控辍保学工作情况", R.DISCLOSED, 15),
    Story(EDU, D(2026, 1, 12), ONLINE, "p7", "达州市2026年春季学期中小学收费项目及标准", R.DISCLOSED, 9),
    Story(EDU, D(2026, 3, 16), ONLINE, "c1", "达州市2026年校外培训机构审批及年检名单", R.DISCLOSED, 6),
    Story(
        EDU,
        D(2026, 4, 27),
        ONLINE,
        "p8",
        "关于学校的那份通知",
        R.OTHER_1,
        correction=Correction("请写明学校名称以及通知的标题、文号或发布时间", corrected_after=None),
    ),
    Story(EDU, D(2026, 6, 1), ONLINE, "p9", "《达州市教育志》纸质版一套", R.NOT_PROCESSED_3, 4),
    Story(EDU, D(2026, 7, 6), ONLINE, "p10", "2026年达州市城区义务教育学校招生划片范围", R.DISCLOSED, 10),
    Story(
        EDU, D(2026, 9, 14), ONLINE, "p11", "2016—2026年达州市各中小学逐年教师流动人员名单汇总", R.CANNOT_PROVIDE_2, 12
    ),
    Story(
        EDU,
        8,
        ONLINE,
        "p0",
        "达州市某中学食堂承包经营合同",
        consultation=Consultation(PauseKind.THIRD_PARTY, "达州示例餐饮管理有限公司", 4, 0),
    ),
    Story(EDU, 2, ONLINE, "g0", "达州市2026年农村义务教育学生营养改善计划资金使用情况"),
    # --- 达州市达川区人民政府 ----------------------------------------------------------------
    Story(DACHUAN, D(2024, 3, 4), IN_PERSON, "p0", "达川区2024年农村危房改造补助对象名单及补助标准", R.DISCLOSED, 5),
    Story(
        DACHUAN, D(2024, 5, 20), ONLINE, "p1", "达川区河市镇2023年集体土地征收批准文件及补偿安置方案", R.DISCLOSED, 11
    ),
    Story(DACHUAN, D(2024, 7, 15), LETTER, "p2", "达川区某村村民委员会2023年村务收支明细", R.CANNOT_PROVIDE_1, 8),
    Story(DACHUAN, D(2024, 9, 2), ONLINE, "c0", "达川区城区滨河路改造工程立项批复及预算", R.DISCLOSED, 13),
    Story(DACHUAN, D(2024, 10, 28), ONLINE, "p3", "达川区某养殖场环境违法案件的全部执法案卷", R.WITHHELD_7, 10),
    Story(DACHUAN, D(2024, 12, 9), ONLINE, "p4", "达川区2025年城乡低保标准调整文件", R.DISCLOSED, 9),
    Story(DACHUAN, D(2025, 1, 20), IN_PERSON, "p5", "达川区2024年高标准农田建设项目实施方案", R.DISCLOSED, 6),
    Story(
        DACHUAN,
        D(2025, 3, 17),
        ONLINE,
        "p6",
        "达川区某棚户区改造项目安置房分配方案（讨论稿）",
        R.WITHHELD_6,
        11,
        review=(ReviewKind.SUIT_AFTER_RECONSIDERATION, ReviewOutcome.PENDING, 90),
    ),
    Story(
        DACHUAN,
        D(2025, 4, 21),
        ONLINE,
        "l0",
        "达川区亭子镇2024年集体土地征收补偿费发放明细",
        R.PARTLY_DISCLOSED,
        14,
        reason="被征收人的银行账号和身份证件号码属于个人隐私",
    ),
    Story(
        DACHUAN,
        D(2025, 6, 23),
        ONLINE,
        "p7",
        "本人所在村的土地流转相关文件",
        R.DISCLOSED,
        9,
        correction=Correction("请写明所在乡镇和村的名称以及土地流转项目名称"),
    ),
    Story(DACHUAN, D(2025, 8, 4), ONLINE, "p8", "要求区政府对邻居违法建设问题作出处理并书面答复", R.NOT_PROCESSED_1, 5),
    Story(DACHUAN, D(2025, 9, 8), ONLINE, "c1", "达川区2025年重点项目投资计划", R.DISCLOSED, 10),
    Story(DACHUAN, D(2025, 10, 27), LETTER, "p9", "某小区开发商与业主签订的商品房买卖合同", R.CANNOT_PROVIDE_1, 7),
    Story(DACHUAN, D(2025, 12, 8), ONLINE, "p10", "达川区2025年河长制工作考核结果", R.DISCLOSED, 12),
    Story(
        DACHUAN,
        D(2025, 12, 26),
        ONLINE,
        "p11",
        "达川区2025年财政预算执行情况及部门预算调整明细",
        R.PARTLY_DISCLOSED,
        14,
        reason="部分部门预算调整明细尚在审议，属于过程性信息",
    ),
    Story(DACHUAN, D(2026, 2, 2), ONLINE, "p0", "达川区2026年农村人居环境整治项目清单", R.DISCLOSED, 8),
    Story(DACHUAN, D(2026, 4, 13), IN_PERSON, "p1", "达川区某镇场镇总体规划（2021—2035年）", R.DISCLOSED, 21),
    Story(DACHUAN, D(2026, 6, 22), ONLINE, "c0", "某企业向达川区提交的项目可行性研究报告", R.WITHHELD_4, 10),
    Story(DACHUAN, D(2026, 8, 17), ONLINE, "p2", "达川区2026年防汛抗旱应急预案", R.DISCLOSED, 9),
    Story(DACHUAN, D(2026, 10, 19), ONLINE, "p3", "达川区2026年秋冬季大气污染防治工作方案", R.DISCLOSED, 11),
    Story(
        DACHUAN,
        5,
        ONLINE,
        "p4",
        "关于我们那里修路的文件",
        correction=Correction("请写明道路所在位置、项目名称或所需文件的名称", asked_after=2, corrected_after=None),
    ),
    Story(DACHUAN, 9, ONLINE, "o0", "达川区2026年城区老旧小区改造项目名单及资金安排"),
)

#: Table II figures entered by the bodies (not in the catalog): decisions and fees (万元).
FIGURES: dict[tuple[str, int], dict[str, Any]] = {
    (CITY, 2024): {"licensing_decisions": 36, "penalty_decisions": 0, "enforcement_decisions": 0},
    (CITY, 2025): {"licensing_decisions": 41, "penalty_decisions": 2, "enforcement_decisions": 0},
    (EDU, 2024): {
        "licensing_decisions": 2846,
        "penalty_decisions": 7,
        "enforcement_decisions": 0,
        "fee_amount": Decimal("18.6500"),
    },
    (EDU, 2025): {
        "licensing_decisions": 3012,
        "penalty_decisions": 5,
        "enforcement_decisions": 1,
        "fee_amount": Decimal("16.2300"),
    },
    (DACHUAN, 2024): {
        "licensing_decisions": 6218,
        "penalty_decisions": 2457,
        "enforcement_decisions": 93,
        "fee_amount": Decimal("1326.4100"),
    },
    (DACHUAN, 2025): {
        "licensing_decisions": 6604,
        "penalty_decisions": 2311,
        "enforcement_decisions": 88,
        "fee_amount": Decimal("1290.7500"),
    },
}

#: A reply is archived (办结归档) this many working days after it, unless it was given within
#: LEFT_REPLIED_DAYS of the day of loading (those stay 已答复).
CLOSE_AFTER = 5
LEFT_REPLIED_DAYS = 45
#: A reconsideration or lawsuit is decided this many days after it was brought.
REVIEW_DECIDED_AFTER = 75

_DELIVERY_WAYS = ("邮寄", "电子邮件", "当面领取", "网上查阅")


# --- planning ------------------------------------------------------------------------------


@dataclass
class Step:
    on: dt.date
    run: Callable[["Desk"], None]


@dataclass
class Desk:
    """What the steps share: the bodies, the accounts, the requests made so far by story."""

    bodies: dict[str, Organisation]
    users: dict[str, User]
    requests: dict[int, DisclosureRequest] = field(default_factory=dict)
    notices: dict[int, FeeNotice] = field(default_factory=dict)
    reviews: dict[int, ReviewRecord] = field(default_factory=dict)
    letters: int = 0


def workdays_before(calendar: WorkdayCalendar, day: dt.date, n: int) -> dt.date:
    """The working day n working days before ``day`` (n = 0: ``day`` itself, or the working day
    before it when it is not one)."""
    while not calendar.is_workday(day):
        day -= dt.timedelta(days=1)
    while n > 0:
        day -= dt.timedelta(days=1)
        if calendar.is_workday(day):
            n -= 1
    return day


def _received_on(story: Story, calendar: WorkdayCalendar, today: dt.date) -> dt.date:
    if isinstance(story.received, int):
        return workdays_before(calendar, today, story.received)
    day = story.received
    if story.channel != ONLINE:  # the offices register on working days
        while not calendar.is_workday(day):
            day += dt.timedelta(days=1)
    return day


def idempotency_key(index: int) -> str:
    return f"demo-request-{index:03d}"


def _at(day: dt.date, index: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9 + index % 8, (index * 7) % 60)))


def _plan(index: int, story: Story, calendar: WorkdayCalendar, today: dt.date) -> list[Step] | None:
    """The story's steps, each on its day; None when a step would lie after ``today`` (a clock
    set before the end of the fixed stories)."""
    add = calendar.add_workdays
    received = _received_on(story, calendar, today)
    handler = HANDLERS[story.body] if story.assignee is None else story.assignee
    actor = handler or HANDLERS[story.body]
    head = HEADS.get(story.body, actor)
    steps: list[Step] = []
    letters: list[Step] = []

    def step(day: dt.date, run: Callable[..., None], /, **kwargs: Any) -> None:
        steps.append(Step(day, partial(run, index=index, **kwargs)))

    def letter(kind: str, on: dt.date, result: str = "", **extra: Any) -> None:
        letters.append(
            Step(on, partial(_letter, index=index, actor=actor, kind=kind, on=on, result=result, extra=extra))
        )

    step(received, _intake, story=story, who=REQUESTERS[story.requester], received=received, actor=actor)
    if handler:
        step(received, _assign, handler=handler, on=received)
    base = ended = received
    if story.correction is not None:
        correction = story.correction
        asked = add(received, correction.asked_after).date
        respond_by = asked + dt.timedelta(days=correction.respond_days)
        step(asked, _ask_correction, actor=actor, correction=correction, asked=asked, respond_by=respond_by)
        letter(LetterKind.CORRECTION, asked, correction_items=correction.what, respond_by=respond_by)
        if correction.corrected_after is not None:
            base = add(asked, correction.corrected_after).date
            step(base, _corrected, actor=actor, on=base)
        elif story.result == R.OTHER_1:
            ended = respond_by + dt.timedelta(days=1)
            step(ended, _abandon, actor=actor, on=ended)
    reply_on = add(base, story.reply_after).date
    if story.consultation is not None:
        consult = story.consultation
        start = add(base, consult.start_after).date
        step(start, _pause, actor=actor, consult=consult, on=start)
        if consult.kind == PauseKind.THIRD_PARTY:
            letter(LetterKind.THIRD_PARTY, start, third_party_name=consult.party)
        if consult.length:
            end = add(start, consult.length).date
            step(end, _resume, actor=actor, on=end)
            if reply_on <= end:
                reply_on = add(end, 3).date
    if story.extension is not None:
        days, after = story.extension
        approved = add(received, after).date
        step(approved, _extend, head=head, days=days, on=approved)
        letter(LetterKind.EXTENSION, approved)
    if story.fee_pages:
        issued = add(received, 5).date
        paid = add(issued, 4).date
        step(issued, _fee_notice, actor=actor, head=head, pages=story.fee_pages, on=issued)
        step(paid, _fee_paid, actor=actor, on=paid)
        pay_by = add(issued, fee_services.PAY_WITHIN_WORKDAYS).date
        fee = {"method": FeeMethod.BY_VOLUME.value, "pages": story.fee_pages}
        letter(LetterKind.FEE, issued, fee=fee, pay_by=pay_by)
    if story.result == R.OTHER_3:
        ended = reply_on
        step(reply_on, _withdraw, actor=actor, on=reply_on)
    elif story.result and story.result != R.OTHER_1:
        ended = reply_on
        step(reply_on, _reply, actor=actor, result=story.result, on=reply_on)
        letter(LetterKind.REPLY, reply_on, story.result, reason=story.reason or THIRD_PARTY_REASON)
        if story.release:
            released = add(reply_on, 2).date
            step(released, _release, actor=actor, on=released)
        # 条例第四十五条: archived once delivered; the latest replies are left as replied.
        closed = add(reply_on, CLOSE_AFTER).date
        if closed <= today - dt.timedelta(days=LEFT_REPLIED_DAYS):
            step(closed, _close, actor=actor, on=closed)
    if story.review is not None:
        kind, outcome, after_days = story.review
        filed = ended + dt.timedelta(days=after_days)
        step(filed, _review, actor=actor, kind=kind, filed=filed)
        decided = filed + dt.timedelta(days=REVIEW_DECIDED_AFTER)
        if outcome != ReviewOutcome.PENDING and decided <= today:  # otherwise still pending
            step(decided, _review_decided, actor=actor, outcome=outcome)
    # Letters for the open requests and for everything ended from 2026 on (and where asked).
    if story.letters or (story.letters is None and (not story.result or ended.year >= 2026)):
        steps.extend(letters)
    return _finish(steps, today)


def _finish(steps: list[Step], today: dt.date) -> list[Step] | None:
    return None if any(step.on > today for step in steps) else steps


# --- the steps: one service call each ------------------------------------------------------


def _intake(desk: Desk, index: int, story: Story, who: Requester, received: dt.date, actor: str) -> None:
    organisation = desk.bodies[story.body]
    delivery_way = _DELIVERY_WAYS[index % len(_DELIVERY_WAYS)]
    delivery_form = DeliveryForm.ELECTRONIC if delivery_way in ("电子邮件", "网上查阅") else DeliveryForm.PAPER
    if story.channel == ONLINE:
        req, _created = services.request_submit_online(
            organisation=organisation,
            requester_type=who.kind,
            requester_name=who.name,
            description=story.description,
            id_type=who.id_type,
            id_number=who.id_number,
            phone=who.phone,
            email=who.email,
            address=who.address,
            contact_person=who.contact_person,
            delivery_form=delivery_form,
            delivery_way=delivery_way,
            idempotency_key=idempotency_key(index),
            now=_at(received, index),
        )
    else:
        when: dict[str, Any] = {}
        if story.channel == IN_PERSON:
            when["submitted_at"] = _at(received, index)
        elif story.channel == LETTER:
            when["signed_on"] = received
        else:
            when["confirmed_on"] = received
        req = services.request_register(
            actor=desk.users[actor],
            organisation=organisation,
            channel=story.channel,
            requester_type=who.kind,
            requester_name=who.name,
            description=story.description,
            id_type=who.id_type,
            id_number=who.id_number,
            phone=who.phone,
            email=who.email if story.channel == EMAIL else "",
            address=who.address,
            delivery_form=delivery_form,
            delivery_way=delivery_way,
            today=received,
            **when,
        )
    desk.requests[index] = req


def _assign(desk: Desk, index: int, handler: str, on: dt.date) -> None:
    user = desk.users[handler]
    desk.requests[index] = services.request_assign(actor=user, request=desk.requests[index], assignee=user, today=on)


def _ask_correction(
    desk: Desk, index: int, actor: str, correction: Correction, asked: dt.date, respond_by: dt.date
) -> None:
    desk.requests[index] = services.request_ask_correction(
        actor=desk.users[actor],
        request=desk.requests[index],
        asked_on=asked,
        what=correction.what,
        respond_by=respond_by,
        today=asked,
    )


def _corrected(desk: Desk, index: int, actor: str, on: dt.date) -> None:
    desk.requests[index] = services.request_correction_received(
        actor=desk.users[actor], request=desk.requests[index], received_on=on, note="申请人已按要求补正", today=on
    )


def _abandon(desk: Desk, index: int, actor: str, on: dt.date) -> None:
    desk.requests[index] = services.request_abandon(
        actor=desk.users[actor], request=desk.requests[index], on=on, today=on
    )


def _pause(desk: Desk, index: int, actor: str, consult: Consultation, on: dt.date) -> None:
    desk.requests[index] = services.request_pause(
        actor=desk.users[actor],
        request=desk.requests[index],
        kind=consult.kind,
        started_on=on,
        note=f"征求{consult.party}意见",
        today=on,
    )


def _resume(desk: Desk, index: int, actor: str, on: dt.date) -> None:
    desk.requests[index] = services.request_resume(
        actor=desk.users[actor], request=desk.requests[index], ended_on=on, note="已收到书面意见", today=on
    )


def _extend(desk: Desk, index: int, head: str, days: int, on: dt.date) -> None:
    desk.requests[index] = services.request_extend(
        actor=desk.users[head],
        request=desk.requests[index],
        days=days,
        approved_on=on,
        reason="申请内容涉及多个部门和年度，需要调取、汇总的材料较多",
        today=on,
    )


def _fee_notice(desk: Desk, index: int, actor: str, head: str, pages: int, on: dt.date) -> None:
    req = desk.requests[index]
    if not fee_services.fees_enabled(req.organisation):
        fee_services.desk_settings_update(actor=desk.users[head], organisation=req.organisation, fees_enabled=True)
    desk.notices[index] = fee_services.fee_notice_issue(
        actor=desk.users[actor], request=req, method=FeeMethod.BY_VOLUME, quantity=pages, today=on
    )


def _fee_paid(desk: Desk, index: int, actor: str, on: dt.date) -> None:
    desk.notices[index] = fee_services.fee_payment_record(
        actor=desk.users[actor], notice=desk.notices[index], paid_on=on, today=on
    )


def _reply(desk: Desk, index: int, actor: str, result: str, on: dt.date) -> None:
    desk.requests[index] = services.request_reply(
        actor=desk.users[actor],
        request=desk.requests[index],
        result_code=result,
        replied_on=on,
        note=f"答复：{ResultCode(result).label}",
        today=on,
    )


def _withdraw(desk: Desk, index: int, actor: str, on: dt.date) -> None:
    desk.requests[index] = services.request_withdraw(
        actor=desk.users[actor], request=desk.requests[index], on=on, note="申请人来电撤回申请", today=on
    )


def _release(desk: Desk, index: int, actor: str, on: dt.date) -> None:
    services.request_release_to_item(actor=desk.users[actor], request=desk.requests[index], today=on)
    desk.requests[index].refresh_from_db()


def _close(desk: Desk, index: int, actor: str, on: dt.date) -> None:
    desk.requests[index] = services.request_close(
        actor=desk.users[actor], request=desk.requests[index], on=on, note="答复书已送达，材料已归档", today=on
    )


def _review(desk: Desk, index: int, actor: str, kind: str, filed: dt.date) -> None:
    desk.reviews[index] = services.review_record_add(
        actor=desk.users[actor],
        request=desk.requests[index],
        kind=kind,
        outcome=ReviewOutcome.PENDING,
        filed_on=filed,
        note="申请人对答复不服",
    )


def _review_decided(desk: Desk, index: int, actor: str, outcome: str) -> None:
    desk.reviews[index] = services.review_record_update(
        actor=desk.users[actor],
        review=desk.reviews[index],
        outcome=outcome,
        note=f"已审结：{ReviewOutcome(outcome).label}",
    )


def _letter(desk: Desk, index: int, actor: str, kind: str, on: dt.date, result: str, extra: dict[str, Any]) -> None:
    letter_services.letter_issue(
        actor=desk.users[actor], request=desk.requests[index], kind=kind, result_code=result, extra=extra, today=on
    )
    desk.letters += 1


# --- loading -------------------------------------------------------------------------------


@dataclass
class RequestsResult:
    requests_created: int = 0
    figures_created: int = 0
    letters_issued: int = 0
    by_body: Counter[str] = field(default_factory=Counter)
    open_created: int = 0


def _existing(bodies: dict[str, Organisation], calendar: WorkdayCalendar, today: dt.date) -> set[int]:
    """The stories already loaded: online ones by idempotency key, the others by body, day of
    receipt and description (two queries)."""
    keys = {idempotency_key(i) for i, s in enumerate(STORIES) if s.channel == ONLINE}
    online = set(DisclosureRequest.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))
    offline = set(
        DisclosureRequest.objects.filter(
            organisation__in=bodies.values(), idempotency_key__isnull=True, channel__in=services.STAFF_CHANNELS
        ).values_list("organisation_id", "received_on", "description")
    )
    found = set()
    for index, story in enumerate(STORIES):
        if story.channel == ONLINE:
            if idempotency_key(index) in online:
                found.add(index)
        elif (bodies[story.body].pk, _received_on(story, calendar, today), story.description) in offline:
            found.add(index)
    return found


def _load_figures(bodies: dict[str, Organisation], users: dict[str, User], today: dt.date) -> int:
    created = 0
    for (body, year), values in FIGURES.items():
        organisation = bodies[body]
        if year > today.year or AnnualFigures.objects.filter(organisation=organisation, year=year).exists():
            continue
        report_services.annual_figures_save(
            actor=users[HANDLERS[body]], organisation=organisation, year=year, today=today, **values
        )
        created += 1
    return created


def _quiet_old_notifications(users: dict[str, User], made: list[DisclosureRequest]) -> None:
    """The handlers were told of every online submission as the service made it; those of
    requests long closed are marked read, the open ones stay in the bell."""
    closed = {services.desk_url(r) for r in made if r.status not in OPEN_STATUSES} - {""}
    if not closed:
        return
    for user in users.values():
        pks = list(
            Notification.objects.filter(user=user, read_at__isnull=True, url__in=closed).values_list("pk", flat=True)
        )
        if pks:
            notifications_mark_read(user=user, pks=pks)


def load(progress: Progress = lambda _m: None, *, today: dt.date | None = None) -> RequestsResult:
    """Make the missing demo requests and figures; progress gets one summary line.

    today: the day of loading (default: today in Asia/Shanghai); the open requests are dated
    back from it and nothing is dated after it."""
    result = RequestsResult()
    bodies = {o.name: o for o in Organisation.objects.filter(name__in=(CITY, EDU, DACHUAN))}
    usernames = set(HANDLERS.values()) | set(HEADS.values())
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    missing = sorted({CITY, EDU, DACHUAN} - set(bodies)) + sorted(usernames - set(users))
    if missing:
        progress(f"依申请公开示例：未找到{'、'.join(missing)}，跳过。")
        return result
    today = today or timezone.localdate()
    calendar = workdays.calendar()
    with transaction.atomic():
        existing = _existing(bodies, calendar, today)
        steps: list[tuple[dt.date, int, int, Step]] = []
        for index, story in enumerate(STORIES):
            if index in existing:
                continue
            planned = _plan(index, story, calendar, today)
            if planned is None:
                continue
            steps.extend((step.on, index, order, step) for order, step in enumerate(planned))
        desk = Desk(bodies=bodies, users=users)
        # Day by day across all stories, so numbers (申请编号, 文书文号) follow the calendar.
        for _on, _index, _order, step in sorted(steps, key=lambda s: s[:3]):
            step.run(desk)
        result.figures_created = _load_figures(bodies, users, today)
    made = [r for _i, r in sorted(desk.requests.items())]
    for index in desk.requests:
        result.by_body[STORIES[index].body] += 1
    result.requests_created = len(made)
    result.open_created = sum(1 for r in made if r.status in OPEN_STATUSES)
    result.letters_issued = desk.letters
    _quiet_old_notifications(users, made)
    counts = "、".join(f"{name} {result.by_body[name]} 件" for name in (CITY, EDU, DACHUAN) if result.by_body[name])
    progress(
        f"依申请公开示例：新增 {result.requests_created} 件"
        + (f"（{counts}；办理中 {result.open_created} 件，文书 {result.letters_issued} 份）" if counts else "")
        + f"；年报自填数据新增 {result.figures_created} 条。"
    )
    return result
