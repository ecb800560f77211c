"""The letter pages: downloads, the office's templates, the series prefix, issuing from the desk."""

import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, include, path, reverse
from django.utils import timezone
from docx import Document

from gongkai.config import urls as root_urls
from gongkai.core.models import Role
from gongkai.core.tests.factories import make_user
from gongkai.requests import letter_services, letter_urls
from gongkai.requests.letters import docx_text
from gongkai.requests.models import Letter, LetterKind, LetterSeries, LetterTemplate, ResultCode

from .factories import TODAY, desk, make_request

# The desk includes letter_urls under staff/requests/ in its own namespace; any name will do.
urlpatterns: list[URLPattern | URLResolver] = [
    path("staff/requests/", include((letter_urls.urlpatterns, "desk"), namespace="desk")),
    *root_urls.urlpatterns,
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def url(name: str, *args: Any) -> str:
    return reverse(f"desk:{name}", args=args)


def docx_bytes(*paragraphs: str) -> bytes:
    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def upload(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def setup() -> dict[str, Any]:
    org, officer, head = desk("达州市人民政府办公室")
    req = make_request(org, officer, requester_name="王小明")
    letter = letter_services.letter_issue(
        actor=officer, request=req, kind=LetterKind.REPLY, result_code=ResultCode.DISCLOSED, today=TODAY
    )
    return {"org": org, "officer": officer, "head": head, "req": req, "letter": letter}


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- downloads -----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(setup: dict[str, Any]) -> None:
    for target in (
        url("letter_download", setup["letter"].pk, "pdf"),
        url("request_letters", setup["req"].pk),
        url("letter_template_list", setup["org"].pk),
    ):
        response = Client().get(target)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("staff:login"))


@pytest.mark.parametrize(("fmt", "magic", "ctype"), [("docx", b"PK", "wordprocessingml"), ("pdf", b"%PDF", "pdf")])
def test_officer_downloads_both_files(setup: dict[str, Any], fmt: str, magic: bytes, ctype: str) -> None:
    response = client_for(setup["officer"]).get(url("letter_download", setup["letter"].pk, fmt))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body.startswith(magic)
    assert ctype in response["Content-Type"]
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"


def test_other_body_gets_404(setup: dict[str, Any]) -> None:
    _org, other_officer, _ = desk()
    client = client_for(other_officer)
    assert client.get(url("letter_download", setup["letter"].pk, "docx")).status_code == 404
    assert client.get(url("request_letters", setup["req"].pk)).status_code == 404
    assert client.get(url("letter_template_list", setup["org"].pk)).status_code == 404
    assert client.get(url("letter_series_edit", setup["org"].pk)).status_code == 404


def test_editor_of_the_same_body_gets_404(setup: dict[str, Any]) -> None:
    editor = make_user(org=setup["org"], role=Role.EDITOR)
    assert client_for(editor).get(url("letter_download", setup["letter"].pk, "pdf")).status_code == 404


def test_unknown_format_is_404(setup: dict[str, Any]) -> None:
    assert client_for(setup["officer"]).get(url("letter_download", setup["letter"].pk, "html")).status_code == 404


# --- the request's letters ---------------------------------------------------------------------


def test_request_letters_lists_and_issues(setup: dict[str, Any], django_assert_num_queries: Any) -> None:
    client = client_for(setup["officer"])
    letter_services.letter_issue(
        actor=setup["officer"],
        request=setup["req"],
        kind=LetterKind.CORRECTION,
        extra={"correction_items": "写明文号"},
        today=TODAY,
    )
    target = url("request_letters", setup["req"].pk)
    client.get(target)  # warm the session and role caches
    # session, user, roles, request, letters (+ issued_by), series (prefix), series (next number)
    with django_assert_num_queries(7):
        response = client.get(target)
    assert response.status_code == 200
    html = response.content.decode()
    assert setup["letter"].number in html
    assert html.count("/pdf/") == 2

    response = client.post(
        target,
        {"kind": LetterKind.REPLY, "result_code": ResultCode.WITHHELD_4},
        follow=True,
    )
    assert response.status_code == 200
    issued = Letter.objects.filter(request=setup["req"]).order_by("-pk").first()
    assert issued is not None and issued.result_code == ResultCode.WITHHELD_4
    assert issued.number in response.content.decode()
    with issued.docx.open("rb") as fh:
        assert "第十五条" in docx_text(fh.read())


def test_issue_form_requires_the_fields_of_the_kind(setup: dict[str, Any]) -> None:
    client = client_for(setup["officer"])
    before = Letter.objects.count()
    for data, message in (
        ({"kind": LetterKind.REPLY}, "答复书须选择办理结果"),
        ({"kind": LetterKind.CORRECTION}, "请写明需要补正的事项"),
        ({"kind": LetterKind.FEE, "fee_method": "by_item", "fee_pages": "40"}, "按件计收请填写件数"),
        ({"kind": LetterKind.THIRD_PARTY}, "请填写第三方名称"),
    ):
        response = client.post(url("request_letters", setup["req"].pk), data)
        assert response.status_code == 200
        assert message in response.content.decode()
    assert Letter.objects.count() == before


# --- templates ---------------------------------------------------------------------------------


def test_template_list_query_count(setup: dict[str, Any], django_assert_num_queries: Any) -> None:
    org, officer = setup["org"], setup["officer"]
    for kind, group in ((LetterKind.CORRECTION, ""), (LetterKind.REPLY, "withheld")):
        letter_services.letter_template_save(
            actor=officer, organisation=org, kind=kind, result_group=group, data=docx_bytes("{{ number }}")
        )
    client = client_for(officer)
    target = url("letter_template_list", org.pk)
    client.get(target)
    # session, user, roles, organisation, templates (+ updated_by)
    with django_assert_num_queries(5):
        response = client.get(target)
    html = response.content.decode()
    assert html.count("上传新模板") == 10
    assert html.count("恢复默认<") == 2
    assert "{{ requester_name }}" in html  # the placeholder list


def test_template_download_gives_the_default_then_the_office_copy(setup: dict[str, Any]) -> None:
    client = client_for(setup["officer"])
    target = url("letter_template_download", setup["org"].pk, "reply_withheld")
    default = client.get(target)
    assert default.status_code == 200
    assert "{{ articles }}" in docx_text(default.content)
    letter_services.letter_template_save(
        actor=setup["officer"],
        organisation=setup["org"],
        kind=LetterKind.REPLY,
        result_group="withheld",
        data=docx_bytes("本机关专用 {{ number }}"),
    )
    assert "本机关专用" in docx_text(client.get(target).content)
    assert client.get(url("letter_template_download", setup["org"].pk, "nonsense")).status_code == 404


def test_upload_refuses_non_docx_and_broken_tags(setup: dict[str, Any]) -> None:
    client = client_for(setup["officer"])
    target = url("letter_template_upload", setup["org"].pk, "correction")
    response = client.post(target, {"file": upload("x.docx", b"just text")})
    assert response.status_code == 200
    assert "不是 Word 文档" in response.content.decode()
    response = client.post(target, {"file": upload("x.docx", docx_bytes("{{ number"))})
    assert response.status_code == 200
    assert "模板中的占位符有误" in response.content.decode()
    assert not LetterTemplate.objects.exists()


def test_upload_then_reset(setup: dict[str, Any]) -> None:
    client = client_for(setup["officer"])
    org = setup["org"]
    response = client.post(
        url("letter_template_upload", org.pk, "correction"),
        {"file": upload("我的补正.docx", docx_bytes("{{ org_name }}补正 {{ number }}"))},
    )
    assert response.status_code == 302
    template = LetterTemplate.objects.get(organisation=org, kind=LetterKind.CORRECTION)
    assert template.original_name == "我的补正.docx" and template.updated_by == setup["officer"]
    assert client.get(url("letter_template_reset", org.pk, "correction")).status_code == 405
    response = client.post(url("letter_template_reset", org.pk, "correction"))
    assert response.status_code == 302
    assert not LetterTemplate.objects.exists()


# --- series and the overview -------------------------------------------------------------------


def test_series_prefix_form(setup: dict[str, Any]) -> None:
    client = client_for(setup["head"])
    target = url("letter_series_edit", setup["org"].pk)
    response = client.get(target)
    assert response.status_code == 200
    response = client.post(target, {"number_prefix": "达市府办〔信复〕"})
    assert response.status_code == 200 and "不要包含空格、括号或斜杠" in response.content.decode()
    response = client.post(target, {"number_prefix": "达市府办信复"}, follow=True)
    assert "达市府办信复〔" in response.content.decode()
    prefixes = dict(LetterSeries.objects.filter(organisation=setup["org"]).values_list("year", "prefix"))
    # the series of this year takes the new prefix; numbers already issued (setup's, in 2025) keep theirs
    assert prefixes[timezone.localdate().year] == "达市府办信复"
    assert prefixes[TODAY.year] == "达州市人民政府办公室信复"
    assert setup["letter"].number == "达州市人民政府办公室信复〔2025〕1号"


def test_letter_home_lists_handled_bodies(setup: dict[str, Any], django_assert_num_queries: Any) -> None:
    client = client_for(setup["officer"])
    target = url("letter_home")
    client.get(target)
    # session, user, roles, organisations
    with django_assert_num_queries(4):
        response = client.get(target)
    assert setup["org"].name in response.content.decode()
