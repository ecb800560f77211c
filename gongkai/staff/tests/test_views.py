"""The staff workspace and the admin, as users in different bodies see them."""

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.core.models import AuditRecord, Organisation, User
from gongkai.core.tests.factories import PASSWORD
from gongkai.core.tests.fixtures import Tree


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def test_login_page_and_audited_login_failure_and_logout(client: Client, tree: Tree) -> None:
    page = client.get(reverse("staff:login"))
    assert "工作人员登录" in page.content.decode()
    client.post(reverse("staff:login"), {"username": "tc_editor", "password": "wrong"})
    assert AuditRecord.objects.filter(action="auth.login_failed", actor_name="tc_editor").exists()
    response = client.post(reverse("staff:login"), {"username": "tc_editor", "password": PASSWORD})
    assert response.status_code == 302
    assert AuditRecord.objects.filter(action="auth.login", actor=tree.tc_editor).exists()
    client.post(reverse("staff:logout"))
    assert AuditRecord.objects.filter(action="auth.logout", actor=tree.tc_editor).exists()


def test_anonymous_is_sent_to_login(client: Client, tree: Tree) -> None:
    for name, args in [
        ("staff:home", []),
        ("staff:organisation_list", []),
        ("staff:audit_list", []),
        ("staff:organisation_detail", [tree.city.pk]),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302
        assert reverse("staff:login") in response["Location"]


def test_tongchuan_editor_lists_only_tongchuan(client: Client, tree: Tree) -> None:
    body = login(client, tree.tc_editor).get(reverse("staff:organisation_list")).content.decode()
    assert "达州市通川区教育局" in body
    assert "达川区" not in body
    assert f'href="/staff/orgs/{tree.city.pk}/"' not in body
    assert f'href="/staff/orgs/{tree.tongchuan.pk}/"' in body


@pytest.mark.parametrize("name", ["staff:organisation_detail", "staff:organisation_contact_edit"])
def test_tongchuan_users_cannot_open_dachuan(client: Client, tree: Tree, name: str) -> None:
    for user in (tree.tc_editor, tree.tc_officer):
        response = login(client, user).get(reverse(name, args=[tree.dachuan.pk]))
        assert response.status_code == 404


def test_tongchuan_officer_cannot_change_dachuan_by_post(client: Client, tree: Tree) -> None:
    response = login(client, tree.tc_officer).post(
        reverse("staff:organisation_contact_edit", args=[tree.dachuan.pk]), {"phone": "0818-6666666"}
    )
    assert response.status_code == 404
    assert Organisation.objects.get(pk=tree.dachuan.pk).phone == ""


def test_editor_may_read_but_not_edit_contact(client: Client, tree: Tree) -> None:
    login(client, tree.tc_editor)
    assert client.get(reverse("staff:organisation_detail", args=[tree.tongchuan.pk])).status_code == 200
    response = client.post(reverse("staff:organisation_contact_edit", args=[tree.tongchuan.pk]), {"phone": "1"})
    assert response.status_code == 403
    assert Organisation.objects.get(pk=tree.tongchuan.pk).phone == ""


def test_officer_edits_contact_through_the_service(client: Client, tree: Tree) -> None:
    login(client, tree.dc_officer)
    url = reverse("staff:organisation_contact_edit", args=[tree.dachuan.pk])
    bad = client.post(url, {"postcode": "63500X", "email": "x"})
    assert "邮政编码应为6位数字" in bad.content.decode()
    ok = client.post(url, {"office_name": "达川区政府办公室", "phone": "0818-2345678", "postcode": "635000"})
    assert ok.status_code == 302
    org = Organisation.objects.get(pk=tree.dachuan.pk)
    assert (org.phone, org.postcode) == ("0818-2345678", "635000")
    record = AuditRecord.objects.order_by("-seq").first()
    assert record is not None
    assert record.action == "organisation.update_contact"
    assert record.client_address == "127.0.0.1"


def test_audit_list_only_for_audit_admin(client: Client, tree: Tree) -> None:
    assert login(client, tree.sysadmin).get(reverse("staff:audit_list")).status_code == 403
    response = login(client, tree.auditor).get(reverse("staff:audit_list"), {"action": "role."})
    assert response.status_code == 200
    assert "role.grant" in response.content.decode()


def test_organisation_list_query_count_is_fixed(client: Client, tree: Tree, django_assert_max_num_queries) -> None:
    login(client, tree.supervisor)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("staff:organisation_list"))
    assert "石桥镇花红村村民委员会" in response.content.decode()


