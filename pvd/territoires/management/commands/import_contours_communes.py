from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pvd.core.formatting import nombre
from pvd.core.text import plural

from ...contours_communes import MAX_POINTS, TOLERANCE_M, commune_contours_import

SHOWN_CODES = 30  # codes listed in the summary; the rest are counted


def _codes(codes: list[str]) -> str:
    shown = ", ".join(codes[:SHOWN_CODES])
    return shown + (f" et {nombre(len(codes) - SHOWN_CODES)} autres" if len(codes) > SHOWN_CODES else "")


class Command(BaseCommand):
    help = (
        "Enregistre le contour simplifié des communes d'après un fichier à télécharger soi-même : IGN ADMIN "
        "EXPRESS COG (couche « commune », GeoPackage ou GeoJSON, Licence Ouverte 2.0) ou API Géo "
        "(geo.api.gouv.fr, format=geojson&geometry=contour). Les coordonnées sont reprojetées depuis le "
        "système du fichier (outre-mer compris). Ces contours sont dessinés sous les cartes du dossier et "
        "servent aux contrôles des secteurs. Relancer la commande ne change que ce qui a changé."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", type=Path, help="fichier GeoPackage (.gpkg) ou GeoJSON des communes")
        parser.add_argument("--couche", default=None, help="couche du GeoPackage à lire (par défaut : « commune »)")

    def handle(self, *args, **options):
        path = options["fichier"]
        if not path.is_file():
            raise CommandError(f"Le fichier {path} n'existe pas.")
        try:
            result = commune_contours_import(path=path, layer=options["couche"])
        except ValidationError as error:
            raise CommandError(f"{path.name} : {' '.join(error.messages)} Aucune modification.") from error
        self.stdout.write(f"Fichier : {result.format}, coordonnées en {result.crs}")
        self.stdout.write(f"Objets lus : {nombre(result.features)}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Contours enregistrés : {nombre(result.updated)} (inchangés : {nombre(result.unchanged)})"
            )
        )
        loosened = (
            f" ; tolérance élargie pour {plural(result.loosened, 'commune', 'communes')} afin de tenir cette borne"
            if result.loosened
            else ""
        )
        self.stdout.write(
            f"Simplification : tolérance de {TOLERANCE_M} m, au plus {nombre(MAX_POINTS)} points par commune{loosened}"
        )
        if result.without_geometry:
            self.stdout.write(f"Objets sans géométrie ignorés : {nombre(result.without_geometry)}")
        if result.misplaced:
            self.stdout.write(
                self.style.WARNING(
                    f"Contours ignorés car hors du territoire de leur commune ({len(result.misplaced)}, carte qui "
                    f"déplace l'outre-mer ?) : {_codes(result.misplaced)}"
                )
            )
        if result.unknown:
            self.stdout.write(
                self.style.WARNING(
                    f"Codes INSEE inconnus de la plateforme ({nombre(len(result.unknown))}, communes fusionnées ou "
                    f"d'un autre millésime du COG) : {_codes(result.unknown)}"
                )
            )
        else:
            self.stdout.write("Codes INSEE inconnus : aucun")
