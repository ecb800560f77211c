"""Core models: organisations, sites, users and their roles, the audit trail, the calendar.

Dependencies point inward: every other app may import from core; core imports from no
other Gongkai app.
"""

from .audit import AuditChainHead, AuditRecord
from .calendar import CalendarOverride, DayKind
from .notifications import Notification
from .organisations import Organisation, OrganisationKind
from .roles import Role, RoleAssignment
from .sites import Site, SiteColumn, SiteColumnKind
from .users import User

__all__ = [
    "AuditChainHead",
    "AuditRecord",
    "CalendarOverride",
    "DayKind",
    "Notification",
    "Organisation",
    "OrganisationKind",
    "Role",
    "RoleAssignment",
    "Site",
    "SiteColumn",
    "SiteColumnKind",
    "User",
]
