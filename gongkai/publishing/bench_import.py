"""Benchmark of the document import: the whole corpus (../shared/data/corpus.jsonl.gz,
3,531 documents) into a fresh, temporary database, reported as documents per second.

    python -m gongkai.publishing.bench_import [--corpus PATH] [--batch-size N] [--runs N]

Always measures SQLite (a new file in a temporary directory). When DATABASE_URL names a
PostgreSQL server, also measures there, in a temporary database created for the run and
dropped after it (the role needs CREATEDB). Each measurement runs in a child process, so
that Django is configured for that database only.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

CHILD_FLAG = "--child"


def _child(corpus: Path, batch_size: int) -> dict[str, Any]:
    """Runs inside the child: migrate, make a body and a column, import, measure."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from gongkai.core import services as core_services
    from gongkai.core.models import OrganisationKind
    from gongkai.publishing import importing
    from gongkai.publishing import services as publishing_services
    from gongkai.publishing.models import InfoItem

    call_command("migrate", verbosity=0, interactive=False)
    organisation = core_services.organisation_create(
        actor=None, name="基准测试市人民政府", kind=OrganisationKind.GOVERNMENT, index_code="000000001"
    )
    column = publishing_services.column_create(actor=None, organisation=organisation, title="法律法规", slug="laws")
    result = importing.documents_import(
        actor=None,
        organisation=organisation,
        column=column,
        documents=importing.read_corpus(corpus),
        source=str(corpus),
        batch_size=batch_size,
    )
    numbers = list(InfoItem.objects.values_list("index_number", flat=True))
    return {
        "vendor": connection.vendor,
        "documents": result.imported,
        "seconds": result.seconds,
        "per_second": result.per_second,
        "unique_index_numbers": len(set(numbers)) == len(numbers),
    }


def _run_child(database_url: str, var_dir: Path, corpus: Path, batch_size: int) -> dict[str, Any]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "GONGKAI_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "gongkai.config.settings.dev",
        "DEBUG": "0",  # no query log: measure the import, not Django's debug bookkeeping
    }
    command = [sys.executable, "-m", "gongkai.publishing.bench_import", CHILD_FLAG]
    command += ["--corpus", str(corpus), "--batch-size", str(batch_size)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(f"基准测试子进程失败：\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _sqlite(corpus: Path, batch_size: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        return _run_child(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", Path(tmp), corpus, batch_size)


def _postgres(url: str, corpus: Path, batch_size: int) -> dict[str, Any]:
    import psycopg
    from psycopg import sql

    name = f"gongkai_bench_{secrets.token_hex(4)}"
    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    bench_url = urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
            return _run_child(bench_url, Path(tmp), corpus, batch_size)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def _default_corpus() -> Path:
    shared = Path(os.environ.get("GONGKAI_SHARED_DIR", Path(__file__).resolve().parents[3] / "shared"))
    return shared / "data" / "corpus.jsonl.gz"


def _print(label: str, runs: list[dict[str, Any]]) -> None:
    best = max(runs, key=lambda r: r["per_second"])
    spread = "、".join(f"{r['per_second']:.0f}" for r in runs)
    print(  # noqa: T201
        f"{label}: {best['documents']} 篇，用时 {best['seconds']:.2f} 秒，每秒 {best['per_second']:.0f} 篇"
        f"（{len(runs)} 次：{spread}；索引号{'全部唯一' if best['unique_index_numbers'] else '有重复！'}）"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="文件导入基准测试：每秒导入多少篇")
    parser.add_argument("--corpus", type=Path, default=_default_corpus())
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--runs", type=int, default=1, help="每种数据库重复几次（取最快一次）")
    parser.add_argument(CHILD_FLAG, action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.corpus, args.batch_size)))  # noqa: T201
        return
    if not args.corpus.exists():
        raise SystemExit(f"找不到语料文件：{args.corpus}")
    _print("SQLite", [_sqlite(args.corpus, args.batch_size) for _ in range(args.runs)])
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        _print("PostgreSQL", [_postgres(url, args.corpus, args.batch_size) for _ in range(args.runs)])
    else:
        print("PostgreSQL：未设置 DATABASE_URL（postgres://...），跳过。")  # noqa: T201


if __name__ == "__main__":
    main()
