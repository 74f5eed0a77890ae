from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ...contours import epci_contours_import


class Command(BaseCommand):
    help = (
        "Enregistre le contour simplifié des EPCI d'après le fichier GeoJSON de l'ANCT "
        "(anct_fr-drom-4326-pur-style1-epci.geojson, à télécharger soi-même). Ces contours servent "
        "à signaler un secteur d'intervention dessiné hors du territoire du dossier. Les EPCI "
        "d'outre-mer sont ignorés : ce fichier les déplace près de la métropole. Relancer la "
        "commande ne change que ce qui a changé."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", type=Path, help="fichier GeoJSON des EPCI (ANCT, WGS 84)")

    def handle(self, *args, **options):
        path = options["fichier"]
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Impossible de lire le fichier {path} : {error.strerror or error}.") from error
        try:
            result = epci_contours_import(content=content)
        except ValidationError as error:
            raise CommandError(f"{path.name} : {' '.join(error.messages)} Aucune modification.") from error
        self.stdout.write(f"Objets lus : {result.features}")
        self.stdout.write(
            self.style.SUCCESS(f"Contours enregistrés : {result.updated} (inchangés : {result.unchanged})")
        )
        self.stdout.write(
            f"EPCI d'outre-mer ignorés : {result.overseas} (le fichier de l'ANCT les déplace près de la "
            "métropole : leur contour n'est pas à leur emplacement réel)"
        )
        if result.without_siren:
            self.stdout.write(f"Objets sans SIREN ignorés (communes hors EPCI) : {result.without_siren}")
        if result.unknown:
            self.stdout.write(
                self.style.WARNING(
                    f"SIREN inconnus de la plateforme ({len(result.unknown)}, EPCI disparus ou fusionnés) : "
                    f"{', '.join(result.unknown)}"
                )
            )
        else:
            self.stdout.write("SIREN inconnus : aucun")
