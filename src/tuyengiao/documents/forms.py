"""Forms of the document register. Dropdowns are scoped by the views (core.forms.apply_scope, and the
issuing unit to the units where the user may set a letterhead)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.forms import StyledModelForm
from tuyengiao.org.forms import UnitChoiceField

from .models import IssuerProfile


class IssuerProfileForm(StyledModelForm):
    class Meta:
        model = IssuerProfile
        fields = [
            "unit", "valid_from", "valid_to", "superior_line", "issuer_line", "place",
            "signature_authority", "signature_position", "signer_name", "recipients",
            "annex_pages", "margin_top", "margin_bottom", "margin_left", "margin_right",
        ]
        field_classes = {"unit": UnitChoiceField}
        widgets = {"recipients": forms.Textarea(attrs={"rows": 6}), "annex_pages": forms.RadioSelect}
        help_texts = {
            "valid_to": _("Leave empty while the letterhead is in use."),
            "superior_line": _("First letterhead line, e.g. THÀNH ỦY HẢI PHÒNG; saved in capitals."),
            "issuer_line": _("Second letterhead line, e.g. BAN TUYÊN GIÁO VÀ DÂN VẬN; saved in capitals."),
        }
        autofocus = ("unit",)

