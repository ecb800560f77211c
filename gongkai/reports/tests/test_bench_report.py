"""`python -m gongkai.reports.bench` end to end on a small load (a temporary SQLite database in a
child process; the 100,000-request run is `make bench-report`)."""

import pytest

from gongkai.reports import bench


def test_bench_runs_and_reports_the_median(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    bench.main(["--requests", "420", "--runs", "3"])
    out = capsys.readouterr().out
    assert "SQLite: 420 件申请" in out
    assert "政府汇总报告中位数" in out
    assert "达标" in out
    assert "核对未通过 0 项" in out


def test_describe_flags_a_slow_run() -> None:
    result = {
        "requests": 100_000,
        "reviews": 10,
        "median": 2.5,
        "times": [2.4, 2.5, 2.6],
        "single_median": 0.2,
        "new_2025": 30_000,
        "failing_checks": 0,
    }
    assert "未达标" in bench.describe("SQLite", result, limit=2.0)
    assert "未达标" not in bench.describe("SQLite", {**result, "median": 1.0}, limit=2.0)
