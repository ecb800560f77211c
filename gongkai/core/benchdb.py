"""A benchmark measured in a child process on a fresh, temporary database: SQLite (a new
file in a temporary directory) or PostgreSQL (a database created for the run and dropped
after it; the role needs CREATEDB). The child runs `python -m MODULE --child ARGS...` with
DATABASE_URL set, so that Django is configured for that database only, and prints its
result as JSON on its last line."""

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


def run_child(module: str, args: list[str], database_url: str, var_dir: Path) -> dict[str, Any]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "GONGKAI_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "gongkai.config.settings.dev",
        "DEBUG": "0",  # no query log: measure the work, not Django's debug bookkeeping
    }
    command = [sys.executable, "-m", module, CHILD_FLAG, *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(f"基准测试子进程失败：\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def in_sqlite(module: str, args: list[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        return run_child(module, args, f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", Path(tmp))


def in_postgres(url: str, module: str, args: list[str]) -> dict[str, Any]:
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
            return run_child(module, args, bench_url, Path(tmp))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
