"""Writes of the request desk's letters: issuing a numbered letter, the office's templates and
the prefix of its letter series. Each function is one complete state change with its audit
record; nothing personal (the requester's name, address, the letter's text) goes into the audit.

Numbers: one series per body and year (LetterSeries), taken under select_for_update, so two
handlers issuing at once on PostgreSQL never get the same number; a new year starts at 1 and
keeps the prefix last set. Files are stored under MEDIA_ROOT (letters/<year>/, letter_templates/
<body>/) with random names; a refused or failed write leaves no file behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Mapping
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from gongkai.core import audit
from gongkai.core.errors import DomainError
from gongkai.core.models import Organisation, User
from gongkai.core.permissions import Perm, require

from . import letters, selectors
from .fees import Fee, FeeError, calculate_fee
from .models.choices import EventKind, ResultCode
from .models.letters import Letter, LetterKind, LetterSeries, LetterTemplate, ReplyGroup
from .models.requests import DisclosureRequest

#: Longest prefix: the number adds 〔YYYY〕 and up to 6 digits and 号 within Letter.number.
PREFIX_MAX = 30
_PREFIX_BAD = re.compile(r"[\s〔〕\[\]()（）/\\<>{}%]")
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


def _today(today: dt.date | None) -> dt.date:
    return today if today is not None else timezone.localdate()


def _role(actor: User | None, organisation: Organisation) -> str:
    return "" if actor is None else str(require(actor, Perm.REQUEST_HANDLE, organisation))


def default_prefix(organisation: Organisation) -> str:
    """The body's short name + 信复 (e.g. 市教育局信复) until the office sets its own."""
    return f"{organisation.short_name or organisation.name}信复"[:PREFIX_MAX]


def format_number(prefix: str, year: int, seq: int) -> str:
    """达市府办信复〔2026〕12号 (GB/T 9704-2012 7.2.4: 六角括号, no leading zeros)."""
    return f"{prefix}〔{year}〕{seq}号"


def check_prefix(prefix: str) -> str:
    prefix = prefix.strip()
    if not prefix:
        raise DomainError("请填写发文字号前缀，如“达市府办信复”。")
    if len(prefix) > PREFIX_MAX:
        raise DomainError(f"发文字号前缀最多 {PREFIX_MAX} 个字。")
    if _PREFIX_BAD.search(prefix):
        raise DomainError(
            "发文字号前缀只写机关代字和类别，如“达市府办信复”；年份和序号由系统生成，不要包含空格、括号或斜杠。"
        )
    return prefix


def _series_for_update(organisation: Organisation, year: int) -> LetterSeries:
    """The body's series for the year, locked until the transaction ends (created if missing,
    with the prefix of the body's latest series or the default)."""
    series = LetterSeries.objects.select_for_update().filter(organisation=organisation, year=year).first()
    if series is not None:
        return series
    latest = LetterSeries.objects.filter(organisation=organisation).order_by("-year").first()
    prefix = latest.prefix if latest is not None else default_prefix(organisation)
    try:
        with transaction.atomic():
            LetterSeries.objects.create(organisation=organisation, year=year, prefix=prefix)
    except IntegrityError:
        pass  # another writer created it first
    return LetterSeries.objects.select_for_update().get(organisation=organisation, year=year)


def current_prefix(organisation: Organisation, year: int) -> str:
    """The prefix the next letter of the year will carry (read-only)."""
    series = (
        LetterSeries.objects.filter(organisation=organisation, year__lte=year).order_by("-year").first()
        or LetterSeries.objects.filter(organisation=organisation).order_by("year").first()
    )
    return series.prefix if series is not None else default_prefix(organisation)


def letter_series_set(
    *, actor: User | None, organisation: Organisation, prefix: str, today: dt.date | None = None
) -> LetterSeries:
    """Sets the prefix of the body's series from this year on (numbers already issued keep theirs;
    the sequence of the year continues)."""
    prefix = check_prefix(prefix)
    year = _today(today).year
    with transaction.atomic():
        role = _role(actor, organisation)
        series = _series_for_update(organisation, year)
        before = series.prefix
        series.prefix = prefix
        series.save(update_fields=["prefix"])
        # later years already opened (a letter dated ahead) follow the new prefix too
        LetterSeries.objects.filter(organisation=organisation, year__gt=year).update(prefix=prefix)
        audit.record(
            actor=actor,
            action="letter_series.set",
            role=role,
            organisation=organisation,
            obj=series,
            changes=audit.diff({"prefix": before}, {"prefix": prefix}),
        )
    return series


