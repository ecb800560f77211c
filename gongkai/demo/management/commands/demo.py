"""`gongkai demo load`: load the Dazhou demo once; `gongkai demo accounts`: print them."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from gongkai.demo import loader


class Command(BaseCommand):
    help = "演示数据：加载达州市演示数据，列出演示账号"

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="加载演示数据（可重复执行，不会重复创建）")
        sub.add_parser("accounts", help="列出演示账号及其角色")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            loader.load(progress=self.stdout.write)
        self.print_accounts()

    def print_accounts(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {loader.DEMO_PASSWORD}，仅供演示）：")
        for a in loader.ACCOUNTS:
            scope = "及下级机构" if a.descendants else ""
            self.stdout.write(f"  {a.username:<14} {a.role.label}  {a.organisation}{scope}")
        self.stdout.write("工作台：http://127.0.0.1:8000/staff/   配置：http://127.0.0.1:8000/admin/")
