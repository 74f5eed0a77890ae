import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DataError, IntegrityError

from ... import services


class Command(BaseCommand):
    help = (
        "Charge ou met à jour les régions, départements, EPCI et communes du COG 2026 depuis l'extrait "
        "livré avec le projet. Sans doublon si on le relance."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fichier", type=Path, default=services.COG_EXTRACT, help="extrait .json.gz à charger")

    def handle(self, *args, **options):
        start = time.monotonic()
        try:
            result = services.cog_import(path=options["fichier"])
        except ValidationError as error:
            raise CommandError(f"{' '.join(error.messages)} Aucune modification.") from error
        except (IntegrityError, DataError) as error:  # what the checks above did not foresee
            raise CommandError(f"Extrait du COG incohérent : {error}. Aucune modification.") from error
        self.stdout.write(f"Source : {result.source}")
        for label, counts in [
            ("Régions", result.regions),
            ("Départements", result.departements),
            ("EPCI", result.epci),
            ("Communes", result.communes),
        ]:
            self.stdout.write(
                f"  {label:13} {counts.total:6} (créés : {counts.created}, mis à jour : {counts.updated}, "
                f"inchangés : {counts.unchanged})"
            )
        self.stdout.write(self.style.SUCCESS(f"Territoires chargés en {time.monotonic() - start:.1f} s."))
