from django.core.management.base import BaseCommand, CommandError

from pvd.dossiers.models import Dossier

from ... import documents


class Command(BaseCommand):
    help = (
        "Vérifie que les gabarits DOCX des conventions (dossier PVD_CONVENTION_TEMPLATES_DIR) "
        "contiennent chaque balise et chaque titre de section, d'après les données d'un dossier."
    )

    def add_arguments(self, parser):
        parser.add_argument("dossier", type=int, help="numéro d'un dossier bien rempli (le dossier de démonstration)")

    def handle(self, *args, dossier, **options):
        instance = Dossier.objects.filter(pk=dossier).first()
        if instance is None:
            raise CommandError(f"Aucun dossier n° {dossier}.")
        problems = []
        for kind in documents.KINDS:
            path = documents.template_path(kind)
            if not path.is_file():
                problems.append(f"{path} : fichier introuvable")
                continue
            content = documents.KINDS[kind]["content"](instance)
            problems += documents.template_problems(kind, content, path)
            for unchecked in documents.unfilled_lists(content):
                self.stdout.write(
                    f"{path.name} : « {unchecked} » est vide dans ce dossier, ses champs ne sont pas vérifiés"
                )
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write(self.style.SUCCESS("Gabarits complets."))
