"""Keep the quarterly snapshot of every dossier's figures (`pvd.pilotage.snapshots`).

    manage.py instantanes_trimestriels                    # the last quarter over
    manage.py instantanes_trimestriels --trimestre 2026-T1
    manage.py instantanes_trimestriels --trimestre 2026-T1 --remplacer

Idempotent: a quarter's snapshots are kept once; `--remplacer` recomputes them.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pvd.core.forms import validation_message
from pvd.pilotage import snapshots


class Command(BaseCommand):
    help = "Calcule l'instantané trimestriel des chiffres de chaque dossier (une fois par trimestre)."

    def add_arguments(self, parser):
        parser.add_argument("--trimestre", help="Trimestre clos, par exemple 2026-T1 (par défaut : le dernier clos).")
        parser.add_argument(
            "--remplacer", action="store_true", help="Recalcule les instantanés déjà enregistrés de ce trimestre."
        )

    def handle(self, *args, trimestre=None, remplacer=False, **options):
        try:
            fin = snapshots.parse_trimestre(trimestre) if trimestre else snapshots.dernier_trimestre_clos()
            written = snapshots.instantanes_record(trimestre=fin, replace=remplacer)
        except ValidationError as error:
            raise CommandError(validation_message(error)) from error
        self.stdout.write(f"{snapshots.libelle_trimestre(fin)} : {written} instantané(s) enregistré(s).")
