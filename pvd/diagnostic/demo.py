"""Demo diagnostic of Langres: figures (reference and an imported sample file), AFOM,
documents de planification, two studies, initiatives, points of interest on the map, and its
validation by the comité de projet in a séance. Idempotent."""

from decimal import Decimal

from django.db import transaction

from . import services
from .models import Donnee, Echelle


@transaction.atomic
def seed(context):
    dossier = context.dossier
    services.diagnostic_get_or_create(dossier=dossier)
    _seed_texte(context)
    _seed_chiffres(context)
    _seed_import(context)
    _seed_afom(context)
    _seed_references(context)
    _seed_carte(context)
    _seed_validation(context)


# --- Texte -----------------------------------------------------------------------------------


HISTOIRE = (
    "Perchée sur un éperon calcaire au-dessus de la vallée de la Marne, Langres est une ville "
    "fortifiée dont les remparts, longs de plus de trois kilomètres, entourent encore le centre "
    "ancien. Ancienne cité épiscopale, patrie de Diderot, elle a longtemps été une ville de "
    "garnison et d'administration, centre d'un bassin de vie rural à l'échelle du plateau de Langres.\n\n"
    "Sous-préfecture de la Haute-Marne, elle reste le pôle de services de la communauté de "
    "communes du Grand Langres : collèges et lycées, hôpital, commerces, gare sur la ligne "
    "Paris-Mulhouse."
)
DYNAMIQUES = (
    "La ville perd des habitants depuis les années 1970 : le départ de la garnison, la fermeture "
    "d'établissements industriels et l'installation des ménages actifs dans les communes "
    "périphériques ont vidé le centre ancien, où les logements, anciens et peu adaptés, restent "
    "vacants.\n\n"
    "Le commerce s'est déplacé vers les zones commerciales du bas de la ville ; la vacance des "
    "rez-de-chaussée s'installe dans les rues commerçantes de la ville haute. La population "
    "vieillit et le territoire dépend des emplois publics et de la santé."
)
SYNTHESE = (
    "Le centre ancien concentre les enjeux : reconquérir les logements vacants, maintenir un "
    "commerce de proximité dans la ville haute, relier la ville haute à la gare et aux quartiers "
    "bas, et faire du patrimoine fortifié un levier d'attractivité résidentielle et touristique.\n\n"
    "La stratégie doit s'appuyer sur l'attachement des habitants à la ville, la qualité du cadre "
    "de vie et les équipements de ville-centre, en tenant compte du vieillissement de la "
    "population et de la faiblesse du marché immobilier."
)


def _seed_texte(context):
    """The texts of the diagnostic, written once: a later run keeps what the team changed."""
    diagnostic = services.diagnostic_get_or_create(dossier=context.dossier)
    if diagnostic.histoire or diagnostic.dynamiques or diagnostic.synthese:
        return
    services.diagnostic_update(
        dossier=context.dossier, by=context.chef, histoire=HISTOIRE, dynamiques=DYNAMIQUES, synthese=SYNTHESE
    )


# --- Figures (chiffres du territoire) -------------------------------------------------------


# Figures the team typed, from a survey of its own (demo values, labelled as such).
DEMO_TYPED_FIGURES = [
    {
        "theme": "commerce",
        "indicateur": "locaux_commerciaux_vacants",
        "libelle": "Locaux commerciaux vacants en centre-ville",
        "valeur": Decimal("23"),
        "unite": "locaux",
    },
    {
        "theme": "commerce",
        "indicateur": "taux_vacance_commerciale",
        "libelle": "Taux de vacance commerciale en centre-ville",
        "valeur": Decimal("14.5"),
        "unite": "%",
    },
]


def _seed_chiffres(context):
    dossier = context.dossier
    services.reference_figures_sync(dossier=dossier)
    commune = dossier.communes.order_by("code").first()
    if commune is None:
        return
    for fields in DEMO_TYPED_FIGURES:
        if not Donnee.objects.filter(dossier=dossier, indicateur=fields["indicateur"]).exists():
            services.donnee_create(
                dossier=dossier,
                by=context.chef,
                echelle=Echelle.COMMUNE,
                code_territoire=commune.code,
                territoire=commune.nom,
                source="Relevé de terrain de la commune (chiffres de démonstration)",
                millesime="2025",
                **fields,
            )


