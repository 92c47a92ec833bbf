import datetime as dt

import pytest

from tuyengiao.org.demo import load_demo
from tuyengiao.reporting import selectors
from tuyengiao.reporting.demo import load_reporting_demo
from tuyengiao.reporting.models import Period, Report, ReportValue


@pytest.mark.django_db
def test_demo_on_the_hai_phong_tree():
    load_demo()
    result = load_reporting_demo()
    assert result.created and result.reports > 300
    six, year, month, chi_bo = result.regimes
    assert six.current_form.indicators.count() >= 35
    assert six.current_form.sections.filter(is_narrative=True).count() >= 4
    today = dt.date(2026, 11, 22)
    h1 = selectors.completeness(six, Period.objects.for_code("2026-H1"), today=today)
    assert h1.expected > 100 and h1.approved == h1.expected == h1.submitted
    assert 0 < h1.late < h1.on_time
    h2 = selectors.completeness(six, Period.objects.for_code("2026-H2"), today=today)
    assert h2.deadline == dt.date(2026, 11, 15)
    assert h2.on_time and h2.late and h2.missing and h2.overdue and h2.approved < h2.submitted < h2.expected
    assert Report.objects.filter(regime=six, status="returned").exists()
    y2025 = selectors.completeness(year, Period.objects.for_code("2025"), today=today)
    assert y2025.approved == y2025.expected > 100
    root = six.receiving_unit.parent
    r = selectors.rollup(regime=six, codes=["PARTY_MEMBERS", "NQ_PCT_MEMBERS"], period=Period.objects.for_code("2026-H1"),
                         under=root)
    assert r.total["PARTY_MEMBERS"] > 100_000 and 90 < r.total["NQ_PCT_MEMBERS"] < 100
    assert ReportValue.objects.filter(state="not_applicable").exists()
    # The ward's chi bộ report monthly to the ward; the demo clerk's chi bộ still owes October's.
    assert chi_bo.receiving_unit.name == "Đảng ủy phường Chí Linh" and chi_bo.units.count() >= 2
    oct_ = selectors.completeness(chi_bo, Period.objects.for_code("2026-10"), today=today)
    assert oct_.expected == chi_bo.units.count() and oct_.approved == oct_.expected - 1 and oct_.overdue == 1
    draft = Report.objects.get(regime=chi_bo, period__code="2026-10", status="draft")
    assert draft.unit == chi_bo.units.order_by("path").first()
    assert load_reporting_demo().created is False
