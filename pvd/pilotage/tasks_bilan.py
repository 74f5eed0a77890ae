"""The quarterly snapshots as a django-tasks task, for a worker's schedule (the management
command `instantanes_trimestriels` does the same from cron)."""

from django_tasks import task

from . import snapshots


@task()
def instantanes_trimestriels() -> int:
    """Keep the snapshots of the last quarter over (idempotent); returns how many were written."""
    return snapshots.instantanes_record(trimestre=snapshots.dernier_trimestre_clos())
