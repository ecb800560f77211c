from datetime import timedelta

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from gongkai.core import selectors
from gongkai.core.models import Organisation

# Failed logins per account before it is locked for the window (brute-force guard).
MAX_FAILED_LOGINS = 5
FAILED_LOGIN_WINDOW = timedelta(minutes=15)


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing an account after repeated failures. The failures
    are read from the audit trail, so every server process sees the same count."""

    def clean(self) -> dict[str, object]:
        username = str(self.data.get("username", "")).strip()
        since = timezone.now() - FAILED_LOGIN_WINDOW
        if username and selectors.failed_logins_since(username, since) >= MAX_FAILED_LOGINS:
            raise forms.ValidationError("该账号登录失败次数过多，请15分钟后再试。", code="throttled")
        return super().clean()


class ContactForm(forms.ModelForm):
    """The 公开指南 contact data (条例第十二条). Saving goes through the service."""

    class Meta:
        model = Organisation
        fields = ("office_name", "address", "office_hours", "phone", "fax", "email", "postcode")

    def clean_postcode(self) -> str:
        value: str = self.cleaned_data["postcode"].strip()
        if value and not (len(value) == 6 and value.isdigit()):
            raise forms.ValidationError("邮政编码应为6位数字。")
        return value
