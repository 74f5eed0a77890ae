"""Apply the retention periods of the register of personal data (pvd.comptes.rgpd): run daily
by cron. `--dry-run` tells what would change and changes nothing. All steps run in one
transaction: an error leaves everything as it was."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from pvd.core.text import plural, plural_word
from pvd.participation.retention import contributions_anonymise


def contributions_step(*, now, dry_run: bool) -> str:
    count = contributions_anonymise(now=now, dry_run=dry_run)
    days = settings.PVD_CONSERVATION_CONTRIBUTIONS_JOURS
    verb = "à anonymiser" if dry_run else plural_word(count, "anonymisée", "anonymisées")
    return (
        f"Contributions des habitants déposées il y a plus de {days} jours : "
        f"{plural(count, 'contribution', 'contributions')} {verb} (nom et adresse électronique effacés)."
    )


# Each step applies one retention period and returns its summary line in French. The audit
# trail's (purge_old_history, issue 14 point 2) is to be added here as a step of its own.
STEPS = [contributions_step]


class Command(BaseCommand):
    help = "Applique les durées de conservation des données personnelles (registre « Données personnelles »)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Affiche ce qui serait effacé, sans rien modifier.")

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        now = timezone.now()
        with transaction.atomic():
            lines = [step(now=now, dry_run=dry_run) for step in STEPS]
        if dry_run:
            lines.insert(0, "Simulation : rien n'est modifié.")
        self.stdout.write("\n".join(lines))
