"""Demo items of 达州市教育局 in every state of the 编审发 workflow, so that each rule can
be seen in the workspace and checked on the public site. Made through the services by
the demo accounts; keyed by external id, so loading twice adds nothing."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from gongkai.core.models import Organisation, User
from gongkai.publishing import services
from gongkai.publishing.models import CatalogColumn, ColumnKey, DisclosureScope, InfoItem


@dataclass(frozen=True)
class DemoItem:
    key: str
    title: str
    column: ColumnKey
    stage: str  # how far the item goes through the workflow
    body: str
    doc_number: str = ""


BODY = (
    "<p>各区县教育行政部门，市直属各学校：</p>"
    "<p>为做好相关工作，现将有关事项通知如下。</p>"
    "<h2>一、工作目标</h2><p>坚持依法依规、公开透明，保障群众知情权、参与权和监督权。</p>"
    "<h2>二、工作要求</h2><p>各单位要明确责任人员，按时报送工作进展。</p>"
    "<p>联系人：市教育局办公室，电话：0818-2100000。</p>"
)

ITEMS: tuple[DemoItem, ...] = (
    DemoItem("draft", "达州市教育局关于开展2026年秋季学期安全检查的通知（草稿）", ColumnKey.OTHER_DOCS, "draft", BODY),
    DemoItem(
        "stage1", "达州市教育局关于做好2027年义务教育招生入学准备工作的通知", ColumnKey.OTHER_DOCS, "stage1", BODY
    ),
    DemoItem("stage2", "达州市教育局2026年政府信息公开工作要点", ColumnKey.PLANS, "stage2", BODY),
    DemoItem("stage3", "达州市教育局关于规范校外培训收费的通知", ColumnKey.FEES, "stage3", BODY),
    DemoItem("rejected", "达州市教育局关于教师资格认定有关事项的公告", ColumnKey.LICENSING, "rejected", BODY),
    DemoItem("approved", "达州市教育局2026年部门预算公开说明", ColumnKey.BUDGET, "approved", BODY),
    DemoItem("scheduled", "达州市教育局关于2027年元旦放假安排的通知", ColumnKey.OTHER_DOCS, "scheduled", BODY),
    DemoItem(
        "published",
        "达州市教育局关于印发《达州市中小学校政务公开工作规范》的通知",
        ColumnKey.NORMATIVE,
        "published",
        BODY,
        "达市教发〔2026〕12号",
    ),
    DemoItem("withdrawn", "达州市教育局关于调整部分学校作息时间的通知", ColumnKey.OTHER_DOCS, "withdrawn", BODY),
    DemoItem("limited", "达州市教育局关于2026年教师培训名单的通知（限定范围）", ColumnKey.OTHER_DOCS, "limited", BODY),
    DemoItem("expired", "2026年达州市优秀教师拟表彰对象公示", ColumnKey.OTHER_DOCS, "expired", BODY),
    DemoItem("emergency", "达州市教育局关于暴雨天气停课的紧急通知", ColumnKey.OTHER_DOCS, "emergency", BODY),
)


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _make(item: DemoItem, org: Organisation, columns: dict[str, CatalogColumn]) -> InfoItem:
    editor, first, second, final = (_user(u) for u in ("edu_editor", "edu_review1", "edu_review2", "edu_review3"))
    today = timezone.localdate()
    extra: dict[str, object] = {}
    if item.stage == "limited":
        extra = {"scope": DisclosureScope.LIMITED, "scope_groups": "全市中小学校长"}
    if item.stage == "expired":
        extra = {"public_until": today - timedelta(days=7)}
    obj = services.item_create(
        actor=editor,
        organisation=org,
        column=columns[item.column],
        title=item.title,
        formed_on=today - timedelta(days=3),
        date_written=today - timedelta(days=5),
        body_html=item.body,
        doc_number=item.doc_number,
        summary=item.title,
        external_id=f"demo-state-{item.key}",
        **extra,
    )
    if item.stage == "draft":
        return obj
    if item.stage == "emergency":
        return services.item_emergency_publish(actor=final, item=obj, reason="暴雨红色预警，须立即通知学校停课")
    services.item_submit(actor=editor, item=obj)
    if item.stage == "stage1":
        return obj
    if item.stage == "rejected":
        return services.item_review(actor=first, item=obj, approve=False, comment="请补充法律依据和联系方式")
    services.item_review(actor=first, item=obj, approve=True, confidentiality_attested=True)
    if item.stage == "stage2":
        return obj
    services.item_review(actor=second, item=obj, approve=True)
    if item.stage == "stage3":
        return obj
    services.item_review(actor=final, item=obj, approve=True)
    if item.stage == "approved":
        return obj
    if item.stage == "scheduled":
        return services.item_publish(actor=final, item=obj, at=timezone.now() + timedelta(days=7))
    obj = services.item_publish(actor=final, item=obj)
    if item.stage == "withdrawn":
        return services.item_withdraw(actor=final, item=obj, reason="作息时间调整方案已变更，原通知撤回")
    return obj


def load(progress: Callable[[str], None] = lambda _m: None) -> int:
    org = Organisation.objects.get(name="达州市教育局")
    services.catalog_ensure(actor=None, organisation=org)
    columns = {c.key: c for c in CatalogColumn.objects.filter(organisation=org).exclude(key="")}
    existing = set(InfoItem.objects.filter(external_id__startswith="demo-state-").values_list("external_id", flat=True))
    created = 0
    with transaction.atomic():
        for item in ITEMS:
            if f"demo-state-{item.key}" not in existing:
                _make(item, org, columns)
                created += 1
    progress(
        f"工作流演示信息：新增 {created} 条"
        "（市教育局：草稿、各审核环节、退回、定时、发布、撤稿、限定范围、公示到期、紧急发布）。"
    )
    return created
