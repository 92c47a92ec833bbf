"""The filter bars of the organisation's lists: an empty filter reads "Tất cả", the unit dropdowns are
searchable and list only the units in scope, the filters still filter (pages and API alike)."""
import datetime as dt
import re

import pytest
from django.urls import reverse

from tuyengiao.org.models import Person, Position

PAGES = ["/org/people/", "/org/clusters/", "/org/lineage/", "/org/terms/", "/org/departments/", "/org/unit-types/"]


def _selects(html: str) -> dict[str, str]:
    return {m.group(1): m.group(0) for m in re.finditer(r'<select name="([^"]+)".*?</select>', html, re.S)}


@pytest.mark.django_db
def test_empty_filters_read_all(client_for, cast):
    client = client_for("admin")
    for path in PAGES:
        html = client.get(path).content.decode()
        selects = _selects(html)
        assert selects, path
        for name, select in selects.items():
            assert "---------" not in select, f"{path} {name}"
            assert "Không rõ" not in select, f"{path} {name}"
            first = re.search(r"<option[^>]*>([^<]*)</option>", select).group(1)
            assert first == "Tất cả", f"{path} {name}: {first}"


@pytest.mark.django_db
def test_people_filter_bar(client_for, cast):
    html = client_for("admin").get("/org/people/").content.decode()
    selects = _selects(html)
    unit = selects["unit"]
    assert 'data-searchable data-filter-label="Lọc danh sách"' in unit
    assert '<option value="" selected>Tất cả</option>' in unit
    assert f'<option value="{cast.a1.pk}">Chi bộ thôn Đông</option>' in unit
    assert selects["has_position"].count("<option") == 3
    assert '<option value="true">Có</option>' in selects["has_position"]
    assert '<option value="false">Không</option>' in selects["has_position"]


@pytest.mark.django_db
def test_the_unit_dropdown_lists_the_scope_only(client_for, cast):
    unit = _selects(client_for("officer_b").get("/org/people/").content.decode())["unit"]
    assert "Bến Thủy" in unit and "An Bình" not in unit and "Tỉnh ủy" not in unit


@pytest.mark.django_db
def test_the_filters_still_filter_on_the_page_and_the_api(client_for, cast):
    holder = Person.objects.create(full_name="Nguyễn Văn Giữ", home_unit=cast.a1)
    Position.objects.create(person=holder, unit=cast.a1, title="Bí thư", valid_from=dt.date(2025, 7, 1))
    Person.objects.create(full_name="Trần Thị Không", home_unit=cast.b)
    c = client_for("admin")

    def names(query):
        return set(re.findall(r"Nguyễn Văn Giữ|Trần Thị Không", c.get("/org/people/", query).content.decode()))

    assert names({"unit": cast.a.pk}) == {"Nguyễn Văn Giữ"}  # the unit and everything beneath it
    assert names({"has_position": "true"}) == {"Nguyễn Văn Giữ"}
    assert names({"has_position": "false"}) == {"Trần Thị Không"}
    assert names({"has_position": ""}) == {"Nguyễn Văn Giữ", "Trần Thị Không"}
    page = c.get("/org/people/", {"has_position": "true", "unit": cast.a.pk}).content.decode()
    assert '<option value="true" selected>Có</option>' in page
    assert f'<option value="{cast.a.pk}" selected>Đảng ủy xã An Bình</option>' in page

    api = c.get(reverse("api:person-list"), {"has_position": "true"}).json()
    rows = api["results"] if isinstance(api, dict) else api
    assert [r["full_name"] for r in rows] == ["Nguyễn Văn Giữ"]
    api = c.get(reverse("api:person-list"), {"has_position": "1"}).json()
    rows = api["results"] if isinstance(api, dict) else api
    assert [r["full_name"] for r in rows] == ["Nguyễn Văn Giữ"]
