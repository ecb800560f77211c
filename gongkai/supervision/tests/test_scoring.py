from decimal import Decimal

from gongkai.supervision.scoring import Scheme, TaskFact, score_unit
from gongkai.supervision.status import UnitStatus


def test_score_weights_credit_and_deductions() -> None:
    scheme = Scheme(full_score=Decimal(100), overdue_deduction=Decimal(2), returned_deduction=Decimal(1),
                    group_weights={1: Decimal(2)})  # fmt: skip
    facts = [
        TaskFact(group_no=1, weight=None, status=UnitStatus.DONE),  # weight 2, credit 1
        TaskFact(group_no=1, weight=None, status=UnitStatus.DONE, late=True, returned_reports=1),  # 2, 1
        TaskFact(group_no=2, weight=None, status=UnitStatus.IN_PROGRESS, percent=50),  # 1, 0.5
        TaskFact(group_no=2, weight=Decimal(3), status=UnitStatus.OVERDUE, percent=None),  # 3, 0
    ]
    score = score_unit(facts, scheme)
    # completion = (2 + 2 + 0.5 + 0) / 8 = 0.5625 → 56.25; deductions: 2 × (1 overdue + 1 late) + 1 × 1 = 5
    assert (score.tasks, score.done, score.overdue, score.late, score.returned) == (4, 2, 1, 1, 1)
    assert score.completion == Decimal("0.5625")
    assert score.deductions == Decimal("5.00")
    assert score.score == Decimal("51.25")


def test_score_never_goes_below_zero_and_no_tasks_scores_zero() -> None:
    scheme = Scheme(overdue_deduction=Decimal(50))
    facts = [TaskFact(group_no=None, weight=None, status=UnitStatus.OVERDUE)] * 3
    assert score_unit(facts, scheme).score == Decimal("0.00")
    assert score_unit([], scheme).score == Decimal("0.00")
