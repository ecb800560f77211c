"""The fixed vocabularies of the request desk, in the words of the 条例 and the annual report."""

from django.db import models


class RequesterType(models.TextChoices):
    """The requester columns of annual-report table III."""

    NATURAL_PERSON = "natural_person", "自然人"
    COMMERCIAL = "commercial", "商业企业"
    RESEARCH = "research", "科研机构"
    PUBLIC_INTEREST = "public_interest", "社会公益组织"
    LEGAL_SERVICE = "legal_service", "法律服务机构"
    OTHER = "other", "其他"


class IdType(models.TextChoices):
    ID_CARD = "id_card", "居民身份证"
    PASSPORT = "passport", "护照"
    HK_MACAO_TAIWAN = "hmt_permit", "港澳台居民来往内地通行证"
    CREDIT_CODE = "credit_code", "统一社会信用代码"
    OTHER = "other", "其他证件"


class Channel(models.TextChoices):
    """条例第二十九条: the ways a request arrives."""

    ONLINE = "online", "网上申请"
    IN_PERSON = "in_person", "当面申请"
    LETTER = "letter", "信函申请"
    FAX = "fax", "传真申请"
    EMAIL = "email", "电子邮件"
    ORAL = "oral", "口头申请"


class DeliveryForm(models.TextChoices):
    PAPER = "paper", "纸质"
    ELECTRONIC = "electronic", "电子文本"
    OTHER = "other", "其他"


class RequestStatus(models.TextChoices):
    REGISTERED = "registered", "已登记"
    CORRECTION_REQUESTED = "correction_requested", "待补正"
    ABANDONED = "abandoned", "视为放弃"
    IN_HANDLING = "in_handling", "办理中"
    PAUSED = "paused", "征求意见中"
    REPLIED = "replied", "已答复"
    CLOSED = "closed", "已办结"
    WITHDRAWN = "withdrawn", "已撤回"


#: The statuses in which the reply period runs (or is paused): deadlines are kept current.
OPEN_STATUSES = (
    RequestStatus.REGISTERED,
    RequestStatus.CORRECTION_REQUESTED,
    RequestStatus.IN_HANDLING,
    RequestStatus.PAUSED,
)


class ResultCode(models.TextChoices):
    """The rows of annual-report table III, 三、本年度办理结果 (2021 format)."""

    DISCLOSED = "disclosed", "予以公开"
    PARTLY_DISCLOSED = "partly_disclosed", "部分公开"
    WITHHELD_1 = "withheld_1", "不予公开-属于国家秘密"
    WITHHELD_2 = "withheld_2", "不予公开-其他法律行政法规禁止公开"
    WITHHELD_3 = "withheld_3", "不予公开-危及“三安全一稳定”"
    WITHHELD_4 = "withheld_4", "不予公开-保护第三方合法权益"
    WITHHELD_5 = "withheld_5", "不予公开-属于三类内部事务信息"
    WITHHELD_6 = "withheld_6", "不予公开-属于四类过程性信息"
    WITHHELD_7 = "withheld_7", "不予公开-属于行政执法案卷"
    WITHHELD_8 = "withheld_8", "不予公开-属于行政查询事项"
    CANNOT_PROVIDE_1 = "cannot_provide_1", "无法提供-本机关不掌握相关政府信息"
    CANNOT_PROVIDE_2 = "cannot_provide_2", "无法提供-没有现成信息需要另行制作"
    CANNOT_PROVIDE_3 = "cannot_provide_3", "无法提供-补正后申请内容仍不明确"
    NOT_PROCESSED_1 = "not_processed_1", "不予处理-信访举报投诉类申请"
    NOT_PROCESSED_2 = "not_processed_2", "不予处理-重复申请"
    NOT_PROCESSED_3 = "not_processed_3", "不予处理-要求提供公开出版物"
    NOT_PROCESSED_4 = "not_processed_4", "不予处理-无正当理由大量反复申请"
    NOT_PROCESSED_5 = "not_processed_5", "不予处理-要求行政机关确认或重新出具已获取信息"
    OTHER_1 = "other_1", "其他处理-申请人无正当理由逾期不补正"
    OTHER_2 = "other_2", "其他处理-申请人逾期未按收费通知要求缴纳费用"
    OTHER_3 = "other_3", "其他处理-其他"


#: 办理结果 in the ledger, by the prefix of the result code.
RESULT_GROUPS = {
    "disclosed": "予以公开",
    "partly_disclosed": "部分公开",
    "withheld": "不予公开",
    "cannot_provide": "无法提供",
    "not_processed": "不予处理",
    "other": "其他处理",
}


def result_group(code: str) -> str:
    """ "withheld_3" → "不予公开"; "" → ""."""
    if not code:
        return ""
    return RESULT_GROUPS[code.rsplit("_", 1)[0] if code[-1].isdigit() else code]


def result_subrow(code: str) -> str:
    """ "withheld_3" → "不予公开-3"; "disclosed" or "" → ""."""
    if not code or not code[-1].isdigit():
        return ""
    prefix, n = code.rsplit("_", 1)
    return f"{RESULT_GROUPS[prefix]}-{n}"


class EventKind(models.TextChoices):
    CORRECTION_REQUESTED = "correction_requested", "发出补正通知"
    CORRECTION_RECEIVED = "correction_received", "收到补正申请"
    PAUSE_STARTED = "pause_started", "开始征求意见"
    PAUSE_ENDED = "pause_ended", "征求意见结束"
    EXTENSION_APPROVED = "extension_approved", "批准延期答复"
    REPLY = "reply", "答复"
    ABANDONED = "abandoned", "视为放弃申请"
    WITHDRAWN = "withdrawn", "申请人撤回"
    SUBMITTED_ONLINE = "submitted_online", "网上提交申请"
    ASSIGNED = "assigned", "分配承办人"
    CUSTOM_PERIOD_SET = "custom_period_set", "确定合理答复期限"
    FEE_NOTICE_ISSUED = "fee_notice_issued", "发出收费通知"
    FEE_PAID = "fee_paid", "缴纳信息处理费"
    FEE_LAPSED = "fee_lapsed", "逾期未缴费视为放弃"
    RELEASED_TO_ITEM = "released_to_item", "转为主动公开"
    CLOSED = "closed", "办结归档"


class PauseKind(models.TextChoices):
    THIRD_PARTY = "third_party", "征求第三方意见（条例第三十二条）"
    OTHER_BODY = "other_body", "征求其他机关意见（条例第三十四条）"


class ReviewKind(models.TextChoices):
    """Annual-report table IV columns."""

    RECONSIDERATION = "reconsideration", "行政复议"
    DIRECT_SUIT = "direct_suit", "直接起诉"
    SUIT_AFTER_RECONSIDERATION = "suit_after_reconsideration", "复议后起诉"


class ReviewOutcome(models.TextChoices):
    UPHELD = "upheld", "维持"
    CORRECTED = "corrected", "纠正"
    OTHER = "other", "其他"
    PENDING = "pending", "尚未审结"


REQUESTER_LEDGER = {c.value: c.label for c in RequesterType}
CHANNEL_LEDGER = {c.value: c.label for c in Channel}
