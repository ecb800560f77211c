"""Supervision of the year's key tasks (重点工作任务督办): the responsibility table of a
key-points document made live — import, progress reports with evidence, status per unit,
dashboards, reminders, look-back (回头看) and the assessment score (目标绩效考核)."""
