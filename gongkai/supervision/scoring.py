"""The assessment score of a unit on a plan (目标绩效考核). Pure.

The seed asks that openness weigh at least 4 % in the performance assessment
(“政务公开工作在目标绩效考核体系分值权重不低于4%”); this module gives each responsible unit
the score the assessment office converts into that share.

- Each of the unit's tasks weighs its own weight, else its group's weight, else 1.
- Credit per task: done → 1; otherwise the progress last reported (percent / 100).
- completion = Σ weight × credit / Σ weight.
- Deductions: `overdue_deduction` for every task overdue or completed after its date,
  `returned_deduction` for every report the office returned.
- score = full_score × completion − deductions, never below 0, two decimals.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .status import UnitStatus

ONE = Decimal(1)
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Scheme:
    full_score: Decimal = Decimal(100)
    overdue_deduction: Decimal = Decimal("0.5")
    returned_deduction: Decimal = Decimal(1)
    group_weights: Mapping[int, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TaskFact:
    group_no: int | None
    weight: Decimal | None
    status: UnitStatus
    percent: int | None = None
    late: bool = False
    returned_reports: int = 0


@dataclass(frozen=True, slots=True)
class UnitScore:
    tasks: int
    done: int
    overdue: int
    late: int
    returned: int
    completion: Decimal
    deductions: Decimal
    score: Decimal


def weight_of(fact: TaskFact, scheme: Scheme) -> Decimal:
    if fact.weight is not None:
        return fact.weight
    if fact.group_no is not None and fact.group_no in scheme.group_weights:
        return scheme.group_weights[fact.group_no]
    return ONE


def credit_of(fact: TaskFact) -> Decimal:
    if fact.status == UnitStatus.DONE:
        return ONE
    if fact.percent is None:
        return Decimal(0)
    return Decimal(min(max(fact.percent, 0), 100)) / 100


def score_unit(facts: Iterable[TaskFact], scheme: Scheme) -> UnitScore:
    facts = list(facts)
    total_weight = sum((weight_of(f, scheme) for f in facts), Decimal(0))
    earned = sum((weight_of(f, scheme) * credit_of(f) for f in facts), Decimal(0))
    completion = earned / total_weight if total_weight > 0 else Decimal(0)
    overdue = sum(1 for f in facts if f.status == UnitStatus.OVERDUE)
    late = sum(1 for f in facts if f.status == UnitStatus.DONE and f.late)
    returned = sum(f.returned_reports for f in facts)
    deductions = scheme.overdue_deduction * (overdue + late) + scheme.returned_deduction * returned
    score = max(Decimal(0), scheme.full_score * completion - deductions)
    return UnitScore(
        tasks=len(facts),
        done=sum(1 for f in facts if f.status == UnitStatus.DONE),
        overdue=overdue,
        late=late,
        returned=returned,
        completion=completion.quantize(Decimal("0.0001"), ROUND_HALF_UP),
        deductions=deductions.quantize(CENT, ROUND_HALF_UP),
        score=score.quantize(CENT, ROUND_HALF_UP),
    )


def parse_group_weights(raw: Mapping[str, object]) -> dict[int, Decimal]:
    """The JSON stored on ScoringScheme ({"1": "2"}) → {1: Decimal("2")}."""
    return {int(k): Decimal(str(v)) for k, v in raw.items()}