class TestAdminScope:
    def test_audit_admin_sees_audit_but_not_organisations(self, client: Client, tree: Tree) -> None:
        login(client, tree.auditor)
        assert client.get("/admin/core/auditrecord/").status_code == 200
        assert client.get("/admin/core/organisation/").status_code == 403

    def test_county_officer_has_no_admin_access_to_other_county(self, client: Client, tree: Tree) -> None:
        login(client, tree.tc_officer)
        assert client.get(f"/admin/core/organisation/{tree.dachuan.pk}/change/").status_code in (302, 403, 404)

    def test_system_admin_cannot_change_audit_records(self, client: Client, tree: Tree) -> None:
        login(client, tree.sysadmin)
        record = AuditRecord.objects.first()
        assert record is not None
        assert client.get(f"/admin/core/auditrecord/{record.pk}/change/").status_code == 403
        assert client.post(f"/admin/core/auditrecord/{record.pk}/delete/").status_code == 403

    def test_system_admin_edits_contact_through_admin_and_it_is_audited(self, client: Client, tree: Tree) -> None:
        login(client, tree.sysadmin)
        url = f"/admin/core/organisation/{tree.dachuan.pk}/change/"
        assert client.get(url).status_code == 200
        response = client.post(
            url,
            {
                "office_name": "达川区政府办",
                "phone": "0818-1111111",
                "address": "",
                "office_hours": "",
                "fax": "",
                "email": "",
                "postcode": "",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        assert Organisation.objects.get(pk=tree.dachuan.pk).phone == "0818-1111111"
        assert AuditRecord.objects.filter(action="organisation.update_contact", actor=tree.sysadmin).exists()


def test_login_is_refused_after_repeated_failures(client: Client, tree: Tree) -> None:
    for _ in range(5):
        client.post(reverse("staff:login"), {"username": "tc_editor", "password": "wrong"})
    response = client.post(reverse("staff:login"), {"username": "tc_editor", "password": PASSWORD})
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()
    other = client.post(reverse("staff:login"), {"username": "dc_officer", "password": PASSWORD})
    assert other.status_code == 302


def test_county_security_admin_sees_and_grants_only_in_the_county(client: Client, tree: Tree) -> None:
    from gongkai.core.models import Role, RoleAssignment
    from gongkai.core.tests.factories import make_user

    dc_sec = make_user("dc_sec", org=tree.dachuan, role=Role.SECURITY_ADMIN, descendants=True)
    newcomer = make_user("newcomer")
    login(client, dc_sec)
    listing = client.get("/admin/core/roleassignment/").content.decode()
    assert "dc_officer" in listing
    assert "tc_editor" not in listing
    before = RoleAssignment.objects.count()
    refused = client.post(
        "/admin/core/roleassignment/add/",
        {"user": newcomer.pk, "organisation": tree.tongchuan.pk, "role": "editor"},
    )
    assert refused.status_code == 200  # the form refuses a body outside the scope
    assert "选择一个有效的选项" in refused.content.decode()
    assert RoleAssignment.objects.count() == before
    granted = client.post(
        "/admin/core/roleassignment/add/",
        {"user": newcomer.pk, "organisation": tree.dachuan_dept.pk, "role": "editor"},
    )
    assert granted.status_code == 302
    assert RoleAssignment.objects.filter(user=newcomer, organisation=tree.dachuan_dept).exists()
