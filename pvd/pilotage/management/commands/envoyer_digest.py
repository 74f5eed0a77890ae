"""Send the weekly digest of the new alerts (pvd.pilotage.digest): run once a week by cron, or
enqueue the django-tasks task `pvd.pilotage.tasks.envoyer_digest` (README, « Récapitulatif
hebdomadaire des alertes »)."""

from django.core.management.base import BaseCommand, CommandError

from pvd.pilotage.digest import send_digests


class Command(BaseCommand):
    help = "Envoie à chaque chef de projet et membre de l'équipe-projet les nouvelles alertes de ses dossiers."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", help="Adresse du site pour les liens (par défaut : PVD_BASE_URL).")

    def handle(self, *args, **options):
        try:
            report = send_digests(base_url=options["base_url"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{report.sent} courriel(s) envoyé(s), {report.alerts} alerte(s).")
        if report.failed:
            raise CommandError(f"Envoi impossible à : {', '.join(report.failed)} (réessayé au prochain envoi).")
