import pytest
from django.core import mail

from gongkai.core.models import Notification
from gongkai.core.notifications import notify
from gongkai.core.tests.factories import make_user


@pytest.mark.django_db
def test_notifications_are_written_only_when_the_transaction_commits(django_capture_on_commit_callbacks) -> None:
    user = make_user("reader")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([user], "待初审：测试信息", "/staff/items/1/")
    assert not Notification.objects.exists()
    for callback in callbacks:
        callback()
    note = Notification.objects.get()
    assert (note.user, note.message, note.url) == (user, "待初审：测试信息", "/staff/items/1/")
    assert not mail.outbox


@pytest.mark.django_db
def test_mail_is_sent_when_configured_and_inactive_users_are_skipped(
    settings, django_capture_on_commit_callbacks
) -> None:
    settings.GONGKAI_EMAIL_NOTIFICATIONS = True
    active = make_user("active")
    active.email = "active@example.gov.cn"
    active.save()
    gone = make_user("gone")
    gone.is_active = False
    gone.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify([active, gone], "待发布：测试信息", "/staff/items/2/")
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["active"]
    assert [m.to for m in mail.outbox] == [["active@example.gov.cn"]]
    assert "待发布" in mail.outbox[0].subject
