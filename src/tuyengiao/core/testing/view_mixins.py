"""Generic page tests (after NetBox's ViewTestCases): a model's suite subclasses these with a few
attributes, and every action runs as anonymous, a user without permission, an in-scope persona and
an out-of-scope persona (who must get 404, never the data).

Attributes a subclass sets:
    url_ns        "org:person"           (list = url_ns + "_list", detail = "_detail", add, edit)
    in_scope      persona that may act on A's objects (default "officer_a")
    out_scope     persona of sibling unit B (default "officer_b")
    make_object(cast) -> object in unit A's subtree
    add_data(cast) -> POST data for the add form (or None to skip)
    edit_data(cast, obj) -> POST data for the edit form (or None to skip)
    list_text(obj) -> text that identifies obj in a list page
"""
from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse


@pytest.mark.django_db
class ViewTestCases:
    url_ns: str = ""
    in_scope = "officer_a"
    out_scope = "officer_b"

    def make_object(self, cast):
        raise NotImplementedError

    def add_data(self, cast):
        return None

    def edit_data(self, cast, obj):
        return None

    def list_text(self, obj) -> str:
        return str(obj)

    def _url(self, suffix, *args):
        try:
            return reverse(f"{self.url_ns}_{suffix}", args=args)
        except NoReverseMatch:
            pytest.skip(f"{self.url_ns}_{suffix} has no page")

    # --- list -------------------------------------------------------------------------------
    def test_list_anonymous_redirects_to_login(self, client, cast):
        resp = client.get(self._url("list"))
        assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]

    def test_list_without_permission_is_404(self, client_for, cast):
        assert client_for("nobody").get(self._url("list")).status_code == 404

    def test_list_in_scope_shows_object(self, client_for, cast):
        obj = self.make_object(cast)
        resp = client_for(self.in_scope).get(self._url("list"))
        assert resp.status_code == 200
        assert self.list_text(obj) in resp.content.decode()

    def test_list_out_of_scope_hides_object(self, client_for, cast):
        obj = self.make_object(cast)
        resp = client_for(self.out_scope).get(self._url("list"))
        assert resp.status_code in (200, 404)
        assert self.list_text(obj) not in resp.content.decode()

    def test_list_htmx_fragment(self, client_for, cast):
        obj = self.make_object(cast)
        resp = client_for(self.in_scope).get(self._url("list"), HTTP_HX_REQUEST="true")
        assert resp.status_code == 200
        body = resp.content.decode()
        assert self.list_text(obj) in body and "<html" not in body

    # --- detail -----------------------------------------------------------------------------
    def test_detail_in_scope(self, client_for, cast):
        obj = self.make_object(cast)
        resp = client_for(self.in_scope).get(obj.get_absolute_url())
        assert resp.status_code == 200

    def test_detail_out_of_scope_is_404(self, client_for, cast):
        obj = self.make_object(cast)
        assert client_for(self.out_scope).get(obj.get_absolute_url()).status_code == 404

    def test_detail_anonymous_redirects(self, client, cast):
        obj = self.make_object(cast)
        assert client.get(obj.get_absolute_url()).status_code == 302

    # --- add / edit ---------------------------------------------------------------------------
    def test_add_creates_and_audits(self, client_for, cast):
        from tuyengiao.core.models import AuditEntry

        data = self.add_data(cast)
        if data is None:
            pytest.skip("no add form")
        url = self._url("add")
        model = self.model_class()
        before = model.objects.count()
        resp = client_for(self.in_scope).post(url, data)
        assert resp.status_code == 302, _errors(resp)
        assert model.objects.count() == before + 1
        created = model.objects.order_by("-pk").first()
        assert AuditEntry.objects.filter(object_id=str(created.pk), action="create").exists()

    def test_add_invalid_shows_errors_and_saves_nothing(self, client_for, cast):
        if self.add_data(cast) is None:
            pytest.skip("no add form")
        model = self.model_class()
        before = model.objects.count()
        resp = client_for(self.in_scope).post(self._url("add"), {})
        assert resp.status_code == 200
        assert "is-invalid" in resp.content.decode()
        assert model.objects.count() == before

    def test_edit_in_scope_audits_before_and_after(self, client_for, cast):
        from tuyengiao.core.models import AuditEntry

        obj = self.make_object(cast)
        data = self.edit_data(cast, obj)
        if data is None:
            pytest.skip("no edit form")
        resp = client_for(self.in_scope).post(self._url("edit", obj.pk), data)
        assert resp.status_code == 302, _errors(resp)
        entry = AuditEntry.objects.filter(object_id=str(obj.pk), action="update").first()
        assert entry is not None and entry.before and entry.after and entry.before != entry.after

    def test_edit_out_of_scope_is_404(self, client_for, cast):
        obj = self.make_object(cast)
        data = self.edit_data(cast, obj)
        if data is None:
            pytest.skip("no edit form")
        resp = client_for(self.out_scope).post(self._url("edit", obj.pk), data)
        assert resp.status_code == 404

    def model_class(self):
        from django.apps import apps

        app, model = self.url_ns.split(":")
        return apps.get_model(app, model)


def _errors(resp):
    ctx = getattr(resp, "context", None)
    if ctx and "form" in ctx:
        return ctx["form"].errors
    return resp.status_code
