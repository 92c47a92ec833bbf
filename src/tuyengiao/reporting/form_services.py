"""Writes for the form-version editor that reporting.services does not have: removing a section, an
indicator or a rule from a DRAFT version.

A draft has never been reported on (reports are made on published versions only), so its rows are
removed for good; the audit entry keeps a full snapshot of what was removed. A published version never
changes (the services refuse it), and a removal that would break the rest of the draft is refused with
the reason: an indicator still weighting another or used by a rule, a section still holding indicators."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuyengiao.core import audit
from tuyengiao.core.services import ensure_perm

from . import expressions
from .models import FormVersion, Indicator, Section, ValidationRule


def _lock_draft(form: FormVersion, by) -> FormVersion:
    form = FormVersion.objects.select_for_update().select_related("regime__receiving_unit").get(pk=form.pk)
    ensure_perm(user=by, obj=form, action="change")
    if form.is_published:
        raise ValidationError(
            _("Version %(n)s of this form is published and cannot change: make a new version instead.")
            % {"n": form.number}, code="published")
    return form


@transaction.atomic
def form_item_remove(*, form: FormVersion, item: Section | Indicator | ValidationRule, by) -> None:
    form = _lock_draft(form, by)
    if item.form_id != form.pk:
        raise ValidationError(_("This row belongs to another form version."))
    if isinstance(item, Indicator):
        weighted = list(form.indicators.filter(weight_indicator=item).values_list("code", flat=True))
        if weighted:
            raise ValidationError(_("%(code)s weights %(others)s: change those indicators first.")
                                  % {"code": item.code, "others": ", ".join(weighted)}, code="in_use")
        used = [r.expression for r in form.rules.all() if item.code in _names(r.expression)]
        if used:
            raise ValidationError(_("%(code)s is used by the rule %(rules)s: change or remove the rule first.")
                                  % {"code": item.code, "rules": "; ".join(used)}, code="in_use")
    elif isinstance(item, Section):
        if item.indicators.exists():
            raise ValidationError(_("The section still holds indicators: remove or move them first."),
                                  code="in_use")
    snapshot = audit.snapshot(item)
    kind = item._meta.model_name
    item.delete()
    audit.record(actor=by, action="update", obj=form, before={kind: snapshot}, after={kind: None},
                 reason=_("Removed from a draft form version."))


def _names(expression: str) -> frozenset[str]:
    try:
        return expressions.parse(expression).names
    except expressions.ExpressionError:
        return frozenset()
