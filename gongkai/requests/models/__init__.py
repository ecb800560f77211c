"""Disclosure on request (依申请公开): requests, their timeline and reviews.

Depends on core (organisations, users), publishing (the draft item of 条例第四十四条) and
screening (masking); nothing in core, publishing or screening depends on it.
"""

from .choices import (
    CHANNEL_LEDGER,
    OPEN_STATUSES,
    REQUESTER_LEDGER,
    Channel,
    DeliveryForm,
    EventKind,
    IdType,
    PauseKind,
    RequesterType,
    RequestStatus,
    ResultCode,
    ReviewKind,
    ReviewOutcome,
    result_group,
    result_subrow,
)
from .desk import (
    ATTACHMENT_MAX_BYTES,
    DeskSettings,
    FeeNotice,
    FeeNoticeStatus,
    ReminderKind,
    ReminderSent,
    RequestAttachment,
)
from .letters import Letter, LetterKind, LetterSeries, LetterTemplate, ReplyGroup  # noqa: F401
from .requests import DisclosureRequest, RequestEvent, ReviewRecord, new_tracking_code

__all__ = [
    "ATTACHMENT_MAX_BYTES",
    "CHANNEL_LEDGER",
    "OPEN_STATUSES",
    "REQUESTER_LEDGER",
    "Channel",
    "DeliveryForm",
    "DeskSettings",
    "DisclosureRequest",
    "EventKind",
    "FeeNotice",
    "FeeNoticeStatus",
    "IdType",
    "PauseKind",
    "ReminderKind",
    "ReminderSent",
    "RequestAttachment",
    "RequestEvent",
    "RequestStatus",
    "RequesterType",
    "ResultCode",
    "ReviewKind",
    "ReviewOutcome",
    "ReviewRecord",
    "new_tracking_code",
    "result_group",
    "result_subrow",
]
