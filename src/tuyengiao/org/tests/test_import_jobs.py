"""The import as a background task: the upload is checked at once and queued; its page follows the job
(htmx polling) to the outcome; the worker (`tuyengiao db_worker`) runs it; only its uploader and those
who may import where it was written see it. Real files, real database, real task backends."""
import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from tuyengiao.accounts.models import Grant
from tuyengiao.accounts.roles import Role
from tuyengiao.core.models import AuditEntry
from tuyengiao.org import importing
from tuyengiao.org.importing import PEOPLE_SHEET, UNIT_SHEET, import_request, import_run, import_workbook
from tuyengiao.org.models import ImportJob, Person, Unit

from .test_importing import PDF, counts, fill

IMPORT_URL = "/org/units/import/"
GOOD_UNITS = [
    ("A2", "Chi bộ thôn Tây", "", "", "Chi bộ", "A", "15/01/2026"),
    ("A3", "Chi bộ thôn Nam", "", "", "Chi bộ", "A", "28/02/2026"),
]
GOOD_PEOPLE = [("Nguyễn Văn Bình", "Nam", 1980, "", "", "A2", "Bí thư chi bộ", None, "15/01/2026")]


@pytest.fixture
def deferred(settings):
    """Tasks are queued and not run, as in production until the worker picks them up."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def upload(client, units=GOOD_UNITS, people=GOOD_PEOPLE, **extra):
    return client.post(IMPORT_URL, {"file": fill(units=units, people=people)}, HTTP_ACCEPT_LANGUAGE="en", **extra)


def english(client):
    client.cookies.load({"django_language": "en"})
    return client


def test_upload_is_queued_then_the_page_follows_the_job_to_its_outcome(client_for, cast, deferred):
    c = english(client_for("admin"))
    before = counts()
    resp = upload(c)
    job = ImportJob.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/org/units/import/{job.pk}/"
    assert (job.status, job.created_by, job.filename, job.language) == ("queued", cast.admin, "don-vi.xlsx", "en")
    stored = Path(job.file.path)
    assert stored.exists() and counts() == before  # queued, nothing written yet

    page = c.get(job.get_absolute_url()).content.decode()
    assert "Waiting for the background worker" in page and 'hx-trigger="every 1s"' in page
    assert 'id="id_file"' in page  # the upload form stays on the page for the next file
    poll = c.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in poll and f'hx-get="/org/units/import/{job.pk}/"' in poll

    # What the page shows while the worker writes its counts (rows checked, then rows saved).
    ImportJob.objects.filter(pk=job.pk).update(status="checking", total=3, processed=2)
    poll = c.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "Rows checked" in poll and 'value="2" max="3"' in poll
    ImportJob.objects.filter(pk=job.pk).update(status="saving", processed=1)
    poll = c.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "Rows saved" in poll and 'value="1" max="3"' in poll
    ImportJob.objects.filter(pk=job.pk).update(status="queued", total=0, processed=0)

    assert import_run(job.pk) == "done"  # what the task does
    job.refresh_from_db()
    assert (job.status, job.created_units, job.created_people, job.created_positions) == ("done", 2, 1, 1)
    assert (job.processed, job.total, job.unit_path) == (3, 3, cast.a.path)
    assert job.errors == [] and job.finished_at is not None
    assert not job.file and not stored.exists()  # the personal data of the file is not kept
    poll = c.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "Imported 2 units and 1 people." in poll and "hx-trigger" not in poll  # polling stops

    a2 = Unit.objects.get(code="A2")
    assert a2.parent == cast.a and Person.objects.get(full_name="Nguyễn Văn Bình").home_unit == a2
    assert AuditEntry.objects.filter(action="create", content_type__model="unit", object_id=str(a2.pk)).exists()
    assert AuditEntry.objects.filter(action="create", content_type__model="person").count() == 1
    entry = AuditEntry.objects.get(action="import")
    assert entry.object_id == str(cast.a.pk) and entry.actor == cast.admin and entry.after["file"] == "don-vi.xlsx"

    assert import_run(job.pk) == "done"  # a task delivered twice does not import twice
    assert Unit.objects.filter(code="A2").count() == 1 and AuditEntry.objects.filter(action="import").count() == 1

    listed = c.get(IMPORT_URL).content.decode()
    assert f'href="/org/units/import/{job.pk}/"' in listed  # the uploader finds the job again


def test_errors_are_listed_by_sheet_row_and_column_and_nothing_is_written(client_for, cast):
    c = english(client_for("admin"))
    before, audits = counts(), AuditEntry.objects.count()
    resp = upload(c, units=[
        ("A2", "Chi bộ thôn Tây", "", "", "Chi bộ", "A", "15/01/2026"),
        ("A3", "Chi bộ thôn Nam", "", "", "Chi bộ", "A", "31/02/2026"),
    ], people=[("Trần Thị Cúc", "Nữ", 1990, "cuc@", "", "A2", "", None, None)], follow=True)
    job = ImportJob.objects.get()
    assert resp.redirect_chain == [(f"/org/units/import/{job.pk}/", 302)]  # the test backend ran the task
    assert job.status == "failed" and counts() == before and AuditEntry.objects.count() == audits
    assert [(e["sheet"], e["row"], e["column"]) for e in job.errors] == [(UNIT_SHEET, 3, "G"), (PEOPLE_SHEET, 2, "D")]
    page = resp.content.decode()
    assert "Nothing was saved: 2 errors." in page and "hx-trigger" not in page
    assert f"<tr><td>{UNIT_SHEET}</td><td>3</td><td>G</td><td>" in page and "31/02/2026" in page
    assert f"<tr><td>{PEOPLE_SHEET}</td><td>2</td><td>D</td><td>" in page and "cuc@" in page
    assert job.unit_path == "" and not job.file


def test_a_wrong_or_missing_file_is_refused_at_once_without_a_job(client_for, cast, settings):
    c = english(client_for("admin"))
    resp = c.post(IMPORT_URL, {"file": SimpleUploadedFile("don-vi.xlsx", PDF)})
    assert resp.status_code == 200 and 'id="file-error"' in resp.content.decode()
    assert "not accepted" in resp.content.decode()
    resp = c.post(IMPORT_URL, {})
    assert resp.status_code == 200 and "Choose a file to upload." in resp.content.decode()
    file = fill(units=GOOD_UNITS)
    settings.UPLOAD_MAX_BYTES = file.size - 1
    with pytest.raises(importing.ValidationError, match="too large"):
        import_request(file=file, by=cast.admin)
    assert not ImportJob.objects.exists()


def test_the_outcome_speaks_the_uploaders_language(client_for, cast, deferred):
    c = client_for("admin")
    c.post(IMPORT_URL, {"file": fill(units=[("A2", "Chi bộ thôn Tây", "", "", "Chi bộ", "A", "31/02/2026")])})
    job = ImportJob.objects.get()
    assert job.language == "vi"
    with translation.override("en"):  # whatever the worker's language
        import_run(job.pk)
    job.refresh_from_db()
    assert job.errors[0]["message"] == "“31/02/2026” không phải là ngày; hãy ghi theo dạng dd/mm/yyyy, ví dụ: 01/07/2025."


def test_only_the_uploader_and_importers_over_the_unit_see_the_job(client_for, cast, deferred):
    upload(client_for("admin"))
    job = ImportJob.objects.get()
    Grant.objects.create(user=cast.officer_a, unit=cast.a, role=Role.ADMIN, valid_from=dt.date(2025, 7, 1))
    Grant.objects.create(user=cast.officer_b, unit=cast.b, role=Role.ADMIN, valid_from=dt.date(2025, 7, 1))
    url = job.get_absolute_url()

    def status(name, **extra):
        return client_for(name).get(url, **extra).status_code

    # While queued (and whenever nothing was written) only the uploader follows it.
    assert status("admin") == 200
    assert status("officer_a") == 404 and status("officer_b") == 404
    assert status(None) == 302  # to the login page

    import_run(job.pk)
    assert status("admin") == 200
    assert status("officer_a") == 200  # may import under A, where the units were written
    assert status("officer_b") == 404 and status("officer_b", HTTP_HX_REQUEST="true") == 404
    assert status("leader") == 404 and status("clerk_a1") == 404  # no import right
    assert status("superuser") == 200


def test_an_uploader_who_lost_the_account_before_the_run_imports_nothing(client_for, cast, deferred):
    upload(english(client_for("admin")))
    job = ImportJob.objects.get()
    cast.admin.is_active = False
    cast.admin.save()
    before = counts()
    assert import_run(job.pk) == "failed"
    job.refresh_from_db()
    assert counts() == before and "no longer active" in job.errors[0]["message"]


def test_an_unexpected_failure_is_shown_and_nothing_is_written(client_for, cast, deferred):
    upload(english(client_for("admin")))
    job = ImportJob.objects.get()
    Path(job.file.path).unlink()  # e.g. the worker does not see the web server's media directory
    before = counts()
    with pytest.raises(FileNotFoundError):  # re-raised for the task log
        import_run(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and counts() == before
    assert "unexpected error" in job.errors[0]["message"] and job.errors[0]["row"] is None


def test_progress_is_reported_for_each_row_checked_then_saved(cast):
    heard = []
    result = import_workbook(file=fill(units=GOOD_UNITS, people=GOOD_PEOPLE), by=cast.admin,
                             progress=lambda *args: heard.append(args))
    assert result.ok
    assert heard == [("checking", 0, 3), ("checking", 1, 3), ("checking", 2, 3), ("checking", 3, 3),
                     ("saving", 0, 3), ("saving", 1, 3), ("saving", 2, 3), ("saving", 3, 3)]


@pytest.mark.django_db(transaction=True)
def test_progress_written_while_the_rows_are_saved_is_seen_outside_the_transaction(cast):
    """The count goes through a connection of its own while the import's transaction is open
    (PostgreSQL); SQLite allows one writer, so there the page shows the save without a count."""
    from django.db import connection

    job = ImportJob.objects.create(created_by=cast.admin, filename="x.xlsx", status="saving", total=10)
    progress = importing._JobProgress(job.pk)
    try:
        with transaction.atomic():
            Unit.objects.filter(pk=cast.a.pk).update(short_name="ĐU An Bình")  # the import holds its writes
            progress("saving", 4, 10)
            seen = ImportJob.objects.values_list("processed", flat=True).get(pk=job.pk)
    finally:
        progress.close()
    assert seen == (4 if connection.vendor == "postgresql" else 0)


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_queued_import(client_for, cast, settings):
    """`tuyengiao db_worker` (make worker): the database backend queues, the worker imports."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    upload(english(client_for("admin")))
    job = ImportJob.objects.get()
    task = DBTaskResult.objects.get()
    assert job.status == "queued" and task.status == "READY" and task.args_kwargs["args"] == [job.pk]
    assert job.task_id == str(task.id)

    call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0.1, verbosity=0)

    job.refresh_from_db()
    task.refresh_from_db()
    assert (task.status, task.return_value) == ("SUCCESSFUL", "done")
    assert (job.status, job.created_units, job.created_people) == ("done", 2, 1)
    assert Unit.objects.get(code="A3").parent == cast.a and not job.file


