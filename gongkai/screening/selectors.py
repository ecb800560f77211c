"""Reads for screening: the context of a run (wording rules, the body's own contact
data), loaded once and handed to the pure detectors."""

from collections.abc import Iterable

from gongkai.core.models import Organisation

from .detectors import ScreenContext, WordingTerm
from .models import WordingRule, WordingSeverity


def active_wording_terms() -> tuple[WordingTerm, ...]:
    rows = WordingRule.objects.filter(is_active=True).values_list("term", "category", "severity", "suggestion")
    return tuple(
        WordingTerm(term, category, "block" if severity == WordingSeverity.BLOCK else "warn", suggestion)
        for term, category, severity, suggestion in rows
    )


def screen_context(
    *,
    organisation: Organisation | None = None,
    phones: Iterable[str] = (),
    addresses: Iterable[str] = (),
    emails: Iterable[str] = (),
) -> ScreenContext:
    """The context for screening what `organisation` publishes: its own published office
    phone, fax, address and e-mail (from its record, the 公开指南 contact data) are not
    personal data; the active wording rules apply. One query for the rules."""
    own_phones = list(phones)
    own_addresses = list(addresses)
    own_emails = list(emails)
    if organisation is not None:
        own_phones += [organisation.phone, organisation.fax]
        own_addresses.append(organisation.address)
        own_emails.append(organisation.email)
    return ScreenContext.build(
        phones=[p for p in own_phones if p],
        addresses=[a for a in own_addresses if a],
        emails=[e for e in own_emails if e],
        wording=active_wording_terms(),
    )
