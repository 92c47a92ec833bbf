"""Background tasks of the documents app (django-tasks)."""
from django_tasks import task


@task()
def export_document(export_id: int) -> None:
    """Render one DocumentExport (DOCX or PDF) and store the file."""
    from .services import export_run

    export_run(export_id)
