import datetime as dt

import pytest

from tuyengiao.reporting import periods as P
from tuyengiao.reporting.models import Period


@pytest.mark.parametrize("code,label,start,end", [
    ("2026-07", "Tháng 7/2026", dt.date(2026, 7, 1), dt.date(2026, 7, 31)),
    ("2026-02", "Tháng 2/2026", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
    ("2026-Q3", "Quý III/2026", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
    ("2026-Q4", "Quý IV/2026", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
    ("2026-H1", "6 tháng đầu năm 2026", dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
    ("2026-H2", "6 tháng cuối năm 2026", dt.date(2026, 7, 1), dt.date(2026, 12, 31)),
    ("2026", "Năm 2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
])
def test_codes_labels_bounds(code, label, start, end):
    spec = P.parse_code(code)
    assert spec.code == code
    assert spec.label == label
    assert (spec.start, spec.end) == (start, end)


@pytest.mark.parametrize("bad", ["", "26-H1", "2026-H3", "2026-Q5", "2026-13", "2026-00", "H1-2026", "2026-X1"])
def test_bad_codes(bad):
    with pytest.raises(ValueError):
        P.parse_code(bad)


def test_lowercase_code_accepted():
    assert P.parse_code("2026-h1").code == "2026-H1"


def test_shift_and_previous_and_containing():
    assert P.shift_year(P.parse_code("2026-H1")).code == "2025-H1"
    assert P.previous(P.parse_code("2026-01")).code == "2025-12"
    assert P.previous(P.parse_code("2026-H1")).code == "2025-H2"
    assert P.containing(P.QUARTER, dt.date(2026, 11, 22)).code == "2026-Q4"
    assert [p.code for p in P.periods_in_year(P.HALF, 2026)] == ["2026-H1", "2026-H2"]


@pytest.mark.django_db
def test_stored_period_is_shared():
    p = Period.objects.for_code("2026-H1")
    assert Period.objects.for_code("2026-h1") == p
    assert str(p) == "6 tháng đầu năm 2026"
    assert p.end == dt.date(2026, 6, 30)


@pytest.mark.parametrize("code, short", [("2026-07", "7/2026"), ("2026-Q3", "Quý III/2026"), ("2026-H1", "6T đầu/2026"),
                                          ("2026-H2", "6T cuối/2026"), ("2026", "2026")])
def test_short_labels_for_chart_axes(code, short):
    spec = P.parse_code(code)
    assert P.short_label(spec.kind, spec.year, spec.number) == short
