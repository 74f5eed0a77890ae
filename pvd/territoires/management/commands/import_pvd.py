from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ... import services
from ...models import Commune


class Command(BaseCommand):
    help = (
        "Marque les communes Petites villes de demain d'après la liste publiée par l'ANCT "
        "(CSV avec les colonnes id_pvd et insee_com). Un fichier mal formé ne change rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", type=Path, help="fichier CSV de la liste ANCT")
        parser.add_argument(
            "--remplacer",
            action="store_true",
            help="retire la marque PVD des communes absentes du fichier",
        )

    def handle(self, *args, **options):
        path = options["fichier"]
        if not Commune.objects.exists():
            raise CommandError("Les territoires ne sont pas chargés : lancez d'abord « python manage.py import_cog ».")
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Impossible de lire le fichier {path} : {error.strerror or error}.") from error
        try:
            result = services.pvd_import(content=content, replace=options["remplacer"])
        except ValidationError as error:
            raise CommandError(f"{path.name} : {' '.join(error.messages)} Aucune modification.") from error
        self.stdout.write(f"Lignes lues : {result.rows}")
        self.stdout.write(self.style.SUCCESS(f"Communes marquées PVD : {result.flagged}"))
        if options["remplacer"]:
            self.stdout.write(f"Communes qui ne sont plus PVD : {result.unflagged}")
        if result.unknown:
            self.stdout.write(
                self.style.WARNING(f"Codes inconnus ({len(result.unknown)}) : {', '.join(result.unknown)}")
            )
        else:
            self.stdout.write("Codes inconnus : aucun")
