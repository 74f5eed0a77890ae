from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pvd.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Écrit une sauvegarde complète (base de données, fichiers déposés, manifeste avec sommes de contrôle) "
        "dans une archive .tar.gz."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            help="Fichier à écrire (par défaut : pvd-sauvegarde-AAAAMMJJ-HHMMSS.tar.gz dans le dossier courant).",
        )

    def handle(self, *args, output=None, **options):
        name = output or f"pvd-sauvegarde-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
        path = Path(name).resolve()
        try:
            manifest = backup_create(output=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["rows"].values())
        media = len(manifest["files"]) - 1
        self.stdout.write(
            self.style.SUCCESS(
                f"Sauvegarde écrite : {path} ({rows} lignes dans {len(manifest['rows'])} tables, {media} fichier(s))."
            )
        )
