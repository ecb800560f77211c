"""Disclosure on request (依申请公开): requests, their timeline and reviews.

Depends on core (organisations, users); nothing in core, publishing or screening depends on it.
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
from .requests import DisclosureRequest, RequestEvent, ReviewRecord, new_tracking_code

__all__ = [
    "CHANNEL_LEDGER",
    "OPEN_STATUSES",
    "REQUESTER_LEDGER",
    "Channel",
    "DeliveryForm",
    "DisclosureRequest",
    "EventKind",
    "IdType",
    "PauseKind",
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
