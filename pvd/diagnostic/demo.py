"""Demo diagnostic of Langres: figures (reference and an imported sample file), AFOM,
documents de planification, two studies, initiatives, points of interest on the map, and its
validation by the comité de projet in a séance. Idempotent."""

import datetime
from decimal import Decimal

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


def _seed_texte(context):
    pass


# --- Figures (chiffres du territoire) -------------------------------------------------------


def _seed_chiffres(context):
    pass


# --- Imports ---------------------------------------------------------------------------------


def _seed_import(context):
    pass


# --- AFOM ------------------------------------------------------------------------------------

# (theme, category, finding, codes of the commune's figures it rests on when they exist).
AFOM = [
    ("population", "faiblesse", "Une population qui diminue depuis les années 1970 et qui vieillit.", ["pop_totale"]),
    ("population", "atout", "Ville-centre d'un bassin de vie rural : services et emplois pour une vaste couronne.", []),
    (
        "habitat",
        "faiblesse",
        "Une vacance élevée dans le centre ancien, surtout dans les étages au-dessus des commerces.",
        ["taux_vacance", "log_vacants"],
    ),
    ("habitat", "faiblesse", "Des logements anciens mal isolés, difficiles à adapter au vieillissement.", []),
    (
        "habitat",
        "opportunite",
        "Une OPAH-RU à lancer pour aider les propriétaires à rénover et remettre des logements sur le marché.",
        [],
    ),
    ("commerce", "atout", "Un marché hebdomadaire actif et des commerces de bouche reconnus.", []),
    (
        "commerce",
        "faiblesse",
        "Des cellules commerciales vacantes dans la Grande Rue et la rue Diderot.",
        ["etab_commerce_services"],
    ),
    ("commerce", "menace", "La concurrence des zones commerciales de périphérie et des achats en ligne.", []),
    (
        "patrimoine",
        "atout",
        "Une enceinte fortifiée de 3,5 km, la cathédrale Saint-Mammès et la Maison des Lumières Denis Diderot.",
        [],
    ),
    ("patrimoine", "opportunite", "Le site patrimonial remarquable : un cadre pour réhabiliter le bâti ancien.", []),
    ("mobilite", "atout", "Une gare sur la ligne Paris – Mulhouse et l'accès direct à l'A31.", []),
    ("mobilite", "faiblesse", "Un centre perché, difficile d'accès à pied depuis la ville basse et la gare.", []),
    (
        "emploi_economie",
        "faiblesse",
        "Un chômage supérieur à la moyenne départementale chez les jeunes actifs.",
        ["taux_chomage"],
    ),
    ("emploi_economie", "opportunite", "Le tourisme patrimonial et fluvial, encore peu exploité.", []),
    ("sante", "menace", "Des départs en retraite de médecins généralistes non remplacés.", []),
    ("services_publics", "atout", "Un hôpital, des lycées et les services de l'État à moins de dix minutes.", []),
    ("environnement", "opportunite", "Le PCAET du Pays de Langres : un appui pour la rénovation énergétique.", []),
]


def _seed_afom(context):
    from .models import AfomItem, Donnee

    dossier = context.dossier
    for theme, categorie, texte, codes in AFOM:
        if AfomItem.objects.filter(dossier=dossier, theme=theme, categorie=categorie, texte=texte).exists():
            continue
        donnees = Donnee.objects.filter(dossier=dossier, indicateur__in=codes, echelle="commune")
        services.afom_item_create(
            dossier=dossier, theme=theme, categorie=categorie, texte=texte, donnees=list(donnees), by=context.chef
        )


# --- Documents de planification, études, initiatives -----------------------------------------

PLANS = [
    {
        "kind": "scot",
        "nom": "SCoT du Pays de Langres",
        "statut": "approuve",
        "porteur": "PETR du Pays de Langres",
        "date_prescription": datetime.date(2013, 6, 20),
        "date_approbation": datetime.date(2017, 12, 14),
        "commentaire": "Armature urbaine : Langres pôle principal ; priorité au réinvestissement des centres.",
    },
    {
        "kind": "plui",
        "nom": "PLUi du Grand Langres",
        "statut": "en_elaboration",
        "porteur": "Communauté de communes du Grand Langres",
        "date_prescription": datetime.date(2019, 3, 28),
        "date_echeance": datetime.date(2027, 6, 30),
        "commentaire": "Les orientations d'aménagement du centre ancien sont à écrire avec l'ORT.",
    },
    {
        "kind": "spr",
        "nom": "Site patrimonial remarquable de Langres",
        "statut": "approuve",
        "porteur": "Ville de Langres et Unité départementale de l'architecture et du patrimoine",
        "commentaire": "Toute intervention sur le bâti du centre ancien passe par l'avis de l'architecte des "
        "bâtiments de France.",
    },
    {
        "kind": "pcaet",
        "nom": "PCAET du Pays de Langres",
        "statut": "approuve",
        "porteur": "PETR du Pays de Langres",
        "date_prescription": datetime.date(2018, 9, 1),
        "date_approbation": datetime.date(2021, 11, 18),
    },
    {
        "kind": "pat",
        "nom": "Projet alimentaire territorial du Pays de Langres",
        "statut": "en_elaboration",
        "porteur": "PETR du Pays de Langres",
        "commentaire": "Circuits courts : le marché couvert et les commerces de bouche du centre.",
    },
]

