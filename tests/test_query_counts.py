"""Rows never add queries: list, tree and unit pages at 5 and at 60 children."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuyengiao.org.models import Person, Position, Unit


def _grow(cast, start, stop):
    for i in range(start, stop):
        u = Unit.objects.create(parent=cast.a, type=cast.a1.type, code=f"X{i}", name=f"Chi bộ số {i}",
                                valid_from=dt.date(2025, 7, 1))
        p = Person.objects.create(full_name=f"Người Số {i}", home_unit=u)
        Position.objects.create(person=p, unit=cast.a, title="Ủy viên", valid_from=dt.date(2025, 7, 1))


def _count(client, url, **headers):
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url, **headers)
    assert resp.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/org/units/?parent={a}", "/org/units/{a}/", "/org/people/", "/org/units/?q=chi+bo"])
def test_queries_do_not_grow_with_rows(client_for, cast, url):
    c = client_for("admin")
    url = url.format(a=cast.a.pk)
    _grow(cast, 0, 5)
    small = _count(c, url)
    _grow(cast, 5, 60)
    large = _count(c, url)
    assert large <= small, (url, small, large)
