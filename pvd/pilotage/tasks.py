"""Background tasks of the pilotage (django-tasks): the weekly digest, for a deployment that runs
a worker (`manage.py db_worker`) rather than cron."""

from django_tasks import task

from .digest import send_digests


@task()
def envoyer_digest() -> dict:
    """The same sending as `manage.py envoyer_digest`."""
    report = send_digests()
    return {"envoyes": report.sent, "alertes": report.alerts, "echecs": report.failed}
