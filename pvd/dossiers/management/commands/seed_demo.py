from django.core.management.base import BaseCommand, CommandError

from pvd.territoires.models import Commune

from ... import demo


class Command(BaseCommand):
    help = "Crée (ou complète) le dossier de démonstration et ses comptes. Sans effet s'il existe déjà."

    def handle(self, *args, **options):
        if not Commune.objects.filter(code=demo.DEMO_COMMUNE).exists():
            raise CommandError("Les territoires ne sont pas chargés : lancez d'abord « python manage.py import_cog ».")
        context = demo.seed_all()
        self.stdout.write(self.style.SUCCESS(f"Dossier de démonstration : {context.dossier} (n° {context.dossier.pk})"))
        self.stdout.write(f"Comptes de démonstration (mot de passe : {demo.DEMO_PASSWORD}) :")
        for email, _first, _last, _org, role, scope in demo.ACCOUNTS:
            labels = {
                "prefecture": "Préfecture (52)",
                "anct": "ANCT",
                "": "Sans rôle (demande le dossier de Bourbonne-les-Bains)",
            }
            label = dict(demo.Role.choices).get(role) if role else labels[scope]
            self.stdout.write(f"  {email:28} {label}")
