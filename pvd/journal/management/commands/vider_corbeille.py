from django.core.management.base import BaseCommand

from pvd.journal.services import corbeille_purge


class Command(BaseCommand):
    help = "Vide les corbeilles de ce qui y est depuis plus de PVD_CORBEILLE_JOURS jours (fichiers compris)."

    def handle(self, *args, **options):
        count = corbeille_purge()
        self.stdout.write(f"{count} élément(s) retiré(s) de la corbeille.")
