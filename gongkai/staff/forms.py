from django import forms

from gongkai.core.models import Organisation


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
