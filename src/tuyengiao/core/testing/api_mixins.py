"""Generic API test mixins (after NetBox's utilities/testing/api.py `APIViewTestCases`).

A model's API suite is a class with a few attributes that inherits the actions it exposes:

    class TestTermAPI(APIViewTestCases.GetObject, APIViewTestCases.ListObjects,
                      APIViewTestCases.CreateObject, APIViewTestCases.UpdateObject):
        model = Term
        basename = "term"                       # reverse("api:term-list")
        def make_in_scope(self, cast): ...      # an object in unit A (cast.a's subtree)
        def make_out_of_scope(self, cast): ...  # an object in unit B
        def create_data(self, cast): ...        # valid POST data placing the object in A
        update_data = {"name": "Khóa II"}       # or a method update_data(self, cast)

Each action runs as anonymous (401/403), as `nobody` (no grant: 403 on a list, 404 on an object),
as `persona` (holds the permission over A: 200/201/204) and as `outsider` (holds it over B only:
404 on A's object, A's objects absent from the list, cannot place an object in A).
`persona_role` / `outsider_role` give those personas an extra role on A / B for the suite (for
actions only an administrator may do).
"""
from __future__ import annotations

import pytest
from django.urls import reverse

from tuyengiao.accounts.models import Grant
from tuyengiao.core.audit import history_for
from tuyengiao.core.permissions import forget
from tuyengiao.core.testing.personas import START

DENIED_ANONYMOUS = (401, 403)


class APIViewTestCases:
    class Base:
        model = None
        basename: str = ""
        persona = "officer_a"
        persona_role: str | None = None
        outsider = "officer_b"
        outsider_role: str | None = None

        @pytest.fixture(autouse=True)
        def _scene(self, cast, api_for):
            self.cast = cast
            self.api_for = api_for
            for name, role, unit in ((self.persona, self.persona_role, cast.a),
                                     (self.outsider, self.outsider_role, cast.b)):
                if role:
                    user = cast.persona(name)
                    Grant.objects.create(user=user, unit=unit, role=role, valid_from=START)
                    forget(user)

        def make_in_scope(self, cast):
            raise NotImplementedError

        def make_out_of_scope(self, cast):
            raise NotImplementedError

        def list_url(self) -> str:
            return reverse(f"api:{self.basename}-list")

        def detail_url(self, obj) -> str:
            return reverse(f"api:{self.basename}-detail", args=[obj.pk])

        def list_ids(self, name) -> list[int]:
            response = self.api_for(name).get(self.list_url(), {"limit": 1000})
            assert response.status_code == 200, response.content
            return [row["id"] for row in response.json()["results"]]

    class GetObject(Base):
        def test_get_anonymous(self):
            obj = self.make_in_scope(self.cast)
            assert self.api_for(None).get(self.detail_url(obj)).status_code in DENIED_ANONYMOUS

        def test_get_without_permission(self):
            obj = self.make_in_scope(self.cast)
            assert self.api_for("nobody").get(self.detail_url(obj)).status_code == 404

        def test_get_in_scope(self):
            obj = self.make_in_scope(self.cast)
            response = self.api_for(self.persona).get(self.detail_url(obj))
            assert response.status_code == 200, response.content
            assert response.json()["id"] == obj.pk

        def test_get_out_of_scope(self):
            obj = self.make_in_scope(self.cast)
            assert self.api_for(self.outsider).get(self.detail_url(obj)).status_code == 404

    class ListObjects(Base):
        def test_list_anonymous(self):
            assert self.api_for(None).get(self.list_url()).status_code in DENIED_ANONYMOUS

        def test_list_without_permission(self):
            assert self.api_for("nobody").get(self.list_url()).status_code == 403

        def test_list_is_scoped(self):
            mine, theirs = self.make_in_scope(self.cast), self.make_out_of_scope(self.cast)
            ids = self.list_ids(self.persona)
            assert mine.pk in ids
            assert theirs.pk not in ids
            outsider_ids = self.list_ids(self.outsider)
            assert theirs.pk in outsider_ids
            assert mine.pk not in outsider_ids

    class CreateObject(Base):
        def create_data(self, cast) -> dict:
            raise NotImplementedError

        def _post(self, name):
            return self.api_for(name).post(self.list_url(), self.create_data(self.cast), format="json")

        def test_create_anonymous(self):
            before = self.model.objects.count()
            assert self._post(None).status_code in DENIED_ANONYMOUS
            assert self.model.objects.count() == before

        def test_create_without_permission(self):
            before = self.model.objects.count()
            assert self._post("nobody").status_code == 403
            assert self.model.objects.count() == before

        def test_create_in_scope(self):
            response = self._post(self.persona)
            assert response.status_code == 201, response.content
            obj = self.model.objects.get(pk=response.json()["id"])
            assert history_for(obj).filter(actor=self.cast.persona(self.persona)).exists(), "the write is audited"

        def test_create_out_of_scope(self):
            before = self.model.objects.count()
            response = self._post(self.outsider)
            assert response.status_code in (400, 403, 404), response.content
            assert self.model.objects.count() == before

    class UpdateObject(Base):
        update_data: dict = {}

        def get_update_data(self, cast) -> dict:
            data = self.update_data
            return data(cast) if callable(data) else dict(data)

        def test_update_anonymous(self):
            obj = self.make_in_scope(self.cast)
            response = self.api_for(None).patch(self.detail_url(obj), self.get_update_data(self.cast), format="json")
            assert response.status_code in DENIED_ANONYMOUS

        def test_update_without_permission(self):
            obj = self.make_in_scope(self.cast)
            response = self.api_for("nobody").patch(self.detail_url(obj), self.get_update_data(self.cast), format="json")
            assert response.status_code == 404

        def test_update_in_scope(self):
            obj = self.make_in_scope(self.cast)
            data = self.get_update_data(self.cast)
            response = self.api_for(self.persona).patch(self.detail_url(obj), data, format="json")
            assert response.status_code == 200, response.content
            body = response.json()
            for key, value in data.items():
                assert body[key] == value, key
            assert history_for(obj).filter(actor=self.cast.persona(self.persona)).exists(), "the write is audited"

        def test_update_out_of_scope(self):
            obj = self.make_in_scope(self.cast)
            data = self.get_update_data(self.cast)
            response = self.api_for(self.outsider).patch(self.detail_url(obj), data, format="json")
            assert response.status_code == 404
            assert not history_for(obj).filter(actor=self.cast.persona(self.outsider)).exists()

    class CloseObject(Base):
        """DELETE ends an effective-dated object (valid_to); the row stays."""

        def test_close_anonymous(self):
            obj = self.make_in_scope(self.cast)
            assert self.api_for(None).delete(self.detail_url(obj)).status_code in DENIED_ANONYMOUS

        def test_close_without_permission(self):
            obj = self.make_in_scope(self.cast)
            assert self.api_for("nobody").delete(self.detail_url(obj)).status_code == 404

        def test_close_out_of_scope(self):
            obj = self.make_in_scope(self.cast)
            assert self.api_for(self.outsider).delete(self.detail_url(obj)).status_code == 404
            obj.refresh_from_db()
            assert obj.valid_to is None

        def test_close_in_scope_keeps_the_row(self):
            obj = self.make_in_scope(self.cast)
            response = self.api_for(self.persona).delete(self.detail_url(obj))
            assert response.status_code == 204, response.content
            obj.refresh_from_db()  # not hard-deleted
            assert obj.valid_to is not None

    class APIViewTestCase(GetObject, ListObjects, CreateObject, UpdateObject, CloseObject):
        """Every action: subclass for an effective-dated model with full CRUD."""
