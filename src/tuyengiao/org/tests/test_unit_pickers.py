"""Every unit picker of the organisation and account pages is a searchable select written in Python
(core.forms.SearchableSelect): data-searchable for app.js's filter box, the units in scope only."""
import re

import pytest


def _unit_selects(html: str, names: set[str]) -> dict[str, str]:
    found = {m.group(1): m.group(0) for m in re.finditer(r'<select name="([^"]+)".*?</select>', html, re.S)}
    return {name: found.get(name, "") for name in names}


@pytest.mark.django_db
@pytest.mark.parametrize("path, names", [
    ("/org/units/add/", {"parent"}),
    ("/org/people/add/", {"home_unit"}),
    ("/org/clusters/add/", {"organiser", "members", "head", "deputy"}),
    ("/org/terms/add/", {"unit"}),
    ("/org/departments/add/", {"unit"}),
    ("/org/restructure/merge/", {"c-predecessors"}),
    ("/accounts/users/add/", {"home_unit"}),
    ("/org/people/", {"unit"}),
    ("/org/clusters/", {"member"}),
    ("/org/lineage/", {"unit"}),
])
def test_unit_pickers_are_searchable(client_for, cast, path, names):
    html = client_for("admin").get(path).content.decode()
    for name, select in _unit_selects(html, names).items():
        assert select, f"{path}: no select {name}"
        assert " data-searchable " in select and 'data-filter-label="Lọc danh sách"' in select, f"{path} {name}"
        assert ">Đảng ủy xã An Bình</option>" in select, f"{path} {name}"


@pytest.mark.django_db
def test_the_grant_and_user_forms_list_the_scope_only(client_for, cast):
    from tuyengiao.accounts.models import Grant
    from tuyengiao.accounts.roles import Role

    Grant.objects.create(user=cast.officer_b, unit=cast.b, role=Role.ADMIN, valid_from=cast.b.valid_from)
    c = client_for("officer_b")
    for path, name in ((f"/accounts/users/{cast.officer_b.pk}/", "unit"), ("/accounts/users/add/", "home_unit")):
        select = _unit_selects(c.get(path).content.decode(), {name})[name]
        assert " data-searchable " in select and "Bến Thủy" in select, path
        assert "An Bình" not in select and "Tỉnh ủy" not in select, path


@pytest.mark.django_db
def test_a_repeated_unit_name_is_followed_by_its_parent(client_for, cast):
    """Every ward has its "Chi bộ thôn Đông": in a picker the repeated names say whose they are; a name
    that occurs once stays as it is."""
    from tuyengiao.org.services import NewUnit, unit_create

    unit_create(data=NewUnit(parent=cast.b, type=cast.a1.type, code="B1", name=cast.a1.name),
                valid_from=cast.a1.valid_from, by=None)
    for path, name in (("/org/people/add/", "home_unit"), ("/org/people/", "unit")):
        select = _unit_selects(client_for("admin").get(path).content.decode(), {name})[name]
        assert f">{cast.a1.name} — {cast.a.name}</option>" in select, path
        assert f">{cast.a1.name} — {cast.b.name}</option>" in select, path
        assert ">Đảng ủy xã An Bình</option>" in select, path
