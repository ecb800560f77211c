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
from pathlib import Path
from typing import Any

from gongkai.core import benchdb

CHILD_FLAG = benchdb.CHILD_FLAG


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


def _args(corpus: Path, batch_size: int) -> list[str]:
    return ["--corpus", str(corpus), "--batch-size", str(batch_size)]


def _sqlite(corpus: Path, batch_size: int) -> dict[str, Any]:
    return benchdb.in_sqlite("gongkai.publishing.bench_import", _args(corpus, batch_size))


def _postgres(url: str, corpus: Path, batch_size: int) -> dict[str, Any]:
    return benchdb.in_postgres(url, "gongkai.publishing.bench_import", _args(corpus, batch_size))


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
