"""Login, password change, and the administrators' user and grant management."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views import generic

from tuyengiao.core.forms import form_add_errors
from tuyengiao.core.views import ObjectDetailView, ObjectListView, ScopedMixin, ServiceFormMixin

from . import services
from .filters import UserFilterSet
from .forms import GrantForm, LoginForm, UserCreateForm, UserEditForm
from .models import Grant, User


class LoginView(auth_views.LoginView):
    public = True
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    public = True


class PasswordChangeView(auth_views.PasswordChangeView):
    permission_action = "authenticated"
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        for f in form.fields.values():
            f.widget.attrs.setdefault("class", "form-control")
        return form


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    permission_action = "authenticated"
    template_name = "accounts/password_change_done.html"


def _unit_choices(user, perm: str):
    """Units in force on which `user` holds `perm`: the dropdowns offer nothing else."""
    from django.apps import apps

    Unit = apps.get_model("org", "Unit")
    return Unit.objects.restrict_perm(user, perm).filter(valid_to__isnull=True).order_by("sort_key")


class UserListView(ObjectListView):
    model = User
    filterset_class = UserFilterSet
    columns = [(_("Full name"), "full_name"), (_("Username"), "username"), (_("Unit"), "home_unit.name"),
               (_("Active"), "is_active")]

    def get_queryset(self):
        return super().get_queryset().select_related("home_unit")


class UserDetailView(ObjectDetailView):
    model = User
    template_name = "accounts/user_detail.html"
    fields = ["username", "full_name", "email", "home_unit", "is_active", "last_login"]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["grants"] = self.object.grants.select_related("unit").order_by("-valid_to", "unit__sort_key")
        ctx["can_grant"] = self.can("change", self.object)
        if "grant_form" not in ctx:  # GrantCreateView passes its bound form back with its errors
            ctx["grant_form"] = GrantForm(unit_queryset=_unit_choices(user, "accounts.add_grant")) if ctx["can_grant"] else None
        return ctx


class UserCreateView(ServiceFormMixin, ScopedMixin, generic.FormView):
    model = User
    permission_action = "add"
    template_name = "core/object_form.html"

    def get_form(self, form_class=None):
        return UserCreateForm(self.request.POST or None, unit_queryset=_unit_choices(self.request.user, "accounts.add_user"))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["is_new"] = True
        return ctx

    @property
    def success_message(self):
        return _("Account created. Now give it a role on a unit.")

    def perform(self, d):
        return services.user_create(username=d["username"], full_name=d["full_name"], email=d["email"],
                                    home_unit=d["home_unit"], password=d["password"], by=self.request.user)


class UserEditView(ServiceFormMixin, ScopedMixin, generic.FormView):
    model = User
    permission_action = "change"
    template_name = "core/object_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = get_object_or_404(User.objects.restrict(request.user, "change"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        o = self.object
        return UserEditForm(self.request.POST or None, unit_queryset=_unit_choices(self.request.user, "accounts.change_user"),
                            initial={"full_name": o.full_name, "email": o.email, "home_unit": o.home_unit_id,
                                     "is_active": o.is_active})

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(object=self.object, is_new=False)
        return ctx

    def perform(self, data):
        return services.user_update(user=self.object, data=data, by=self.request.user)


class GrantCreateView(ScopedMixin, generic.View):
    model = Grant
    permission_action = "add"

    def post(self, request, user_pk):
        target = get_object_or_404(User.objects.restrict(request.user, "view"), pk=user_pk)
        form = GrantForm(request.POST, unit_queryset=_unit_choices(request.user, "accounts.add_grant"))
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.grant_create(user=target, unit=d["unit"], role=d["role"], valid_from=d["valid_from"],
                                      note=d["note"], by=request.user)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("Role granted."))
                return HttpResponseRedirect(target.get_absolute_url())
        # The user's page again, the errors at the form's fields and what was entered kept.
        page = UserDetailView()
        page.setup(request, pk=target.pk)
        page.object = target
        return page.render_to_response(page.get_context_data(object=target, grant_form=form))


class GrantRevokeView(ScopedMixin, generic.View):
    model = Grant
    permission_action = "delete"

    def post(self, request, pk):
        grant = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            services.grant_revoke(grant=grant, by=request.user, reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Role revoked."))
        return HttpResponseRedirect(grant.user.get_absolute_url())
