"""No lost update: the version counter of an edited object.

Every object an edit form changes carries `version` (`Versioned`), which each save through the
services increments (`claim_version`). An edit form carries the version it was read at
(`pvd.core.forms.VersionedFormMixin`) and the service writes only if the stored version is still
that one: a conditional `UPDATE ... WHERE pk = … AND version = …`, which on PostgreSQL waits for
a concurrent writer of the same row and then finds the version changed, so that of two
concurrent saves read at the same version exactly one succeeds. The other is refused with
`StaleVersion` and nothing of it is saved (the services run in one transaction).

Services called from elsewhere (imports, a future API) pass `expected_version` when they have
one; without it the version is still incremented, so that an edit form read before is refused.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F

STALE_MESSAGE = (
    "Quelqu'un d'autre a enregistré une modification pendant que vous modifiiez ce formulaire : "
    "rien n'a été enregistré de votre côté."
)


class StaleVersion(ValidationError):
    """The object changed since the caller read it (a ValidationError: a view without a
    conflict display shows the message as any refusal)."""

    def __init__(self, message: str = STALE_MESSAGE):
        super().__init__(message, code="stale")


class Versioned(models.Model):
    """The version counter: 1 at creation, +1 at each save through the services."""

    version = models.PositiveIntegerField("version", default=1, editable=False)

    class Meta:
        abstract = True


def claim_version(instance: Versioned, expected_version: int | None = None) -> int:
    """Take the next version of `instance` in the current transaction (call it first in the
    service's `transaction.atomic`, before any other write), or raise StaleVersion when the
    stored version is no longer `expected_version`. Sets and returns `instance.version`, so
    that the service's `save()` writes the new one."""
    rows = type(instance)._default_manager.filter(pk=instance.pk)
    if expected_version is None:
        # Lock the row first: the version read is the one this transaction increments.
        expected_version = rows.select_for_update().values_list("version", flat=True).get()
    if not rows.filter(version=expected_version).update(version=F("version") + 1):
        raise StaleVersion()
    instance.version = expected_version + 1
    return instance.version
