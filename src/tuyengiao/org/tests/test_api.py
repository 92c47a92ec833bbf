"""The organisation API: every endpoint through the generic scope suite, then filters, actions and
the rules users rely on (no hard delete, names only through rename, token authentication)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from tuyengiao.core.testing.api_mixins import APIViewTestCases
from tuyengiao.core.testing.personas import PASSWORD, START
from tuyengiao.org import services
from tuyengiao.org.filters import UnitFilterSet
from tuyengiao.org.models import (
    Cluster,
    Department,
    LineageEvent,
    Person,
    Position,
    Term,
    Unit,
    UnitName,
    UnitType,
)

pytestmark = pytest.mark.django_db


def chi_bo():
    return UnitType.objects.get(code="chi-bo")


def new_unit(parent, code, name, on=START):
    return services.unit_create(
        data=services.NewUnit(name=name, code=code, type=chi_bo(), parent=parent), valid_from=on, by=None
    )


def ids(response):
    assert response.status_code == 200, response.content
    body = response.json()
    return [row["id"] for row in (body["results"] if isinstance(body, dict) else body)]


# --- The generic suite, one class per endpoint --------------------------------------------------


class TestUnitAPI(APIViewTestCases.GetObject, APIViewTestCases.ListObjects, APIViewTestCases.CreateObject,
                  APIViewTestCases.UpdateObject):
    model = Unit
    basename = "unit"
    persona_role = "admin"  # only administrators create units
    outsider_role = "admin"

    def make_in_scope(self, cast):
        return cast.a1

    def make_out_of_scope(self, cast):
        return cast.b

    def create_data(self, cast):
        return {"parent": cast.a.pk, "type": chi_bo().pk, "code": "A2", "name": "Chi bộ thôn Tây",
                "valid_from": "2026-01-01"}

    def update_data(self, cast):
        return {"type": UnitType.objects.get(code="dang-uy-xa").pk}


class TestLineageEventAPI(APIViewTestCases.GetObject, APIViewTestCases.ListObjects):
    model = LineageEvent
    basename = "lineageevent"

    def make_in_scope(self, cast):
        return services.unit_rename(unit=cast.a1, on=dt.date(2026, 1, 1), name="Chi bộ thôn Đông Mới", code="A1",
                                    by=None)

    def make_out_of_scope(self, cast):
        b1 = new_unit(cast.b, "B1", "Chi bộ khối phố 1")
        return services.unit_rename(unit=b1, on=dt.date(2026, 1, 1), name="Chi bộ khối phố Một", code="B1", by=None)


class TestTermAPI(APIViewTestCases.APIViewTestCase):
    model = Term
    basename = "term"
    persona_role = "admin"  # ending a term is for administrators
    update_data = {"name": "Khóa I, nhiệm kỳ 2025–2030"}

    def make_in_scope(self, cast):
        return Term.objects.create(unit=cast.a, name="Khóa I", number=1, valid_from=dt.date(2025, 10, 1))

    def make_out_of_scope(self, cast):
        return Term.objects.create(unit=cast.b, name="Khóa I", number=1, valid_from=dt.date(2025, 10, 1))

    def create_data(self, cast):
        return {"unit": cast.a.pk, "name": "Khóa II", "number": 2, "valid_from": "2030-10-01"}


class TestDepartmentAPI(APIViewTestCases.APIViewTestCase):
    model = Department
    basename = "department"
    persona_role = "admin"
    update_data = {"name": "Văn phòng Đảng ủy"}

    def make_in_scope(self, cast):
        return Department.objects.create(unit=cast.a, code="VP", name="Văn phòng", valid_from=START)

    def make_out_of_scope(self, cast):
        return Department.objects.create(unit=cast.b, code="VP", name="Văn phòng", valid_from=START)

    def create_data(self, cast):
        return {"unit": cast.a.pk, "code": "TC", "name": "Ban Tổ chức", "valid_from": "2026-01-01"}


class TestPersonAPI(APIViewTestCases.GetObject, APIViewTestCases.ListObjects, APIViewTestCases.CreateObject,
                    APIViewTestCases.UpdateObject):
    model = Person
    basename = "person"
    update_data = {"phone": "0912 345 678"}

    def make_in_scope(self, cast):
        return Person.objects.create(full_name="Nguyễn Văn Ba", home_unit=cast.a1)

    def make_out_of_scope(self, cast):
        return Person.objects.create(full_name="Trần Thị Bốn", home_unit=cast.b)

    def create_data(self, cast):
        return {"full_name": "Lê Văn Năm", "gender": "m", "birth_year": 1980, "home_unit": cast.a.pk}


class TestPositionAPI(APIViewTestCases.APIViewTestCase):
    model = Position
    basename = "position"
    update_data = {"title": "Phó Bí thư"}

    def make_in_scope(self, cast):
        person = Person.objects.create(full_name="Nguyễn Văn Ba", home_unit=cast.a)
        return Position.objects.create(person=person, unit=cast.a, title="Bí thư", valid_from=START)

    def make_out_of_scope(self, cast):
        person = Person.objects.create(full_name="Trần Thị Bốn", home_unit=cast.b)
        return Position.objects.create(person=person, unit=cast.b, title="Bí thư", valid_from=START)

    def create_data(self, cast):
        person = Person.objects.create(full_name="Lê Văn Năm", home_unit=cast.a)
        return {"person": person.pk, "unit": cast.a.pk, "title": "Ủy viên", "valid_from": "2026-01-01"}


class TestClusterAPI(APIViewTestCases.GetObject, APIViewTestCases.ListObjects, APIViewTestCases.CreateObject,
                     APIViewTestCases.UpdateObject):
    model = Cluster
    basename = "cluster"
    update_data = {"name": "Cụm thi đua số 1 (điều chỉnh)"}

    def make_in_scope(self, cast):
        cluster = Cluster.objects.create(year=2026, name="Cụm thi đua số 1", organiser=cast.a, head=cast.a1)
        cluster.members.set([cast.a1])
        return cluster

    def make_out_of_scope(self, cast):
        return Cluster.objects.create(year=2026, name="Cụm thi đua số 1", organiser=cast.b)

    def create_data(self, cast):
        a2 = new_unit(cast.a, "A2", "Chi bộ thôn Tây")
        return {"year": 2026, "kind": "cluster", "name": "Cụm thi đua số 2", "organiser": cast.a.pk,
                "head": cast.a1.pk, "deputy": a2.pk, "members": [cast.a1.pk, a2.pk]}


# --- Units: filters, actions, rules --------------------------------------------------------------


def test_search_is_diacritics_insensitive(cast, api_for):
    found = ids(api_for("viewer").get(reverse("api:unit-list"), {"q": "dang uy"}))
    assert set(found) == {cast.a.pk, cast.b.pk}  # "Đảng ủy xã An Bình", "Đảng ủy phường Bến Thủy"
    assert ids(api_for("viewer").get(reverse("api:unit-list"), {"q": "BEN THUY"})) == [cast.b.pk]


def test_search_stays_in_scope(cast, api_for):
    assert ids(api_for("officer_a").get(reverse("api:unit-list"), {"q": "dang uy"})) == [cast.a.pk]


def test_ancestor_filter_gives_the_subtree(cast, api_for):
    found = ids(api_for("admin").get(reverse("api:unit-list"), {"ancestor": cast.a.pk}))
    assert set(found) == {cast.a.pk, cast.a1.pk}


def test_ancestor_out_of_scope_is_refused(cast, api_for):
    response = api_for("officer_a").get(reverse("api:unit-list"), {"ancestor": cast.b.pk})
    assert response.status_code == 400
    assert "ancestor" in response.json()


def test_closed_units_hidden_unless_asked(cast, api_for):
    services.unit_abolish(unit=cast.a1, on=dt.date(2026, 1, 1), by=None)
    url = reverse("api:unit-list")
    client = api_for("officer_a")
    assert cast.a1.pk not in ids(client.get(url))
    assert cast.a1.pk in ids(client.get(url, {"include_closed": "true"}))
    assert cast.a1.pk in ids(client.get(url, {"active_on": "2025-12-31"}))
    assert cast.a1.pk in ids(client.get(url, {"active_on": "31/12/2025"}))
    # A closed unit still answers at its own address.
    assert client.get(reverse("api:unit-detail", args=[cast.a1.pk])).status_code == 200


def test_filter_dropdowns_never_list_out_of_scope_units(cast):
    request = RequestFactory().get("/")
    request.user = cast.officer_b
    fs = UnitFilterSet(request=request)
    for name in ("parent", "ancestor"):
        choices = set(fs.form.fields[name].queryset.values_list("pk", flat=True))
        assert cast.b.pk in choices
        assert not choices & {cast.a.pk, cast.a1.pk, cast.province.pk}


def test_lineage_action(cast, api_for):
    services.unit_rename(unit=cast.a1, on=dt.date(2026, 1, 1), name="Chi bộ thôn Đông Mới", code="A1", by=None)
    response = api_for("officer_a").get(reverse("api:unit-lineage", args=[cast.a1.pk]))
    assert response.status_code == 200
    entries = response.json()
    assert [(e["date"], e["role"]) for e in entries] == [("2025-07-01", "start"), ("2026-01-01", "name")]
    assert entries[1]["label"] == "Chi bộ thôn Đông Mới"
    assert api_for("officer_b").get(reverse("api:unit-lineage", args=[cast.a1.pk])).status_code == 404


def test_successors_action(cast, api_for):
    a2 = new_unit(cast.a, "A2", "Chi bộ thôn Tây")
    services.unit_merge(
        predecessors=[cast.a1, a2], on=dt.date(2026, 1, 1), by=None,
        successor=services.NewUnit(name="Chi bộ thôn Đông Tây", code="A3", type=chi_bo(), parent=cast.a),
    )
    a3 = Unit.objects.get(code="A3")
    url = reverse("api:unit-successors", args=[cast.a1.pk])
    client = api_for("officer_a")
    assert ids(client.get(url, {"on": "2026-06-01"})) == [a3.pk]
    assert ids(client.get(url, {"on": "2025-08-01"})) == [cast.a1.pk]
    assert client.get(url, {"on": "tomorrow"}).status_code == 400
    timeline = client.get(reverse("api:unit-lineage", args=[cast.a1.pk])).json()
    merge = [e for e in timeline if e["kind"] == "merge"]
    assert [o["id"] for o in merge[0]["others"]] == [a3.pk]
    event = LineageEvent.objects.get(kind="merge")
    body = client.get(reverse("api:lineageevent-detail", args=[event.pk])).json()
    assert sorted(body["predecessors"]) == sorted([cast.a1.pk, a2.pk]) and body["successors"] == [a3.pk]


def test_rename_action_makes_a_new_name_range(cast, api_for):
    url = reverse("api:unit-rename", args=[cast.commission.pk])
    data = {"name": "Ban Tuyên giáo và Dân vận Tỉnh ủy Mẫu", "code": "BTGDV", "issuer_abbr": "BTGDVTU",
            "valid_from": "2026-01-01", "decision": "Quyết định 01-QĐ/TU"}
    assert api_for("officer_a").post(url, data, format="json").status_code == 404
    response = api_for("admin").post(url, data, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["name"] == data["name"]
    names = list(UnitName.objects.filter(unit=cast.commission).order_by("valid_from").values_list("valid_to", "name"))
    assert names == [(dt.date(2025, 12, 31), "Ban Tuyên giáo và Dân vận Tỉnh ủy"), (None, data["name"])]


def test_rename_errors_are_field_errors(cast, api_for):
    url = reverse("api:unit-rename", args=[cast.a.pk])
    response = api_for("admin").post(url, {"name": "X", "code": "A", "valid_from": "2025-01-01"}, format="json")
    assert response.status_code == 400
    assert "valid_from" in response.json()


def test_patch_cannot_change_the_name(cast, api_for):
    url = reverse("api:unit-detail", args=[cast.a.pk])
    response = api_for("admin").patch(url, {"name": "Tên khác", "code": "ZZ"}, format="json")
    assert response.status_code == 200
    cast.a.refresh_from_db()
    assert (cast.a.name, cast.a.code) == ("Đảng ủy xã An Bình", "A")


def test_clerk_cannot_create_a_unit(cast, api_for):
    data = {"parent": cast.a1.pk, "type": chi_bo().pk, "code": "X", "name": "Tổ Đảng", "valid_from": "2026-01-01"}
    before = Unit.objects.count()
    assert api_for("clerk_a1").post(reverse("api:unit-list"), data, format="json").status_code in (403, 404)
    assert Unit.objects.count() == before


def test_create_errors_from_services_are_400(cast, api_for):
    data = {"parent": cast.a.pk, "type": chi_bo().pk, "code": "A1", "name": "Trùng mã", "valid_from": "2026-01-01"}
    response = api_for("admin").post(reverse("api:unit-list"), data, format="json")
    assert response.status_code == 400
    assert "code" in response.json()


def test_delete_never_hard_deletes(cast, api_for):
    assert api_for("admin").delete(reverse("api:unit-detail", args=[cast.a1.pk])).status_code == 405
    assert Unit.objects.filter(pk=cast.a1.pk, valid_to__isnull=True).exists()
    person = Person.objects.create(full_name="Nguyễn Văn Ba", home_unit=cast.a)
    assert api_for("admin").delete(reverse("api:person-detail", args=[person.pk])).status_code == 405
    assert Person.objects.filter(pk=person.pk).exists()


def test_person_carries_positions_read_only(cast, api_for):
    person = Person.objects.create(full_name="Nguyễn Văn Ba", home_unit=cast.a)
    Position.objects.create(person=person, unit=cast.a, title="Bí thư", valid_from=START)
    client = api_for("officer_a")
    body = client.get(reverse("api:person-detail", args=[person.pk])).json()
    assert [p["title"] for p in body["positions"]] == ["Bí thư"]
    client.patch(reverse("api:person-detail", args=[person.pk]), {"positions": []}, format="json")
    assert person.positions.count() == 1
    assert ids(client.get(reverse("api:person-list"), {"q": "nguyen van ba"})) == [person.pk]
    assert ids(client.get(reverse("api:person-list"), {"has_position": "false"})) == []


def test_cluster_rules_are_field_errors(cast, api_for):
    data = {"year": 2026, "name": "Cụm 3", "organiser": cast.a.pk, "head": cast.a.pk, "members": [cast.a1.pk]}
    response = api_for("officer_a").post(reverse("api:cluster-list"), data, format="json")
    assert response.status_code == 400
    assert "head" in response.json()


def test_unit_types_are_global_data(cast, api_for):
    url = reverse("api:unittype-list")
    assert len(ids(api_for("clerk_a1").get(url))) == UnitType.objects.count()
    assert api_for("nobody").get(url).status_code == 403
    data = {"code": "to-dang", "name": "Tổ Đảng", "order": 90}
    assert api_for("officer_a").post(url, data, format="json").status_code == 403
    assert api_for("admin").post(url, data, format="json").status_code == 201


def test_token_authentication(cast):
    client = APIClient()
    url = reverse("api:token")
    assert client.post(url, {"username": "officer_a", "password": "sai"}, format="json").status_code == 400
    response = client.post(url, {"username": "officer_a", "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    anonymous = APIClient()
    assert anonymous.get(reverse("api:unit-list")).status_code in (401, 403)
    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    found = ids(anonymous.get(reverse("api:unit-list"), {"limit": 100}))
    assert set(found) == {cast.a.pk, cast.a1.pk}


@pytest.mark.parametrize("basename", ["unit", "person", "position", "cluster", "lineageevent"])
def test_list_queries_do_not_grow_with_rows(cast, api_for, django_assert_max_num_queries, basename):
    def add_rows(start, n):
        for i in range(start, start + n):
            unit = new_unit(cast.a1, f"T{basename}{i}", f"Tổ {i}")
            person = Person.objects.create(full_name=f"Người {i}", home_unit=unit)
            Position.objects.create(person=person, unit=unit, title="Tổ trưởng", valid_from=START)
            cluster = Cluster.objects.create(year=2026, name=f"Cụm {i}", organiser=cast.a, head=unit)
            cluster.members.set([unit, cast.a1])
            services.unit_rename(unit=unit, on=dt.date(2026, 1, 1), name=f"Tổ số {i}", code=f"R{basename}{i}", by=None)

    url = reverse(f"api:{basename}-list")
    client = api_for("admin")
    add_rows(0, 2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add_rows(2, 8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
