"""Status rules with explicit dates (status.compute is pure)."""

import datetime as dt

from gongkai.supervision.deadlines import DeadlineKind
from gongkai.supervision.status import ReportFact, UnitStatus, compute

D = dt.date
START = D(2022, 5, 26)


def status(kind: str, reports: list[ReportFact], today: dt.date, due: dt.date | None = None) -> UnitStatus:
    return compute(kind=kind, due=due, year=2022, starts_on=START, reports=reports, today=today).status


def test_a_dated_task_over_its_life() -> None:
    due = D(2022, 10, 30)
    assert status(DeadlineKind.DATE, [], D(2022, 6, 1), due) == UnitStatus.NOT_STARTED
    progress = ReportFact(D(2022, 7, 1), percent=50)
    assert status(DeadlineKind.DATE, [progress], D(2022, 7, 2), due) == UnitStatus.IN_PROGRESS
    # The last day is still in time; the day after it is overdue.
    assert status(DeadlineKind.DATE, [progress], D(2022, 10, 30), due) == UnitStatus.IN_PROGRESS
    assert status(DeadlineKind.DATE, [progress], D(2022, 10, 31), due) == UnitStatus.OVERDUE
    done = ReportFact(D(2022, 10, 20), percent=100, completed=True, has_evidence=True)
    assert status(DeadlineKind.DATE, [progress, done], D(2022, 12, 1), due) == UnitStatus.DONE


def test_a_report_after_today_does_not_count_yet_and_a_late_completion_is_marked() -> None:
    due = D(2022, 10, 30)
    late = ReportFact(D(2022, 11, 3), completed=True, has_evidence=True)
    assert status(DeadlineKind.DATE, [late], D(2022, 11, 1), due) == UnitStatus.OVERDUE
    result = compute(kind=DeadlineKind.DATE, due=due, year=2022, starts_on=START, reports=[late], today=D(2022, 11, 5))
    assert (result.status, result.late, result.completed_on) == (UnitStatus.DONE, True, D(2022, 11, 3))


def test_a_returned_report_does_not_count() -> None:
    due = D(2022, 10, 30)
    returned = ReportFact(D(2022, 10, 1), completed=True, has_evidence=True, returned=True)
    assert status(DeadlineKind.DATE, [returned], D(2022, 10, 2), due) == UnitStatus.NOT_STARTED
    assert status(DeadlineKind.DATE, [returned], D(2022, 11, 1), due) == UnitStatus.OVERDUE


def test_a_task_without_deadline_is_due_at_the_end_of_the_year() -> None:
    assert status(DeadlineKind.NONE, [], D(2022, 12, 31)) == UnitStatus.NOT_STARTED
    assert status(DeadlineKind.NONE, [], D(2023, 1, 1)) == UnitStatus.OVERDUE


def test_a_monthly_task_expects_a_report_every_month_from_the_month_after_issue() -> None:
    june = ReportFact(D(2022, 6, 20))
    july = ReportFact(D(2022, 7, 5))
    # May (issued on the 26th) owes nothing; June owes a report by 30 June.
    assert status(DeadlineKind.MONTHLY, [], D(2022, 6, 15)) == UnitStatus.NOT_STARTED
    assert status(DeadlineKind.MONTHLY, [june], D(2022, 6, 21)) == UnitStatus.IN_PROGRESS
    assert status(DeadlineKind.MONTHLY, [], D(2022, 7, 1)) == UnitStatus.OVERDUE
    assert status(DeadlineKind.MONTHLY, [june, july], D(2022, 7, 31)) == UnitStatus.IN_PROGRESS
    result = compute(
        kind=DeadlineKind.MONTHLY, due=None, year=2022, starts_on=START, reports=[june, july], today=D(2022, 9, 2)
    )
    assert (result.status, result.missing_months) == (UnitStatus.OVERDUE, ("2022-08",))
    every_month = [ReportFact(D(2022, m, 10)) for m in range(6, 13)]
    assert status(DeadlineKind.MONTHLY, every_month, D(2023, 1, 5)) == UnitStatus.DONE


def test_a_continuous_task_is_judged_by_its_evidence() -> None:
    words_only = ReportFact(D(2022, 6, 10))
    evidence = ReportFact(D(2022, 7, 1), has_evidence=True)
    assert status(DeadlineKind.CONTINUOUS, [], D(2022, 6, 1)) == UnitStatus.NOT_STARTED
    assert status(DeadlineKind.CONTINUOUS, [words_only], D(2022, 6, 11)) == UnitStatus.IN_PROGRESS
    assert status(DeadlineKind.CONTINUOUS, [words_only, evidence], D(2022, 7, 2)) == UnitStatus.DONE
    # Evidence older than a quarter no longer shows the task is being done.
    assert status(DeadlineKind.CONTINUOUS, [evidence], D(2022, 9, 30)) == UnitStatus.DONE
    assert status(DeadlineKind.CONTINUOUS, [evidence], D(2022, 10, 1)) == UnitStatus.OVERDUE
    # Nothing at all for a quarter after the plan was issued.
    assert status(DeadlineKind.CONTINUOUS, [], D(2022, 8, 26)) == UnitStatus.OVERDUE
    # After the year, judged as of 31 December.
    december = ReportFact(D(2022, 12, 1), has_evidence=True)
    assert status(DeadlineKind.CONTINUOUS, [december], D(2023, 6, 1)) == UnitStatus.DONE
