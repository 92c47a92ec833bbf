"""The consolidated report at province scale: 300 reporting units, each with its own narratives.
Prints the build, DOCX and PDF times (issue 3 §7 target: under 5 s each) and checks the totals."""
from __future__ import annotations

import datetime as dt
import io
import random
import subprocess
from decimal import Decimal

import pytest
from docx import Document

from tuyengiao.core.testing.personas import START
from tuyengiao.documents.render_docx import render_docx
from tuyengiao.documents.render_pdf import render_pdf
from tuyengiao.org.models import Unit
from tuyengiao.reporting import consolidated as C
from tuyengiao.reporting.models import Indicator, NarrativeEntry, Report, ReportValue, Section
from tuyengiao.reporting.tests.factories import make_regime, period
from tuyengiao.reporting.tests.test_consolidated import ensure_document_types

pytestmark = pytest.mark.django_db
UNITS = 300


def _province(cast, regime, p):
    """300 approved reports written straight to the tables (the workflow is tested elsewhere)."""
    rng = random.Random(300)
    units = [Unit.objects.create(parent=cast.province, type=cast.a.type, code=f"X{i:03d}",
                                 name=f"Đảng ủy xã Thử Nghiệm {i:03d}", valid_from=START) for i in range(UNITS)]
    form = regime.current_form
    indicators = {i.code: i for i in Indicator.objects.filter(form=form)}
    narrative = Section.objects.get(form=form, code="KQ")
    now = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)
    reports = Report.objects.bulk_create([
        Report(regime=regime, period=p, unit=u, unit_path=u.path, form=form, status=Report.Status.APPROVED,
               revision=2, submitted_at=now, first_submitted_at=now, on_time=True, approved_at=now) for u in units])
    values, expected = [], {"MEMBERS": 0, "SESSIONS": 0}
    for r in reports:
        members, sessions = rng.randint(300, 3000), rng.randint(1, 9)
        expected["MEMBERS"] += members
        expected["SESSIONS"] += sessions
        for code, number in (("MEMBERS", members), ("ATTENDED", members - rng.randint(0, 30)), ("SESSIONS", sessions),
                             ("PCT_ATTEND", Decimal("97.5"))):
            values.append(ReportValue(report=r, indicator=indicators[code], state="value", value_number=number,
                                      regime=regime, period=p, unit=r.unit, unit_path=r.unit_path, code=code,
                                      status=Report.Status.APPROVED,
                                      weight=members if code == "PCT_ATTEND" else None))
    ReportValue.objects.bulk_create(values)
    NarrativeEntry.objects.bulk_create([
        NarrativeEntry(report=r, section=narrative, html=(
            f"<p>{r.unit.name} đã tổ chức {i % 9 + 1} hội nghị quán triệt nghị quyết, kết hợp trực tiếp và trực "
            "tuyến; cán bộ, đảng viên viết bài thu hoạch, xây dựng chương trình hành động sát với thực tiễn.</p>"
            f"<p>Các chi bộ của {r.unit.name} duy trì sinh hoạt chuyên đề hằng quý.</p>"))
        for i, r in enumerate(reports)])
    return expected


def test_three_hundred_units(cast, tmp_path):
    ensure_document_types()
    regime = make_regime(cast, rules=False)
    p = period("2026-H1")
    expected = _province(cast, regime, p)

    # Speed is measured in bench/ (consolidated.*), not here: this checks that 300 units make a whole report.
    ctx = C.consolidated_context(regime=regime, period=p, receiving_unit=cast.commission, dated=dt.date(2026, 7, 5))
    docx = render_docx(ctx)
    pdf = render_pdf(ctx)

    doc = Document(io.BytesIO(docx))
    annex_rows = doc.tables[-1].rows
    assert len(annex_rows) == UNITS + 2  # header, 300 units, totals
    from tuyengiao.core.vi import format_number

    assert annex_rows[-1].cells[2].text == format_number(expected["MEMBERS"])
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    pages = int(next(line.split()[-1] for line in subprocess.run(["pdfinfo", str(path)], capture_output=True,
                                                                   text=True).stdout.splitlines() if line.startswith("Pages")))
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout.split())
    assert f"Tổng cộng {format_number(expected['MEMBERS'])}" in text
    assert pages > 50  # every unit's narrative and the annex, not a truncated document
