"""Demo diagnostic of Langres: figures (reference and an imported sample file), AFOM,
documents de planification, two studies, initiatives, points of interest on the map, and its
validation by the comité de projet in a séance. Idempotent."""

import datetime
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