# --- Imports ---------------------------------------------------------------------------------


def _seed_import(context):
    """The sample INSEE file (illustrative values for Langres, its EPCI, the Haute-Marne, the
    Grand Est, France and Joinville as a comparison), imported once through the import service."""
    from pathlib import Path

    from .models import DonneeImport

    nom = "insee_comparateur_exemple.csv"
    dossier = context.dossier
    if not dossier.communes.filter(code="52269").exists():
        return  # the sample file describes Langres: nothing to import into another dossier
    if DonneeImport.objects.filter(dossier=dossier, nom_fichier=nom).exists():
        return
    content = (Path(__file__).resolve().parent / "samples" / nom).read_bytes()
    services.donnees_import(dossier=dossier, content=content, nom_fichier=nom, by=context.chef)


# --- AFOM ------------------------------------------------------------------------------------


def _seed_afom(context):
    pass


# --- Documents de planification, études, initiatives -----------------------------------------


def _seed_references(context):
    pass


# --- Points d'intérêt (carte) ----------------------------------------------------------------


# Around Langres' ville haute (lon ≈ 5.333, lat ≈ 47.862): (nom, type, description, geometry).
def _rectangle(west, south, east, north):
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


POINTS_INTERET = [
    (
        "Ancienne boulangerie, 18 rue Diderot",
        "commerce_vacant",
        "Rez-de-chaussée commercial vacant depuis 2022, vitrine de 8 m ; logement vide à l'étage.",
        {"type": "Point", "coordinates": [5.3334, 47.8618]},
    ),
    (
        "Ancien magasin de vêtements, 42 rue Diderot",
        "commerce_vacant",
        "Cellule de 120 m² à louer, en bon état ; propriétaire vendeur.",
        {"type": "Point", "coordinates": [5.3338, 47.8628]},
    ),
    (
        "Local vacant, place Diderot",
        "commerce_vacant",
        "Ancienne agence bancaire fermée en 2023, emplacement n° 1 de la place.",
        {"type": "Point", "coordinates": [5.3331, 47.8635]},
    ),
    (
        "Médiathèque Marcel-Arland",
        "equipement",
        "Équipement culturel structurant du centre ancien, 40 000 documents, ouverte 5 jours sur 7.",
        {"type": "Point", "coordinates": [5.3322, 47.8609]},
    ),
    (
        "Friche de l'ancienne caserne Turenne",
        "friche",
        "Emprise militaire désaffectée de près de 3 ha au nord de la ville haute : potentiel de logements et "
        "d'activités, étude de programmation à lancer.",
        _rectangle(5.3345, 47.8664, 5.3365, 47.8681),
    ),
    (
        "Îlot dégradé rue du Grand-Bie",
        "logement_vacant",
        "Six immeubles dont quatre vacants ; repéré pour une opération de restauration immobilière.",
        _rectangle(5.3312, 47.8596, 5.3322, 47.8602),
    ),
    (
        "Requalification de la place Jenson",
        "projet",
        "Projet de place apaisée : stationnement réorganisé, terrasses et plantations (fiche action en préparation).",
        {"type": "Point", "coordinates": [5.3349, 47.8597]},
    ),
]


def _seed_carte(context):
    dossier, chef = context.dossier, context.chef
    existing = set(dossier.points_interet.values_list("nom", flat=True))
    for nom, kind, description, geometry in POINTS_INTERET:
        if nom not in existing:
            services.point_interet_create(
                dossier=dossier, nom=nom, kind=kind, description=description, geometry=geometry, by=chef
            )


# --- Validation in a séance ------------------------------------------------------------------


def _seed_validation(context):
    """Submit the diagnostic to the comité de projet once; the gouvernance demo, which runs
    next (`DEMO_APPS`), validates it at its first séance."""
    from pvd.gouvernance.selectors import validation_state

    diagnostic = services.diagnostic_get_or_create(dossier=context.dossier)
    if validation_state(diagnostic).code == "non_soumis":
        services.diagnostic_submit(dossier=context.dossier, by=context.chef)
