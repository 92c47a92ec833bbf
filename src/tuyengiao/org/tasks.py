"""Background tasks of the org app (django-tasks)."""
from django_tasks import task


@task()
def run_import(job_id: int) -> str:
    """Check and write one uploaded import file (an ImportJob); returns its final status."""
    from .importing import import_run

    return import_run(job_id)
