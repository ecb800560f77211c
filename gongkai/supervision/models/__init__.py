"""Supervision models: a year's plan of key tasks, the responsible units of each task, their
progress reports with evidence, reminders sent, and the plan's scoring scheme.

Dependencies point inward: supervision imports core (Organisation, User) and publishing
(InfoItem, as evidence); neither of them imports supervision.
"""

from .plans import Task, TaskPlan, TaskUnit
from .progress import Evidence, ProgressReport, Reminder, ReminderKind, ReportState
from .scoring import ScoringScheme

__all__ = [
    "Evidence",
    "ProgressReport",
    "Reminder",
    "ReminderKind",
    "ReportState",
    "ScoringScheme",
    "Task",
    "TaskPlan",
    "TaskUnit",
]