def test_a_job_whose_worker_died_is_closed_when_its_page_is_read(client_for, cast, deferred, settings, monkeypatch):
    """A worker killed mid-import leaves the job "saving"; its transaction rolled back, so nothing
    was written. After TASK_STALE_MINUTES the page says so and stops polling; the file is deleted."""
    c = english(client_for("admin"))
    upload(c)
    job = ImportJob.objects.get()
    stored = Path(job.file.path)
    before = counts()
    started = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
    ImportJob.objects.filter(pk=job.pk).update(status="saving", started_at=started)  # as the killed worker left it
    settings.TASK_STALE_MINUTES = 30

    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: started + dt.timedelta(minutes=29))
    page = c.get(job.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 1s"' in page and ImportJob.objects.get().status == "saving"  # still in time
    monkeypatch.setattr(timezone, "now", lambda: started + dt.timedelta(minutes=31))
    page = c.get(job.get_absolute_url()).content.decode()
    job.refresh_from_db()
    assert job.status == "failed" and job.finished_at is not None and not job.file
    assert "interrupted" in job.errors[0]["message"] and "nothing was saved" in job.errors[0]["message"]
    assert "every 1s" not in page and "interrupted (the background worker stopped)" in page
    assert not stored.exists() and counts() == before
    # A finished job is never touched again.
    assert importing.expire_if_interrupted(job).status == "failed"


def test_a_job_nobody_took_says_the_worker_may_be_down(client_for, cast, deferred):
    c = english(client_for("admin"))
    upload(c)
    job = ImportJob.objects.get()
    assert "No background worker has taken" not in c.get(job.get_absolute_url()).content.decode()
    ImportJob.objects.filter(pk=job.pk).update(created_at=job.created_at - dt.timedelta(minutes=3))
    page = c.get(job.get_absolute_url()).content.decode()
    assert "No background worker has taken this import yet" in page and "every 1s" in page
    assert ImportJob.objects.get().status == "queued"  # waiting is not failing
