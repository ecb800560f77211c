"""The annual report's staff pages: scope, CSRF, saving, publishing, downloads, query counts."""

import json

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gongkai.core.models import Role
from gongkai.core.tests.factories import make_org, make_user
from gongkai.publishing.models import InfoItem, ItemState
from gongkai.publishing.tests.factories import make_desk
from gongkai.reports import services
from gongkai.reports.models import AnnualFigures, AnnualReport
from gongkai.reports.tests.factories import import_ledger, office
from gongkai.requests.models import DisclosureRequest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-01-15 10:00 +0800", tick=False):
        yield


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _detail(org_id: int, year: int = 2025) -> str:
    return reverse("reports:annual_detail", args=[org_id, year])


def test_index_lists_the_bodies_in_scope(django_assert_num_queries) -> None:
    orgs = [make_org(f"测试局{n}") for n in range(3)]
    head = make_user(org=orgs[0], role=Role.OFFICE_HEAD, descendants=True)
    for org in orgs[1:]:
        from gongkai.core import services as core_services

        core_services.role_grant(actor=None, user=head, organisation=org, role=Role.OFFICE_HEAD)
    client = _client(head)
    client.get(reverse("reports:annual_index"))  # warm the session
    # session, user, role assignments, count, bodies page, saved reports (the site comes from
    # the per-process copy, core.sitecache)
    with django_assert_num_queries(6):
        page = client.get(reverse("reports:annual_index"))
    assert page.status_code == 200
    for org in orgs:
        assert org.name in page.content.decode()
    other = make_org("别的局")
    assert "别的局" not in page.content.decode()
    assert client.get(reverse("reports:annual_index"), {"org": str(other.pk), "year": "2025"}).status_code == 404
    chosen = client.get(reverse("reports:annual_index"), {"org": str(orgs[1].pk), "year": "2024", "departments": "1"})
    assert chosen.status_code == 302
    assert chosen["Location"] == _detail(orgs[1].pk, 2024) + "?departments=1"


def test_detail_shows_figures_and_checks(django_assert_num_queries) -> None:
    org = make_org("达州市测试局")
    import_ledger(org)
    client = _client(office(org))
    client.get(_detail(org.pk))
    # session, user, roles, body, report row, 7 to compute, children
    with django_assert_num_queries(13):
        page = client.get(_detail(org.pk))
    html = page.content.decode()
    assert page.status_code == 200
    assert "全部 49 项核对通过" in html
    assert "2026年1月31日前（条例第四十九条）" in html
    assert "<td>23</td>" in html
    assert "送审发布" in html


def test_out_of_scope_or_wrong_role_is_404_and_anonymous_goes_to_login() -> None:
    org, other = make_org(), make_org()
    urls = [
        _detail(org.pk),
        reverse("reports:annual_figures_edit", args=[org.pk, 2025]),
        reverse("reports:annual_download", args=[org.pk, 2025, "json"]),
    ]
    for user in (office(other), make_user(org=org, role=Role.EDITOR), make_user(org=org, role=Role.SUPERVISOR)):
        client = _client(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(reverse("reports:annual_publish", args=[org.pk, 2025])).status_code == 404
    anonymous = Client().get(urls[0])
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("staff:login"))


def test_post_without_csrf_token_is_refused() -> None:
    org = make_org()
    client = Client(enforce_csrf_checks=True)
    client.force_login(office(org))
    assert client.post(_detail(org.pk), {"overview": "x"}).status_code == 403
    assert not AnnualReport.objects.exists()


