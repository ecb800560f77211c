from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from gongkai.core import audit, services
from gongkai.core.models import AuditChainHead, AuditRecord
from gongkai.core.tests.fixtures import Tree


def _verify_cli() -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), err.getvalue()
    return 0, out.getvalue()


def test_services_write_chained_records(tree: Tree) -> None:
    services.organisation_update_contact(actor=tree.tc_officer, organisation=tree.tongchuan, phone="0818-2000000")
    rec = AuditRecord.objects.order_by("-seq").first()
    assert rec is not None
    assert rec.action == "organisation.update_contact"
    assert rec.actor == tree.tc_officer
    assert rec.role == "office_officer"
    assert rec.organisation == tree.tongchuan
    assert rec.changes == {"phone": ["", "0818-2000000"]}
    previous = AuditRecord.objects.get(seq=rec.seq - 1)
    assert rec.prev_hash == previous.hash
    assert audit.verify().ok


def test_client_address_is_recorded(tree: Tree) -> None:
    token = audit.client_address.set("203.0.113.9")
    try:
        rec = audit.record(actor=tree.sysadmin, action="test.action", obj=tree.city)
    finally:
        audit.client_address.reset(token)
    rec.refresh_from_db()
    assert rec.client_address == "203.0.113.9"
    assert audit.verify().ok


def test_records_cannot_be_changed_or_deleted_through_the_orm(tree: Tree) -> None:
    rec = AuditRecord.objects.first()
    assert rec is not None
    rec.action = "forged"
    with pytest.raises(PermissionError):
        rec.save()
    with pytest.raises(PermissionError):
        rec.delete()


def test_verify_names_a_row_edited_directly_in_the_database(tree: Tree) -> None:
    assert _verify_cli()[0] == 0
    target = AuditRecord.objects.order_by("seq")[3]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditRecord._meta.db_table} SET object_repr = %s WHERE seq = %s",  # noqa: S608
            ["篡改", target.seq],
        )
    result = audit.verify()
    assert result.broken_seq == target.seq
    assert result.checked == target.seq - 1
    status, message = _verify_cli()
    assert status == 1
    assert f"第 {target.seq} 条记录" in message


def test_verify_detects_a_deleted_row(tree: Tree) -> None:
    target = AuditRecord.objects.order_by("seq")[2]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditRecord._meta.db_table} WHERE seq = %s", [target.seq])  # noqa: S608
    assert audit.verify().broken_seq == target.seq + 1


def test_verify_detects_a_truncated_tail(tree: Tree) -> None:
    last = AuditRecord.objects.order_by("-seq").first()
    assert last is not None
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditRecord._meta.db_table} WHERE seq = %s", [last.seq])  # noqa: S608
    result = audit.verify()
    assert not result.ok
    assert result.broken_seq == last.seq
    assert AuditChainHead.objects.get().last_seq == last.seq


def test_a_recomputed_hash_still_breaks_the_link_to_the_next_record(tree: Tree) -> None:
    # A forger who rewrites a record and its own hash still breaks the next link.
    target = AuditRecord.objects.order_by("seq")[1]
    forged = AuditRecord.objects.get(pk=target.pk)
    forged.object_repr = "篡改"
    new_hash = audit._digest(forged)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditRecord._meta.db_table} SET object_repr = %s, hash = %s WHERE seq = %s",  # noqa: S608
            ["篡改", new_hash, target.seq],
        )
    assert audit.verify().broken_seq == target.seq + 1
