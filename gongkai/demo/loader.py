"""The demo: Dazhou's organisations as the seed names them, their sites and a set of
staff accounts, loaded through the real services. Loading twice changes nothing: every
piece is looked up by its natural key first."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from gongkai.core import services
from gongkai.core.models import Organisation, Role, RoleAssignment, Site, User
from gongkai.supervision import demo as key_tasks_demo

from . import content, workflow_states
from . import requests as demo_requests

DATA = Path(__file__).parent / "data" / "dazhou.json"

# Shown on screen by `make run`; demo accounts only, never for a real installation.
DEMO_PASSWORD = "Gongkai-Demo-2026"  # noqa: S105


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    organisation: str
    role: Role
    descendants: bool = False


ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("sysadmin", "系统管理员", "达州市人民政府", Role.SYSTEM_ADMIN, True),
    DemoAccount("secadmin", "安全管理员", "达州市人民政府", Role.SECURITY_ADMIN, True),
    DemoAccount("auditor", "安全审计员", "达州市人民政府", Role.AUDIT_ADMIN, True),
    DemoAccount("city_officer", "市公开办经办人", "达州市人民政府", Role.OFFICE_OFFICER),
    DemoAccount("city_head", "市公开办负责人", "达州市人民政府", Role.OFFICE_HEAD),
    DemoAccount("supervisor", "市政务公开监督员", "达州市人民政府", Role.SUPERVISOR, True),
    DemoAccount("edu_editor", "市教育局信息员", "达州市教育局", Role.EDITOR),
    DemoAccount("edu_review1", "市教育局初审", "达州市教育局", Role.REVIEWER_FIRST),
    DemoAccount("edu_review2", "市教育局复审", "达州市教育局", Role.REVIEWER_SECOND),
    DemoAccount("edu_review3", "市教育局终审", "达州市教育局", Role.REVIEWER_FINAL),
    DemoAccount("edu_officer", "市教育局公开办经办人", "达州市教育局", Role.OFFICE_OFFICER),
    DemoAccount("tc_editor", "通川区信息员", "达州市通川区人民政府", Role.EDITOR, True),
    DemoAccount("dc_editor", "达川区信息员", "达州市达川区人民政府", Role.EDITOR, True),
    DemoAccount("dc_review1", "达川区初审", "达州市达川区人民政府", Role.REVIEWER_FIRST, True),
    DemoAccount("dc_review2", "达川区复审", "达州市达川区人民政府", Role.REVIEWER_SECOND, True),
    DemoAccount("dc_review3", "达川区终审", "达州市达川区人民政府", Role.REVIEWER_FINAL, True),
    DemoAccount("dc_officer", "达川区公开办经办人", "达州市达川区人民政府", Role.OFFICE_OFFICER),
)


@dataclass
class DemoResult:
    organisations_created: int = 0
    sites_created: int = 0
    accounts_created: int = 0
    roles_granted: int = 0
    workflow_items_created: int = 0
    content_items_created: int = 0
    requests_created: int = 0
    annual_figures_created: int = 0


Progress = Callable[[str], None]


def load(progress: Progress = lambda _msg: None) -> DemoResult:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    result = DemoResult()
    with transaction.atomic():
        by_name = {o.name: o for o in Organisation.objects.all()}
        for row in data["organisations"]:
            if row["name"] in by_name:
                continue
            fields = {k: v for k, v in row.items() if k not in {"name", "kind", "parent", "short_name", "index_code"}}
            by_name[row["name"]] = services.organisation_create(
                actor=None,
                name=row["name"],
                short_name=row["short_name"],
                kind=row["kind"],
                parent=by_name[row["parent"]] if row["parent"] else None,
                index_code=row["index_code"],
                **fields,
            )
            result.organisations_created += 1
        progress(f"机构：新增 {result.organisations_created} 个，共 {len(by_name)} 个。")

        for row in data["sites"]:
            if Site.objects.filter(slug=row["slug"]).exists():
                continue
            fields = {k: v for k, v in row.items() if k not in {"slug", "name", "organisation", "is_default"}}
            services.site_create(
                actor=None,
                organisation=by_name[row["organisation"]],
                slug=row["slug"],
                name=row["name"],
                is_default=row["is_default"],
                **fields,
            )
            result.sites_created += 1
        progress(f"网站：新增 {result.sites_created} 个。")

        for account in ACCOUNTS:
            user = User.objects.filter(username=account.username).first()
            if user is None:
                user = services.user_create(
                    actor=None, username=account.username, password=DEMO_PASSWORD, full_name=account.full_name
                )
                result.accounts_created += 1
            org = by_name[account.organisation]
            if not RoleAssignment.objects.filter(user=user, organisation=org, role=account.role).exists():
                services.role_grant(
                    actor=None, user=user, organisation=org, role=account.role, include_descendants=account.descendants
                )
                result.roles_granted += 1
        progress(f"演示账号：新增 {result.accounts_created} 个，授权 {result.roles_granted} 项。")
    result.workflow_items_created = workflow_states.load(progress)
    key_tasks_demo.load(progress)
    # The corpus commits batch by batch (outside the block above), so a stopped load resumes.
    counts = content.load_content(progress)
    result.content_items_created = sum(v for k, v in counts.items() if k.endswith("_imported"))
    # After the catalogs: a reply released into proactive disclosure lands in 其他文件.
    requests = demo_requests.load(progress)
    result.requests_created = requests.requests_created
    result.annual_figures_created = requests.figures_created
    return result