def test_texts_are_saved_and_escaped() -> None:
    org = make_org()
    client = _client(office(org))
    response = client.post(_detail(org.pk), {"overview": "<script>alert(1)</script>总体情况。", "version": ""})
    assert response.status_code == 302
    report = AnnualReport.objects.get(organisation=org, year=2025)
    assert report.texts["overview"] == "<script>alert(1)</script>总体情况。"
    html = client.get(_detail(org.pk)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;总体情况。" in html
    published_body = client.get(reverse("reports:annual_download", args=[org.pk, 2025, "html"])).content.decode()
    assert "<script>alert(1)" not in published_body


def test_publish_refused_with_a_failing_check_names_the_cell() -> None:
    org = make_org()
    import_ledger(org)
    DisclosureRequest.objects.filter(organisation=org, number="B01").update(result_code="")
    client = _client(office(org))
    page = client.get(_detail(org.pk)).content.decode()
    assert "表三 第三行第（七）项 自然人列" in page
    assert "核对未通过，不能发布" in page
    response = client.post(reverse("reports:annual_publish", args=[org.pk, 2025]), follow=True)
    assert "年度报告未通过核对，不能发布：表三 第三行第（七）项 自然人列" in response.content.decode()
    assert not InfoItem.objects.filter(organisation=org).exists()


def test_publish_sends_the_report_into_review() -> None:
    org = make_org("达州市测试局")
    make_desk(org, "v")
    import_ledger(org)
    client = _client(office(org))
    response = client.post(reverse("reports:annual_publish", args=[org.pk, 2025]), follow=True)
    assert "已送审" in response.content.decode()
    item = InfoItem.objects.get(organisation=org)
    assert item.state == ItemState.IN_REVIEW
    assert item.column.key == "annual_report"
    page = client.get(_detail(org.pk)).content.decode()
    assert "已送审（审核中）" in page
    assert "保存文字部分" not in page
    assert "<h3>五、存在的主要问题及改进情况</h3>" in page


def test_downloads() -> None:
    org = make_org()
    import_ledger(org)
    client = _client(office(org))
    data = json.loads(client.get(reverse("reports:annual_download", args=[org.pk, 2025, "json"])).content)
    assert data["table3"]["new"]["total"] == 23
    for fmt, kind in (("docx", "wordprocessingml"), ("xlsx", "spreadsheetml")):
        response = client.get(reverse("reports:annual_download", args=[org.pk, 2025, fmt]))
        assert response.status_code == 200
        assert kind in response["Content-Type"]
        assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
        assert response.content[:2] == b"PK"
    assert client.get(reverse("reports:annual_download", args=[org.pk, 2025, "pdf"])).status_code == 404
    assert client.get(reverse("reports:annual_download", args=[org.pk, 2027, "json"])).status_code == 404


def test_future_year_page_is_refused_with_a_message() -> None:
    org = make_org()
    response = _client(office(org)).get(_detail(org.pk, 2027))
    assert response.status_code == 404
    assert "2027年度尚未到来" in response.content.decode()


def test_figures_form_and_csv_import() -> None:
    org = make_org()
    client = _client(office(org))
    url = reverse("reports:annual_figures_edit", args=[org.pk, 2025])
    bad = client.post(url, {"licensing_decisions": "-1", "penalty_decisions": "1", "enforcement_decisions": "0"})
    assert bad.status_code == 200
    assert not AnnualFigures.objects.exists()
    ok = client.post(
        url,
        {"licensing_decisions": "4", "penalty_decisions": "1", "enforcement_decisions": "0", "fee_amount": "0.5"},
    )
    assert ok.status_code == 302
    assert AnnualFigures.objects.get(organisation=org, year=2025).licensing_decisions == 4
    header = ",".join(services.FIGURES_CSV_COLUMNS)
    upload = SimpleUploadedFile("f.csv", f"{header}\n{org.pk},2025,x,1,1,1,,\n".encode())
    page = client.post(reverse("reports:annual_figures_import"), {"file": upload}).content.decode()
    assert "第2行“行政许可处理决定数”：“x”应为非负整数。" in page
    upload = SimpleUploadedFile("f.csv", f"{header}\n{org.pk},2025,9,1,1,1,,\n".encode())
    assert client.post(reverse("reports:annual_figures_import"), {"file": upload}).status_code == 302
    assert AnnualFigures.objects.get(organisation=org, year=2025).licensing_decisions == 9
    editor = _client(make_user(org=org, role=Role.EDITOR))
    assert editor.get(reverse("reports:annual_figures_import")).status_code == 403
