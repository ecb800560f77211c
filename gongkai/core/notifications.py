"""In-app notifications (and e-mail when configured), sent after the transaction commits."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Notification, User

logger = logging.getLogger(__name__)


def notify(users: Iterable[User], message: str, url: str = "") -> None:
    """Queue a notification for each user; written and mailed only if the caller's
    transaction commits."""
    recipients = {u.pk: u for u in users if u.is_active}
    if not recipients:
        return

    def deliver() -> None:
        Notification.objects.bulk_create(
            [Notification(user=u, message=message[:300], url=url[:300]) for u in recipients.values()]
        )
        if getattr(settings, "GONGKAI_EMAIL_NOTIFICATIONS", False):
            for user in recipients.values():
                if user.email:
                    try:
                        send_mail(f"[政务公开] {message[:60]}", f"{message}\n{url}", None, [user.email])
                    except OSError:
                        logger.exception("notification e-mail to %s failed", user.email)

    transaction.on_commit(deliver)


def notifications_mark_read(*, user: User, pks: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read: those in `pks`, or all of them.
    Returns how many changed; other users' notifications are never touched. Reading
    changes nothing of the domain, so it leaves no audit record."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if pks is not None:
        unread = unread.filter(pk__in=list(pks))
    return unread.update(read_at=timezone.now())
