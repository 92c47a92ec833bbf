"""The Excel import as a background task, in Chromium: the upload is queued on the real database queue,
the page follows the job by itself (htmx polling, no reload) while `tuyengiao db_worker` runs it, then
shows the outcome: the counts, or the errors by sheet, row and column with nothing written. Another
administrator, outside the unit the import touched, gets 404 on its page."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tuyengiao.accounts.models import Grant
from tuyengiao.accounts.roles import Role
from tuyengiao.core.models import AuditEntry
from tuyengiao.org.importing import PEOPLE_SHEET, UNIT_SHEET
from tuyengiao.org.models import ImportJob, Person, Unit
from tuyengiao.org.tests.test_importing import fill

from .conftest import tr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def run_worker():
    """What `make worker` does, until the queue is empty."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0.1, verbosity=0)


def submit(page, units, people=()):
    content = fill(units=units, people=people).read()
    page.locator("#id_file").set_input_files({"name": "don-vi.xlsx", "mimeType": XLSX, "buffer": content})
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/org/units/import/\d+/$"))
    return ImportJob.objects.latest("pk")


def test_import_runs_in_the_background_and_the_page_follows_it(ui, cast, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    page = ui.page
    ui.login("admin")
    ui.goto("/org/units/import/")
    before = (Unit.objects.count(), Person.objects.count())

    job = submit(page, units=[
        ("A2", "Chi bộ thôn Tây", "", "", "Chi bộ", "A", "15/01/2026"),
        ("A3", "Chi bộ thôn Nam", "", "", "Chi bộ", "A", "28/02/2026"),
    ], people=[("Nguyễn Văn Bình", "Nam", 1980, "", "", "A2", "Bí thư chi bộ", None, "15/01/2026")])
    box = page.locator("#import-job")
    expect(box).to_contain_text(tr("Waiting for the background worker", "Đang chờ tiến trình chạy nền"))
    expect(box).to_have_attribute("aria-live", "polite")
    assert (Unit.objects.count(), Person.objects.count()) == before  # queued: nothing written yet

    # The counts a running worker writes show up without a reload.
    ImportJob.objects.filter(pk=job.pk).update(status="saving", total=3, processed=1)
    expect(box.locator("progress")).to_have_attribute("value", "1")
    expect(box).to_contain_text("1/3")
    expect(box).to_contain_text(tr("Rows saved", "Số dòng đã lưu"))
    ImportJob.objects.filter(pk=job.pk).update(status="queued", total=0, processed=0)

    run_worker()
    success = box.locator(".alert-success")
    expect(success).to_contain_text(tr("Imported 2 units and 1 people", "Đã nhập 2 đơn vị và 1 cán bộ"))
    expect(box.locator("[hx-trigger]")).to_have_count(0)  # finished: the page stops asking
    assert set(Unit.objects.filter(parent=cast.a, code__in=["A2", "A3"]).values_list("name", flat=True)) == {
        "Chi bộ thôn Tây", "Chi bộ thôn Nam"}
    assert Person.objects.get(full_name="Nguyễn Văn Bình").home_unit.code == "A2"
    assert AuditEntry.objects.get(action="import").object_id == str(cast.a.pk)
    done_url = page.url
    ui.assert_clean()

    # A wrong file from the same page: the errors by sheet, row and column, and nothing is written.
    before = (Unit.objects.count(), Person.objects.count(), AuditEntry.objects.count())
    submit(page, units=[("A4", "Chi bộ thôn Bắc", "", "", "Chi bộ", "A", "31/02/2026")],
           people=[("Trần Thị Cúc", "Nữ", 1990, "", "", "ZZ", "", None, None)])
    run_worker()
    box = page.locator("#import-job")
    expect(box.locator(".alert-danger")).to_be_visible()
    rows = box.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td")).to_have_text([UNIT_SHEET, "2", "G", re.compile("31/02/2026")])
    expect(rows.nth(1).locator("td")).to_have_text([PEOPLE_SHEET, "2", "F", re.compile("ZZ")])
    assert (Unit.objects.count(), Person.objects.count(), AuditEntry.objects.count()) == before

    # The uploader finds both imports again from the upload page.
    ui.goto("/org/units/import/")
    recent = page.locator("section[aria-labelledby=h-recent-imports] li")
    expect(recent).to_have_count(2)
    expect(recent.nth(0)).to_contain_text(tr("Not imported", "Không nhập được"))
    expect(recent.nth(1)).to_contain_text(tr("Imported", "Đã nhập"))
    ui.assert_clean()

    # An administrator of unit B, where this import wrote nothing, cannot open it.
    Grant.objects.create(user=cast.officer_b, unit=cast.b, role=Role.ADMIN, valid_from=dt.date(2025, 7, 1))
    ui.logout()
    ui.login("officer_b")
    ui.goto(done_url, status=404)
    ui.finish()
