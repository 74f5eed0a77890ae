"""Print the register of personal data (pvd.comptes.rgpd) as Markdown:
`manage.py registre_rgpd > docs/registre-rgpd.md` (a test checks that the file is up to date)."""

from django.core.management.base import BaseCommand

from pvd.comptes.rgpd import register_markdown


class Command(BaseCommand):
    help = "Affiche le registre des données personnelles en Markdown (docs/registre-rgpd.md)."

    def handle(self, *args, **options):
        self.stdout.write(register_markdown(), ending="")