def _template_bytes(organisation: Organisation, kind: str, group: str) -> bytes:
    custom = LetterTemplate.objects.filter(organisation=organisation, kind=kind, result_group=group).first()
    if custom is not None:
        with custom.file.open("rb") as fh:
            data: bytes = fh.read()
        return data
    return letters.default_template(kind, group)


def _fee(extra: dict[str, Any]) -> Fee | None:
    fee = extra.get("fee")
    if fee is None or isinstance(fee, Fee):
        return fee
    if isinstance(fee, Mapping):
        try:
            return calculate_fee(**fee)
        except (FeeError, TypeError) as exc:
            raise DomainError(f"收费通知书的计费数据有误：{exc}") from None
    raise DomainError("收费通知书需要计费数据（按件或按量）。")


def _from_timeline(req: DisclosureRequest, kind: str, extra: dict[str, Any]) -> None:
    """Fills what the timeline already records: the reason of the approved extension
    (条例第三十三条第二款) and the period given for the correction (第三十条)."""
    if kind == LetterKind.EXTENSION:
        event = req.events.filter(kind=EventKind.EXTENSION_APPROVED).order_by("-on", "-pk").first()
        if event is None or not req.extended:
            raise DomainError(
                "该申请尚未经政府信息公开工作机构负责人批准延期，不能出具延期答复告知书（条例第三十三条第二款）。"
            )
        if not str(extra.get("reason") or "").strip():
            extra["reason"] = event.note
    if kind == LetterKind.CORRECTION and not extra.get("respond_by"):
        event = req.events.filter(kind=EventKind.CORRECTION_REQUESTED).order_by("-on", "-pk").first()
        if event is not None and event.respond_by is not None:
            extra["respond_by"] = event.respond_by
    if kind == LetterKind.THIRD_PARTY and not extra.get("respond_by"):
        # The consultation's own timer (条例第三十二条: 15 working days), when one is recorded.
        timers = [t for t in selectors.request_consultations(request=req) if t.reason == "third_party"]
        if timers:
            extra["respond_by"] = timers[-1].due


def _delete_files(*files: FieldFile) -> None:
    for f in files:
        if f and f.name:
            f.storage.delete(f.name)


def letter_issue(
    *,
    actor: User | None,
    request: DisclosureRequest,
    kind: str,
    result_code: str = "",
    extra: dict[str, Any] | None = None,
    today: dt.date | None = None,
) -> Letter:
    """Issues one letter on the request: the next number of the body's series, the .docx from the
    office's template (or the default), the PDF with the same text, both stored and archived with
    the request, and an audit record (kind, number, result; nothing personal)."""
    try:
        kind = LetterKind(kind).value
    except ValueError:
        raise DomainError(f"未知的文书类型“{kind}”。") from None
    group = ""
    if kind == LetterKind.REPLY:
        if result_code not in ResultCode.values:
            raise DomainError("答复书须选择办理结果（条例第三十六条至第三十九条所列情形）。")
        group = letters.reply_group(result_code)
    elif result_code:
        raise DomainError("只有答复书载明办理结果。")
    extra = dict(extra or {})
    if kind == LetterKind.FEE:
        extra["fee"] = _fee(extra)
        if extra["fee"] is None:
            raise DomainError("收费通知书需要计费数据（按件或按量）。")
    if kind == LetterKind.THIRD_PARTY and not str(extra.get("third_party_name") or "").strip():
        raise DomainError("征求第三方意见书须写明第三方名称。")
    if kind == LetterKind.CORRECTION and not str(extra.get("correction_items") or "").strip():
        raise DomainError("补正通知书须写明需要补正的事项（条例第三十条）。")
    issued_on = _today(today)
    letter: Letter | None = None
    try:
        with transaction.atomic():
            req = DisclosureRequest.objects.select_related("organisation__parent").get(pk=request.pk)
            org = req.organisation
            role = _role(actor, org)
            _from_timeline(req, kind, extra)
            series = _series_for_update(org, issued_on.year)
            series.last += 1
            series.save(update_fields=["last"])
            number = format_number(series.prefix, series.year, series.last)
            context = letters.build_context(
                organisation=org,
                request=req,
                kind=kind,
                result_code=result_code,
                number=number,
                year=series.year,
                seq=series.last,
                issued_on=issued_on,
                extra=extra,
            )
            docx = letters.render_docx(_template_bytes(org, kind, group), context)
            title = f"{letters.title(kind)} {number}"
            pdf = letters.render_pdf(letters.docx_blocks(docx), title=title, author=org.name)
            letter = Letter(
                request=req,
                series=series,
                kind=kind,
                result_code=result_code,
                number=number,
                year=series.year,
                seq=series.last,
                issued_on=issued_on,
                issued_by=actor,
                context=context,
            )
            stem = f"{kind}-{series.year}-{series.last}-{secrets.token_hex(8)}"
            letter.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
            letter.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
            letter.save()
            audit.record(
                actor=actor,
                action="letter.issue",
                role=role,
                organisation=org,
                obj=letter,
                changes={"request": req.number, "kind": kind, "number": number, "result_code": result_code},
            )
    except BaseException:
        if letter is not None:
            _delete_files(letter.docx, letter.pdf)
        raise
    return letter


