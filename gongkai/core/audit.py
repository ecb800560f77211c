"""The audit trail (条例第四十五条 asks for a complete trail of requests; the platform
keeps one for every state change).

`record()` is called by services inside their transaction. Each record holds the hash
of the previous one; `verify()` walks the chain and names the first broken record.
"""

import hashlib
import json
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditRecord, Organisation, User

GENESIS_HASH = "0" * 64

# The client address of the request being served, set by ClientAddressMiddleware.
client_address: ContextVar[str] = ContextVar("gongkai_client_address", default="")


def _digest(record: AuditRecord) -> str:
    created = record.created_at.astimezone(UTC).isoformat(timespec="microseconds")
    payload = [
        record.seq,
        created,
        record.actor_id,
        record.actor_name,
        record.role,
        record.organisation_id,
        record.organisation_name,
        record.action,
        record.object_type,
        record.object_id,
        record.object_repr,
        record.changes,
        record.client_address,
        record.prev_hash,
    ]
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain(changes: dict[str, Any]) -> dict[str, Any]:
    # Store exactly what JSON gives back, so the hash is the same after a round trip.
    result: dict[str, Any] = json.loads(json.dumps(changes, cls=DjangoJSONEncoder, ensure_ascii=False))
    return result


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """A before→after summary of the fields that changed."""
    return {k: [before.get(k), after.get(k)] for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}


def record(
    *,
    actor: User | None,
    action: str,
    role: str = "",
    organisation: Organisation | None = None,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    actor_name: str = "",
) -> AuditRecord:
    """Append one record to the chain. Must run inside the caller's transaction."""
    with transaction.atomic():
        # Locking the head row orders the writers. Migration 0002 creates it; a flushed
        # database (`gongkai flush`, transactional tests) gets it back here.
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            try:
                with transaction.atomic():
                    AuditChainHead.objects.create(pk=1)
            except IntegrityError:
                pass  # another writer created it first
            head = AuditChainHead.objects.select_for_update().get(pk=1)
        rec = AuditRecord(
            seq=head.last_seq + 1,
            created_at=timezone.now(),
            actor=actor,
            actor_name=actor_name or (actor.get_username() if actor is not None else "system"),
            role=str(role),
            organisation=organisation,
            organisation_name=organisation.name if organisation is not None else "",
            action=action,
            object_type=obj._meta.label if obj is not None else "",
            object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
            object_repr=str(obj)[:200] if obj is not None else "",
            changes=_plain(changes or {}),
            client_address=client_address.get(),
            prev_hash=head.last_hash,
        )
        rec.hash = _digest(rec)
        rec.save()
        head.last_seq = rec.seq
        head.last_hash = rec.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return rec


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    broken_seq: int | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def _records() -> Iterator[AuditRecord]:
    return AuditRecord.objects.order_by("seq").iterator(chunk_size=2000)


def verify() -> VerifyResult:
    """Walk the chain from the first record; stop at the first that does not fit."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for rec in _records():
        if rec.seq != expected_seq:
            return VerifyResult(checked, rec.seq, f"序号不连续：缺少第 {expected_seq} 条记录（可能已被删除）")
        if rec.prev_hash != expected_prev:
            return VerifyResult(checked, rec.seq, "前一条记录的哈希不符（前一条记录被修改或删除）")
        if _digest(rec) != rec.hash:
            return VerifyResult(checked, rec.seq, "记录内容与其哈希不符（记录被修改）")
        expected_prev = rec.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != checked or head.last_hash != expected_prev):
        return VerifyResult(
            checked, checked + 1, f"链头记录第 {head.last_seq} 条，但只找到 {checked} 条（末尾记录被删除）"
        )
    return VerifyResult(checked, None, "")
