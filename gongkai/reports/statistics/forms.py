"""The filter of the statistics page: a body in the user's scope (with or without its
descendants) and a year or a date range. Validation at the edge, messages in Chinese."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import Organisation

from . import Filters, Period

#: The 条例 took effect on 2008-05-01; no openness data is older.
FIRST_YEAR = 2008
#: A date range longer than this is refused (the monthly chart would be unreadable).
MAX_RANGE_DAYS = 5 * 366


class StatisticsForm(forms.Form):
    org = forms.TypedChoiceField(label=_("机构"), required=False, coerce=int, empty_value=None)
    descendants = forms.ChoiceField(
        label=_("范围"),
        choices=[("1", _("含下级机构")), ("0", _("仅本机构"))],
        required=False,
        help_text=_("选择了机构时适用。"),
    )
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)
    start = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, data: Any, *, scope: Sequence[Organisation], today: dt.date) -> None:
        super().__init__(data, initial={"year": today.year, "descendants": "1"})
        self.today = today
        self.scope = {org.pk: org for org in scope}
        top = min((org.depth for org in scope), default=0)
        org_field = self.fields["org"]
        assert isinstance(org_field, forms.TypedChoiceField)  # noqa: S101
        org_field.choices = [("", _("全部机构")), *((o.pk, "　" * (o.depth - top) + o.name) for o in scope)]
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.TypedChoiceField)  # noqa: S101
        year_field.choices = [(y, f"{y}年") for y in range(today.year, FIRST_YEAR - 1, -1)]
        self.fields["start"].help_text = _("填写起止日期时按日期范围统计，不再按年度。")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if (start is None) != (end is None):
            raise forms.ValidationError(_("按日期范围统计时，请同时填写起始日期和截止日期。"))
        if start is not None and end is not None:
            if start > end:
                self.add_error("end", _("截止日期不能早于起始日期。"))
            elif (end - start).days >= MAX_RANGE_DAYS:
                self.add_error("end", _("日期范围不能超过五年。"))
        return data

    def filters(self) -> Filters:
        """The filters asked for (the defaults when the form was not submitted)."""
        data = self.cleaned_data if self.is_bound else {}
        start, end = data.get("start"), data.get("end")
        period = Period(start, end) if start and end else Period.year(data.get("year") or self.today.year)
        org_id = data.get("org")
        organisation = self.scope.get(org_id) if org_id is not None else None
        descendants = data.get("descendants") != "0"  # with descendants unless excluded
        return Filters(period=period, organisation=organisation, descendants=descendants)
