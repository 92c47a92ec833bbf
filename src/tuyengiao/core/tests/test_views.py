"""The shared base views: how a detail page shows values, and reading an id from a request."""
import datetime as dt

import pytest
from django.http import QueryDict
from django.utils import timezone

from tuyengiao.core.views import id_param

UTC = dt.UTC


def detail_fields(body: str) -> dict[str, str]:
    """The label -> value pairs of the page's <dl class="detail-fields">."""
    import re

    dl = body[body.index('class="row mb-0 detail-fields"'):]
    dl = dl[:dl.index("</dl>")]
    pairs = re.findall(r"<dt[^>]*>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", dl, re.S)
    return {label.strip(): value.strip() for label, value in pairs}


@pytest.mark.django_db
def test_detail_page_shows_local_time_booleans_and_empty_values(client_for, cast):
    user = cast.clerk_a1
    # 04:50 on 23/11/2026 in Hồ Chí Minh City is still 22/11 in UTC.
    user.last_login = dt.datetime(2026, 11, 22, 21, 50, tzinfo=UTC)
    user.email = ""
    user.save()
    fields = detail_fields(client_for("admin").get(f"/accounts/users/{user.pk}/").content.decode())
    assert fields["Lần cuối đăng nhập"] == "23/11/2026 04:50"
    assert fields["Đang áp dụng"] == "Có"
    assert fields["Địa chỉ email"] == "—"
    user.is_active = False
    user.save()
    fields = detail_fields(client_for("admin").get(f"/accounts/users/{user.pk}/").content.decode())
    assert fields["Đang áp dụng"] == "Không"


@pytest.mark.django_db
def test_detail_page_shows_choices_by_label_and_dates_dd_mm_yyyy(client_for, cast):
    from tuyengiao.org.models import Person

    person = Person.objects.create(full_name="Lê Thị Hoa", gender="f", home_unit=cast.a)
    fields = detail_fields(client_for("admin").get(person.get_absolute_url()).content.decode())
    assert fields["Giới tính"] == "Nữ"
    assert "f" not in fields.values()


def test_current_time_zone_is_the_local_one():
    assert str(timezone.get_current_timezone()) == "Asia/Ho_Chi_Minh"


@pytest.mark.parametrize("raw, expected", [
    ("12", 12), (" 12 ", 12), ("0", 0),
    ("abc", None), ("", None), ("1.5", None), ("-1", None), ("1e3", None), ("²", None), ("١٢", None),
    ("9" * 30, None),
])
def test_id_param(raw, expected):
    assert id_param({"regime": raw}, "regime") == expected
    assert id_param(QueryDict(f"regime={raw}") if raw.isascii() else {"regime": raw}, "regime") == expected


def test_id_param_missing():
    assert id_param(QueryDict(""), "regime") is None
    assert id_param({"regime": None}, "regime") is None
