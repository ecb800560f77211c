"""Queries by id compiled once per process.

The search page reads the rows of its hits with one query, and a cached answer is
checked with another; building and compiling that queryset took as long as running
it (0.5 ms of a search page not in the result cache). `ByIds` compiles the query once
for each number of ids and database, then runs the SQL with fresh parameters: the ids,
and the time of the call where the query names it ("now", and today's date in the
site's time zone).

Which parameter is which is found by compiling the query twice, with two different
times and two different sets of ids: a parameter equal in both is a constant; one that
differs must be an id, now or today, else the query is not compiled and always runs
through the ORM (so a query that gains another changing parameter stays correct).
"""

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

# (the values_list queryset of the ids, at the time given)
Build = Callable[[datetime, list[int]], QuerySet[Any, Any]]

MAX_COMPILED_IDS = 100
_FIRST = datetime(2001, 2, 3, 4, 5, 6, 7000, tzinfo=UTC)
_SECOND = datetime(2002, 3, 4, 5, 6, 7, 8000, tzinfo=UTC)
# Parameter slots: a constant, the n-th id, now, today.
_CONST, _ID, _NOW, _TODAY = range(4)


@dataclass(frozen=True)
class _Plan:
    sql: str
    slots: list[tuple[int, Any]]
    compiler: SQLCompiler
    converters: dict[int, Any]


class ByIds:
    """`build(now, ids)` compiled once per number of ids and database connection (each
    thread has its own: a plan holds the compiler and converters of its connection)."""

    def __init__(self, build: Build) -> None:
        self._build = build
        self._plans: weakref.WeakKeyDictionary[BaseDatabaseWrapper, dict[int, _Plan | None]] = (
            weakref.WeakKeyDictionary()
        )

    def rows(self, ids: Sequence[int], *, using: str = "default") -> list[Sequence[Any]]:
        wanted = list(dict.fromkeys(int(i) for i in ids))  # (`__in` drops repeats)
        if not wanted:
            return []
        now = timezone.now()
        plan = self._plan_for(len(wanted), using) if len(wanted) <= MAX_COMPILED_IDS else None
        if plan is None:
            return list(self._build(now, wanted).using(using))
        connection = connections[using]
        times = {
            _NOW: connection.ops.adapt_datetimefield_value(now),
            _TODAY: connection.ops.adapt_datefield_value(timezone.localdate(now)),
        }
        params = [
            value if kind == _CONST else wanted[value] if kind == _ID else times[kind] for kind, value in plan.slots
        ]
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            found = cursor.fetchall()
        if plan.converters:
            return list(plan.compiler.apply_converters(found, plan.converters))
        return found

    def _plan_for(self, n: int, using: str) -> _Plan | None:
        """The plan for n ids on this thread's connection, made on first use (one per
        count: kept for the counts of a page, MAX_COMPILED_IDS)."""
        connection = connections[using]
        plans = self._plans.get(connection)
        if plans is None:
            plans = self._plans[connection] = {}
        if n not in plans:
            plans[n] = self._plan(n, using)
        return plans[n]

    def _plan(self, n: int, using: str) -> _Plan | None:
        """The SQL and what each parameter is, or None when a parameter is not
        understood (then every call goes through the ORM)."""
        ops = connections[using].ops
        first_ids = [-(i + 1) for i in range(n)]  # never a primary key
        second_ids = [-(i + 1 + n) for i in range(n)]
        first = self._build(_FIRST, first_ids).query.get_compiler(using=using)
        second = self._build(_SECOND, second_ids).query.get_compiler(using=using)
        sql, params = first.as_sql()
        other_sql, other_params = second.as_sql()
        if sql != other_sql or len(params) != len(other_params):
            return None
        marks = {
            _NOW: (ops.adapt_datetimefield_value(_FIRST), ops.adapt_datetimefield_value(_SECOND)),
            _TODAY: (
                ops.adapt_datefield_value(timezone.localdate(_FIRST)),
                ops.adapt_datefield_value(timezone.localdate(_SECOND)),
            ),
        }
        position = {value: i for i, value in enumerate(first_ids)}
        slots: list[tuple[int, Any]] = []
        for a, b in zip(params, other_params, strict=True):
            if a == b:
                slots.append((_CONST, a))
            elif isinstance(a, int) and a in position and b == second_ids[position[a]]:
                slots.append((_ID, position[a]))
            else:
                kind = next((k for k, pair in marks.items() if (a, b) == pair), None)
                if kind is None:
                    return None
                slots.append((kind, None))
        converters = first.get_converters([column for column, _, _ in first.select])
        return _Plan(sql=sql, slots=slots, compiler=first, converters=converters)
