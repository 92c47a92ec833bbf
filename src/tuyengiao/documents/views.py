"""Document register pages: the issuer profiles (letterheads) of the units."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from tuyengiao.core.views import ObjectCloseView, ObjectDetailView, ObjectFormView, ObjectListView
from tuyengiao.org.models import Unit, active_on

from . import selectors, services
from .filters import IssuerProfileFilterSet
from .forms import IssuerProfileForm
from .models import IssuerProfile


class IssuerProfileListView(ObjectListView):
    model = IssuerProfile
    filterset_class = IssuerProfileFilterSet
    columns = [(_("Issuing body line"), "issuer_line"), (_("Issuing unit"), "unit.name"), (_("From"), "valid_from"),
               (_("To"), "valid_to"), (_("Annex page numbers"), "get_annex_pages_display")]

    def get_queryset(self):
        return super().get_queryset().select_related("unit")


class IssuerProfileDetailView(ObjectDetailView):
    model = IssuerProfile
    template_name = "documents/issuerprofile_detail.html"
    fields = ["unit", "valid_from", "valid_to", "superior_line", "issuer_line", "place", "signature_authority",
              "signature_position", "signer_name", "annex_pages", "margin_top", "margin_bottom", "margin_left",
              "margin_right"]

    def get_queryset(self):
        return super().get_queryset().select_related("unit")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        profile = self.object
        ctx["recipient_lines"] = profile.recipient_lines()
        # Issued documents reprint with the letterhead of their date: editing this one changes them too.
        issued = selectors.register_for(user=self.request.user, issuer=profile.unit).filter(
            issued_on__gte=profile.valid_from)
        if profile.valid_to:
            issued = issued.filter(issued_on__lte=profile.valid_to)
        ctx["issued_count"] = issued.count()
        return ctx


class IssuerProfileFormView(ObjectFormView):
    model = IssuerProfile
    form_class = IssuerProfileForm
    template_name = "documents/issuerprofile_form.html"

    def get_initial(self):
        if self.object is not None:  # an edit shows what is stored: initial values would override it
            return {}
        return {"unit": self.request.GET.get("unit"), "valid_from": dt.date.today()}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        # Only units where the user may set a letterhead; a profile's own unit stays listed while edited.
        shown = active_on(dt.date.today())
        if self.object is not None:
            shown |= Q(pk=self.object.unit_id)
        form.fields["unit"].queryset = Unit.objects.restrict_perm(self.request.user, self.perm()).filter(shown).order_by("sort_key")
        return form

    def save(self, form):
        data = dict(form.cleaned_data)
        if self.object is None:
            return services.issuer_profile_create(data=data, by=self.request.user)
        return services.issuer_profile_update(profile=self.object, data=data, by=self.request.user)

    def get_success_url(self):
        return reverse("documents:issuerprofile_detail", args=[self.object.pk])


class IssuerProfileCloseView(ObjectCloseView):
    """End a letterhead on a date (it stays for the documents dated in its range)."""

    model = IssuerProfile

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        raw = request.POST.get("valid_to", "")
        try:
            on = dt.datetime.strptime(raw, "%d/%m/%Y").date() if raw else dt.date.today()
            services.issuer_profile_close(profile=self.object, on=on, by=request.user,
                                          reason=request.POST.get("reason", ""))
        except ValueError:
            messages.error(request, _("Enter a date as dd/mm/yyyy."))
            return self.get(request, *args, **kwargs)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return self.get(request, *args, **kwargs)
        messages.success(request, _("Closed."))
        return HttpResponseRedirect(reverse("documents:issuerprofile_detail", args=[self.object.pk]))
