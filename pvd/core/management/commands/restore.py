from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pvd.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restaure une archive de « manage.py backup » sur une instance vide (base migrée, sans données, "
        "dossier des fichiers vide). Une archive endommagée ou une instance non vide est refusée sans rien modifier."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="L'archive .tar.gz écrite par « manage.py backup ».")

    def handle(self, *args, archive, **options):
        try:
            result = backup_restore(archive=Path(archive))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restauration terminée : {result.rows} lignes dans {result.tables} tables, {result.files} fichier(s)."
            )
        )
        if result.migrated:
            self.stdout.write(
                "L'archive venait d'une version plus ancienne : les migrations manquantes ont été appliquées."
            )