def _slot(kind: str, result_group: str) -> tuple[str, str]:
    try:
        kind = LetterKind(kind).value
    except ValueError:
        raise DomainError(f"未知的文书类型“{kind}”。") from None
    if kind == LetterKind.REPLY:
        if result_group not in ReplyGroup.values:
            raise DomainError("答复书模板须选择办理结果类别。")
    elif result_group:
        raise DomainError("只有答复书按办理结果区分模板。")
    return kind, result_group


def letter_template_save(
    *,
    actor: User | None,
    organisation: Organisation,
    kind: str,
    result_group: str = "",
    data: bytes,
    original_name: str = "",
) -> LetterTemplate:
    """Replaces the office's template for one kind (and, for replies, one result group). The file
    must be a .docx that renders with a complete sample context; else DomainError (Chinese) and
    nothing is stored."""
    kind, result_group = _slot(kind, result_group)
    if len(data) > MAX_TEMPLATE_BYTES:
        raise DomainError(f"模板文件不能超过 {MAX_TEMPLATE_BYTES // (1024 * 1024)} MB。")
    role = _role(actor, organisation)
    rendered = letters.render_docx(data, letters.sample_context(kind, result_group))
    letters.render_pdf(letters.docx_blocks(rendered), title="check", author="check")
    new_name = f"{kind}{'-' + result_group if result_group else ''}-{secrets.token_hex(8)}.docx"
    template: LetterTemplate | None = None
    old_file = ""
    try:
        with transaction.atomic():
            template = (
                LetterTemplate.objects.select_for_update()
                .filter(organisation=organisation, kind=kind, result_group=result_group)
                .first()
            )
            created = template is None
            if template is None:
                template = LetterTemplate(organisation=organisation, kind=kind, result_group=result_group)
            else:
                old_file = template.file.name
            template.original_name = (original_name or new_name)[-200:]
            template.sha256 = hashlib.sha256(data).hexdigest()
            template.updated_by = actor
            template.file.save(new_name, ContentFile(data), save=False)
            template.save()
            audit.record(
                actor=actor,
                action="letter_template.save",
                role=role,
                organisation=organisation,
                obj=template,
                changes={"kind": kind, "result_group": result_group, "sha256": template.sha256, "created": created},
            )
    except BaseException:
        if template is not None and template.file.name and template.file.name != old_file:
            template.file.storage.delete(template.file.name)
        raise
    if old_file:
        storage = template.file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return template


def letter_template_reset(*, actor: User | None, organisation: Organisation, kind: str, result_group: str = "") -> bool:
    """Back to the default template; False when the office had none of its own."""
    kind, result_group = _slot(kind, result_group)
    with transaction.atomic():
        role = _role(actor, organisation)
        template = (
            LetterTemplate.objects.select_for_update()
            .filter(organisation=organisation, kind=kind, result_group=result_group)
            .first()
        )
        if template is None:
            return False
        name, storage = template.file.name, template.file.storage
        audit.record(
            actor=actor,
            action="letter_template.reset",
            role=role,
            organisation=organisation,
            obj=template,
            changes={"kind": kind, "result_group": result_group, "sha256": template.sha256},
        )
        template.delete()
        transaction.on_commit(lambda: storage.delete(name))
    return True
