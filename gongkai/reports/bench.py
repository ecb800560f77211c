"""Benchmark of the annual report: 100,000 requests in a fresh, temporary database, then the
report for one year computed five times (median reported). Target (issue #7): ≤ 2 s.

    python -m gongkai.reports.bench [--requests N] [--runs N]

The requests (with 2 % reviews) are spread over a government and 20 departments from
2023-01-01 to 2025-12-31 and written with bulk_create; the timed report is the government's
2025 report aggregated with its departments (the largest scope), including the checks.
Always measures SQLite (a new file in a temporary directory); when DATABASE_URL names a
PostgreSQL server, also there, in a temporary database created for the run and dropped after
it. Each measurement runs in a child process configured for that database only.
"""

import argparse
import json
import os
import random
import statistics
import time
from typing import Any

from gongkai.core import benchdb

CHILD_FLAG = benchdb.CHILD_FLAG
DEPARTMENTS = 20
BATCH = 5000


def _child(requests: int, runs: int) -> dict[str, Any]:
    """Runs inside the child: migrate, make the bodies and requests, time the report."""
    import datetime as dt

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from gongkai.core import services as core_services
    from gongkai.core.models import OrganisationKind
    from gongkai.reports.annual.build import compute_figures
    from gongkai.requests.models import (
        Channel,
        DisclosureRequest,
        RequesterType,
        RequestStatus,
        ResultCode,
        ReviewKind,
        ReviewOutcome,
        ReviewRecord,
    )

    call_command("migrate", verbosity=0, interactive=False)
    government = core_services.organisation_create(
        actor=None, name="基准测试市人民政府", kind=OrganisationKind.GOVERNMENT
    )
    bodies = [government] + [
        core_services.organisation_create(
            actor=None, name=f"基准测试市第{n}局", kind=OrganisationKind.DEPARTMENT, parent=government
        )
        for n in range(1, DEPARTMENTS + 1)
    ]
    rng = random.Random(20260126)  # noqa: S311  (test data, not security)
    requester_types = list(RequesterType.values)
    codes = list(ResultCode.values)
    first = dt.date(2023, 1, 1)
    span = (dt.date(2025, 12, 31) - first).days
    started = time.perf_counter()
    rows: list[DisclosureRequest] = []
    for n in range(requests):
        received = first + dt.timedelta(days=rng.randrange(span + 1))
        replied = received + dt.timedelta(days=rng.randrange(45)) if rng.random() < 0.93 else None
        rows.append(
            DisclosureRequest(
                organisation=bodies[n % len(bodies)],
                number=f"B{n:07d}",
                tracking_code=f"bench{n:011d}",
                requester_type=rng.choice(requester_types),
                channel=Channel.ONLINE,
                description="基准测试申请",
                received_on=received,
                replied_on=replied,
                result_code=rng.choice(codes) if replied else "",
                status=RequestStatus.REPLIED if replied else RequestStatus.IN_HANDLING,
            )
        )
    DisclosureRequest.objects.bulk_create(rows, batch_size=BATCH)
    ids = list(DisclosureRequest.objects.filter(replied_on__isnull=False).values_list("pk", flat=True))
    reviews = [
        ReviewRecord(request_id=pk, kind=rng.choice(ReviewKind.values), outcome=rng.choice(ReviewOutcome.values))
        for pk in rng.sample(ids, len(ids) // 50)
    ]
    ReviewRecord.objects.bulk_create(reviews, batch_size=BATCH)
    load_seconds = time.perf_counter() - started
    today = dt.date(2026, 1, 15)
    times = []
    figures: dict[str, Any] = {}
    for _ in range(runs):
        start = time.perf_counter()
        figures = compute_figures(organisation=government, year=2025, today=today, with_departments=True)
        times.append(time.perf_counter() - start)
    single = []
    for _ in range(runs):
        start = time.perf_counter()
        compute_figures(organisation=bodies[1], year=2025, today=today)
        single.append(time.perf_counter() - start)
    return {
        "vendor": connection.vendor,
        "requests": DisclosureRequest.objects.count(),
        "reviews": len(reviews),
        "load_seconds": load_seconds,
        "median": statistics.median(times),
        "times": times,
        "single_median": statistics.median(single),
        "new_2025": figures["table3"]["new"]["total"],
        "failing_checks": sum(not c["ok"] for c in figures["checks"]),
    }


def _args(requests: int, runs: int) -> list[str]:
    return ["--requests", str(requests), "--runs", str(runs)]


def _sqlite(requests: int, runs: int) -> dict[str, Any]:
    return benchdb.in_sqlite("gongkai.reports.bench", _args(requests, runs))


def _postgres(url: str, requests: int, runs: int) -> dict[str, Any]:
    return benchdb.in_postgres(url, "gongkai.reports.bench", _args(requests, runs))


def describe(label: str, result: dict[str, Any], *, limit: float) -> str:
    verdict = "达标" if result["median"] <= limit else "未达标"
    return (
        f"{label}: {result['requests']} 件申请（{result['reviews']} 件复议诉讼），"
        f"政府汇总报告中位数 {result['median']:.3f} 秒（{len(result['times'])} 次："
        f"{'、'.join(f'{t:.3f}' for t in result['times'])}），单个部门 {result['single_median']:.3f} 秒；"
        f"目标 ≤ {limit:g} 秒，{verdict}。"
        f"2025年新收 {result['new_2025']} 件，核对未通过 {result['failing_checks']} 项。"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="年度报告基准测试：10万件申请生成报告的时间")
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="计时次数（取中位数）")
    parser.add_argument("--limit", type=float, default=2.0, help="目标秒数")
    parser.add_argument(CHILD_FLAG, action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.requests, args.runs)))  # noqa: T201
        return
    results = [("SQLite", _sqlite(args.requests, args.runs))]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        results.append(("PostgreSQL", _postgres(url, args.requests, args.runs)))
    else:
        print("PostgreSQL：未设置 DATABASE_URL（postgres://...），跳过。")  # noqa: T201
    for label, result in results:
        print(describe(label, result, limit=args.limit))  # noqa: T201
    if any(r["median"] > args.limit for _, r in results):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