ETUDES = [
    {
        "objet": "Étude pré-opérationnelle d'OPAH-RU du centre ancien",
        "prestataire": "Bureau d'études Habitat et Territoires",
        "cout": Decimal("60000"),
        "financement": "Anah : 50 %\nBanque des Territoires : 25 %\nVille de Langres : 25 %",
        "statut": "en_cours",
        "date_debut": datetime.date(2026, 2, 2),
        "date_fin": datetime.date(2026, 10, 30),
        "description": "Repérage des immeubles vacants ou dégradés, calibrage des aides et du volet coercitif.",
    },
    {
        "objet": "Étude de revitalisation commerciale du centre-ville",
        "prestataire": "Cabinet Commerce et Centres-villes",
        "cout": Decimal("35000"),
        "financement": "Banque des Territoires (ingénierie PVD) : 50 %\nVille de Langres : 50 %",
        "statut": "terminee",
        "date_debut": datetime.date(2025, 9, 15),
        "date_fin": datetime.date(2026, 3, 31),
        "description": "Inventaire des cellules, parcours marchands, plan d'action pour la Grande Rue.",
    },
]
ETUDE_LIVRABLE = ("Étude de revitalisation commerciale du centre-ville", "revitalisation-commerciale.pdf")

INITIATIVES = [
    {
        "nom": "Tiers-lieu de la gare",
        "porteur": "Association Langres en transition",
        "porteur_kind": "associatif",
        "description": "Espace de travail partagé, repair café et épicerie solidaire dans l'ancienne halle de la gare.",
    },
    {
        "nom": "Maison de santé pluriprofessionnelle",
        "porteur": "Communauté de communes du Grand Langres",
        "porteur_kind": "public",
        "description": "Huit professionnels de santé réunis près de l'hôpital ; ouverture prévue en 2027.",
    },
    {
        "nom": "Réhabilitation de l'hôtel du Cheval Blanc",
        "porteur": "SAS Remparts Hôtellerie",
        "porteur_kind": "prive",
        "description": "Un hôtel de 30 chambres dans le centre ancien, avec restaurant.",
    },
]


def _livrable_pdf() -> bytes:
    """A real one-page PDF (WeasyPrint, as for every PDF of the platform)."""
    from weasyprint import HTML

    return HTML(
        string=(
            "<html lang='fr'><body><h1>Étude de revitalisation commerciale du centre-ville de Langres</h1>"
            "<p>Synthèse : 23 cellules vacantes recensées, parcours marchand de la Grande Rue, "
            "plan d'action en douze mesures.</p></body></html>"
        )
    ).write_pdf()


def _seed_references(context):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .models import DocumentPlanification, Etude, Initiative

    dossier, chef = context.dossier, context.chef
    for plan in PLANS:
        if not DocumentPlanification.objects.filter(dossier=dossier, nom=plan["nom"]).exists():
            services.plan_create(dossier=dossier, by=chef, **plan)
    for etude in ETUDES:
        if Etude.objects.filter(dossier=dossier, objet=etude["objet"]).exists():
            continue
        extra = {}
        if etude["objet"] == ETUDE_LIVRABLE[0]:
            extra["livrable_file"] = SimpleUploadedFile(ETUDE_LIVRABLE[1], _livrable_pdf())
        services.etude_create(dossier=dossier, by=chef, **etude, **extra)
    for initiative in INITIATIVES:
        if not Initiative.objects.filter(dossier=dossier, nom=initiative["nom"]).exists():
            services.initiative_create(dossier=dossier, by=chef, **initiative)


# --- Points d'intérêt (carte) ----------------------------------------------------------------


def _seed_carte(context):
    pass


# --- Validation in a séance ------------------------------------------------------------------


def _seed_validation(context):
    pass
