from django.core.management.base import BaseCommand

from pvd.journal.services import purge_old_history


class Command(BaseCommand):
    help = "Supprime du journal les changements plus anciens que PVD_CONSERVATION_JOURNAL_JOURS jours."

    def handle(self, *args, **options):
        count = purge_old_history()
        self.stdout.write(f"{count} ligne(s) du journal supprimée(s).")
