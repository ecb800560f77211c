"""`gongkai staff add USERNAME ...`, `gongkai staff grant USERNAME --org ID --role ROLE`,
`gongkai staff list`: accounts and role grants from the server's command line."""

import getpass
import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongkai.core import services
from gongkai.core.errors import DomainError
from gongkai.core.models import Role, User

from .orgs import find_organisation


def _user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"找不到用户“{username}”。")
    return user


class Command(BaseCommand):
    help = "工作人员账号与角色授权"

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="新建账号")
        add.add_argument("username")
        add.add_argument("--full-name", default="")
        add.add_argument("--password", help="不提供时交互输入")
        grant = sub.add_parser("grant", help="授予角色")
        grant.add_argument("username")
        grant.add_argument("--org", required=True, help="机构编号或名称")
        grant.add_argument("--role", required=True, help="角色：" + "、".join(f"{r.value}({r.label})" for r in Role))
        grant.add_argument("--descendants", action="store_true", help="同时适用于下级机构")
        sub.add_parser("list", help="列出账号及其角色（JSON，每行一个）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"do_{options['action']}")(options)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc

    def do_add(self, options: dict[str, Any]) -> None:
        password = options.get("password") or getpass.getpass("密码：")
        user = services.user_create(
            actor=None, username=options["username"], password=password, full_name=options["full_name"]
        )
        self.stdout.write(f"已创建账号 {user.username}。")

    def do_grant(self, options: dict[str, Any]) -> None:
        if options["role"] not in Role.values:
            raise CommandError(f"未知的角色“{options['role']}”。可选：{'、'.join(Role.values)}。")
        assignment = services.role_grant(
            actor=None,
            user=_user(options["username"]),
            organisation=find_organisation(options["org"]),
            role=options["role"],
            include_descendants=options["descendants"],
        )
        self.stdout.write(f"已授权：{assignment}")

    def do_list(self, options: dict[str, Any]) -> None:
        for user in User.objects.prefetch_related("role_assignments__organisation").order_by("username"):
            roles = [
                {
                    "org_id": a.organisation_id,
                    "org": a.organisation.name,
                    "role": a.role,
                    "descendants": a.include_descendants,
                }
                for a in user.role_assignments.all()
            ]
            self.stdout.write(
                json.dumps({"username": user.username, "full_name": user.full_name, "roles": roles}, ensure_ascii=False)
            )
