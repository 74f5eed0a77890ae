"""Retention of the residents' contributions (register of personal data, pvd.comptes.rgpd).

`PVD_CONSERVATION_CONTRIBUTIONS_JOURS` days after a contribution was posted, what identifies its
author (name, e-mail address) is erased; the text, its theme and subject, its moderation and the
équipe-projet's answer stay, so the dossier keeps what the residents said. Applied by
`manage.py appliquer_conservation`.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pvd.comptes.rgpd import history_model_of

from .models import Contribution

# The fields that identify a resident, and what they become.
IDENTIFYING_FIELDS = {"auteur": "", "email": ""}


def contributions_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """Contributions posted strictly before this moment are past their retention."""
    return (now or timezone.now()) - datetime.timedelta(days=settings.PVD_CONSERVATION_CONTRIBUTIONS_JOURS)


def contributions_to_anonymise(cutoff: datetime.datetime, model=Contribution):
    """The contributions (or, with `model`, their past versions in the audit trail) posted before
    `cutoff` that still name their author."""
    still_identified = Q()
    for field, empty in IDENTIFYING_FIELDS.items():
        still_identified |= ~Q(**{field: empty})
    return model._default_manager.filter(still_identified, created_at__lt=cutoff)


@transaction.atomic
def contributions_anonymise(*, now: datetime.datetime | None = None, dry_run: bool = False) -> int:
    """Erase the identifying fields of the contributions past their retention; the number of
    contributions concerned. Running it again changes nothing (already erased ones are left
    out); with `dry_run`, only counts."""
    cutoff = contributions_cutoff(now)
    queryset = contributions_to_anonymise(cutoff)
    if dry_run:
        return queryset.count()
    count = queryset.update(**IDENTIFYING_FIELDS)
    # The audit trail keeps past versions of each contribution: they lose the author as well.
    historical = history_model_of(Contribution)
    if historical is not None:
        contributions_to_anonymise(cutoff, historical).update(**IDENTIFYING_FIELDS)
    return count
