"""`gongkai audit verify`: walk the hash chain and name the first broken record."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from gongkai.core import audit


class Command(BaseCommand):
    help = "审计记录：校验哈希链"

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="校验审计记录哈希链，发现断裂时以状态码 1 退出")

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit.verify()
        if result.ok:
            self.stdout.write(f"审计链完整：共校验 {result.checked} 条记录。")
            return
        self.stderr.write(
            f"审计链断裂：第 {result.broken_seq} 条记录：{result.reason}。此前 {result.checked} 条记录完整。"
        )
        raise SystemExit(1)
