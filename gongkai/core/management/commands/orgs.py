"""`gongkai orgs list [--json]`, `gongkai orgs show ID`, `gongkai orgs add ...`."""

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongkai.core import selectors, services
from gongkai.core.errors import DomainError
from gongkai.core.models import Organisation, OrganisationKind


def organisation_json(org: Organisation) -> dict[str, Any]:
    return {
        "id": org.pk,
        "name": org.name,
        "short_name": org.short_name,
        "kind": org.kind,
        "parent_id": org.parent_id,
        "credit_code": org.credit_code or None,
    }


def find_organisation(ref: str) -> Organisation:
    """An organisation by id, full name or short name; a Chinese CommandError otherwise."""
    ref = ref.strip()
    org = None
    if ref.isdigit():
        org = Organisation.objects.filter(pk=int(ref)).first()
    if org is None:
        matches = list(Organisation.objects.filter(name=ref)) or list(Organisation.objects.filter(short_name=ref))
        if len(matches) > 1:
            raise CommandError(f"“{ref}”对应多个机构，请使用机构编号。")
        org = matches[0] if matches else None
    if org is None:
        raise CommandError(f"找不到机构“{ref}”。用 gongkai orgs list 查看全部机构。")
    return org


class Command(BaseCommand):
    help = "机构：列出、查看、新增"

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ls = sub.add_parser("list", help="列出全部机构")
        ls.add_argument("--json", action="store_true", help="每行输出一个 JSON 对象")
        show = sub.add_parser("show", help="查看一个机构")
        show.add_argument("org", help="机构编号或名称")
        add = sub.add_parser("add", help="新增机构")
        add.add_argument("--name", required=True)
        add.add_argument("--kind", required=True, choices=OrganisationKind.values)
        add.add_argument("--parent", help="上级机构编号或名称")
        add.add_argument("--short-name", default="")
        add.add_argument("--credit-code", default="", help="统一社会信用代码（18位）")
        add.add_argument("--index-code", default="", help="索引号中的机构代码")
        for field in services.CONTACT_FIELDS:
            add.add_argument(f"--{field.replace('_', '-')}", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            for org in selectors.organisation_tree():
                if options["json"]:
                    self.stdout.write(json.dumps(organisation_json(org), ensure_ascii=False))
                else:
                    self.stdout.write(f"{org.pk:>5}  {'  ' * org.depth}{org.name}  [{org.get_kind_display()}]")
        elif action == "show":
            org = find_organisation(options["org"])
            data = organisation_json(org)
            data.update({f: getattr(org, f) for f in ("index_code", *services.CONTACT_FIELDS)})
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        elif action == "add":
            parent = find_organisation(options["parent"]) if options.get("parent") else None
            contact = {f: options[f] for f in services.CONTACT_FIELDS if options.get(f)}
            try:
                org = services.organisation_create(
                    actor=None,
                    name=options["name"],
                    kind=options["kind"],
                    parent=parent,
                    short_name=options["short_name"],
                    credit_code=options["credit_code"],
                    index_code=options["index_code"],
                    **contact,
                )
            except DomainError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(json.dumps(organisation_json(org), ensure_ascii=False))
