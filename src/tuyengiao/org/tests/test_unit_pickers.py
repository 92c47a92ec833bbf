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
