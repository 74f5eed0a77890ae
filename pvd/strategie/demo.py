"""Demo strategy of Langres: 4 axes, 12 indicators, an ORT perimeter and two sectors, published."""

import datetime
from decimal import Decimal

from django.db import transaction

from pvd.suivi.models import Indicateur
from pvd.territoires.models import OrganisationType

from . import services
from .models import AxeStrategique, ProjetTerritoire, SecteurIntervention, SecteurKind

RESUME = (
    "Langres, cité fortifiée sur son éperon, veut redevenir une ville-centre attractive pour le Pays de Langres : "
    "un centre ancien où l'on a envie d'habiter, des commerces vivants autour de la rue Diderot, des remparts et "
    "des espaces publics apaisés, un patrimoine exceptionnel mis au service du tourisme et de la transition "
    "écologique.\n\nLe projet de territoire s'organise en quatre axes, portés avec la Communauté de communes du "
    "Grand Langres et les partenaires du programme Petites villes de demain."
)

PARTNERS = {
    "commune": ("Commune de Langres", OrganisationType.COMMUNE),
    "epci": ("CC du Grand Langres", OrganisationType.EPCI),
    "bdt": ("Banque des Territoires", OrganisationType.BANQUE_TERRITOIRES),
    "anah": ("Anah", OrganisationType.ANAH),
    "cerema": ("Cerema", OrganisationType.CEREMA),
    "cci": ("CCI de la Haute-Marne", OrganisationType.CHAMBRE),
    "dep": ("Département de la Haute-Marne", OrganisationType.DEPARTEMENT),
}

AXES = [
    {
        "numero": 1,
        "titre": "Habitat et cadre de vie",
        "enjeux": "Reconquérir les logements vacants du centre ancien (près d'un logement sur cinq), adapter "
        "l'habitat au vieillissement et rénover énergétiquement un bâti ancien et contraint.",
        "echelle": "commune",
        "orientations_crte": ["habitat", "transition_ecologique"],
        "transition_ecologique": True,
        "cohesion_territoriale": True,
        "partenaires": ["commune", "anah", "bdt"],
        "sous_objectifs": ["Mettre en place une OPAH-RU", "Traiter les îlots dégradés"],
    },
    {
        "numero": 2,
        "titre": "Commerce et centralité",
        "enjeux": "Réduire la vacance commerciale de la rue Diderot, accompagner les reprises et diversifier "
        "l'offre de services en centre-ville.",
        "echelle": "quartier",
        "orientations_crte": ["developpement_economique"],
        "transition_ecologique": False,
        "cohesion_territoriale": True,
        "partenaires": ["commune", "cci", "bdt"],
        "sous_objectifs": [],
    },
    {
        "numero": 3,
        "titre": "Mobilités et espaces publics",
        "enjeux": "Relier la ville haute et la gare, apaiser la circulation sur les remparts et développer "
        "les mobilités douces.",
        "echelle": "epci",
        "orientations_crte": ["mobilites", "transition_ecologique"],
        "transition_ecologique": True,
        "cohesion_territoriale": False,
        "partenaires": ["epci", "cerema", "dep"],
        "sous_objectifs": [],
    },
    {
        "numero": 4,
        "titre": "Patrimoine, tourisme et transition écologique",
        "enjeux": "Valoriser les remparts et la maison des Lumières Denis Diderot, allonger la durée des séjours "
        "et réduire l'empreinte énergétique des bâtiments publics.",
        "echelle": "plusieurs_communes",
        "orientations_crte": ["culture_patrimoine", "transition_ecologique"],
        "transition_ecologique": True,
        "cohesion_territoriale": False,
        "partenaires": ["commune", "epci", "bdt"],
        "sous_objectifs": ["Restaurer les remparts", "Rénover les bâtiments publics"],
    },
]

D2020 = datetime.date(2020, 1, 1)
D2021 = datetime.date(2021, 1, 1)
D2026 = datetime.date(2026, 12, 31)
D2028 = datetime.date(2028, 12, 31)

INDICATEURS = {
    1: [
        ("Taux de logements vacants", "resultat", "%", "18.5", D2020, "12", D2028, "INSEE, LOVAC", "logements_vacants"),
        (
            "Nombre de logements rénovés",
            "mise_en_oeuvre",
            "logements",
            "0",
            D2021,
            "150",
            D2028,
            "Anah",
            "logements_renoves",
        ),
        ("Population municipale", "resultat", "habitants", "7656", D2020, "7800", D2028, "INSEE", "population"),
    ],
    2: [
        (
            "Taux de vacance commerciale en centre-ville",
            "resultat",
            "%",
            "16",
            D2021,
            "10",
            D2026,
            "Relevé communal",
            "vacance_commerciale",
        ),
        (
            "Nombre de commerces ouverts ou repris en centre-ville",
            "mise_en_oeuvre",
            "commerces",
            "0",
            D2021,
            "20",
            D2026,
            "CCI",
            "commerces_ouverts",
        ),
        (
            "Nombre d'emplois au lieu de travail",
            "resultat",
            "emplois",
            "5420",
            D2020,
            "5500",
            D2028,
            "INSEE",
            "emplois",
        ),
    ],
    3: [
        (
            "Linéaire d'aménagements cyclables (CRTE)",
            "mise_en_oeuvre",
            "km",
            "2",
            D2021,
            "12",
            D2028,
            "Services techniques",
            "crte_amenagements_cyclables",
        ),
        (
            "Surface d'espaces publics requalifiés",
            "mise_en_oeuvre",
            "m²",
            "0",
            D2021,
            "15000",
            D2028,
            "Services techniques",
            "espaces_publics",
        ),
        (
            "Fréquentation du funiculaire et de la navette gare – ville haute",
            "resultat",
            "voyages/an",
            "41000",
            D2020,
            "60000",
            D2028,
            "CC du Grand Langres",
            "",
        ),
    ],
    4: [
        ("Nuitées touristiques", "resultat", "nuitées", "95000", D2020, "120000", D2028, "Office de tourisme", ""),
        (
            "Émissions de gaz à effet de serre du territoire (CRTE)",
            "resultat",
            "tCO2e/an",
            "62000",
            D2020,
            "50000",
            D2028,
            "ORCAE Grand Est",
            "crte_ges",
        ),
        (
            "Bâtiments publics rénovés énergétiquement",
            "mise_en_oeuvre",
            "bâtiments",
            "0",
            D2021,
            "6",
            D2028,
            "Commune",
            "",
        ),
    ],
}


def _rectangle(west, south, east, north):
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


# Around Langres' ville haute (lon ≈ 5.333, lat ≈ 47.862).
SECTEURS = [
    (
        "Périmètre ORT — centre ancien et faubourgs",
        SecteurKind.PERIMETRE_ORT,
        {
            "type": "Polygon",
            "coordinates": [
                [
                    [5.3245, 47.8540],
                    [5.3420, 47.8545],
                    [5.3445, 47.8630],
                    [5.3400, 47.8700],
                    [5.3290, 47.8705],
                    [5.3235, 47.8630],
                    [5.3245, 47.8540],
                ]
            ],
        },
    ),
    (
        "Secteur prioritaire — rue Diderot",
        SecteurKind.SECTEUR_PRIORITAIRE,
        _rectangle(5.3310, 47.8600, 5.3350, 47.8650),
    ),
    (
        "Secteur prioritaire — quartier de la gare",
        SecteurKind.SECTEUR_PRIORITAIRE,
        _rectangle(5.3300, 47.8555, 5.3370, 47.8580),
    ),
]


@transaction.atomic
def seed(context) -> None:
    dossier, chef = context.dossier, context.chef
    organisations = {key: context.organisation(nom, kind) for key, (nom, kind) in PARTNERS.items()}
    projet = ProjetTerritoire.objects.filter(dossier=dossier).first()
    if projet is None or not projet.resume:
        services.projet_update(dossier=dossier, resume=RESUME, by=chef)
    for spec in AXES:
        axe = AxeStrategique.objects.filter(dossier=dossier, numero=spec["numero"]).first()
        if axe is None:
            axe = services.axe_create(
                dossier=dossier,
                by=chef,
                numero=spec["numero"],
                titre=spec["titre"],
                enjeux=spec["enjeux"],
                echelle=spec["echelle"],
                orientations_crte=spec["orientations_crte"],
                transition_ecologique=spec["transition_ecologique"],
                cohesion_territoriale=spec["cohesion_territoriale"],
                partenaires=[organisations[key] for key in spec["partenaires"]],
            )
            for titre in spec["sous_objectifs"]:
                services.sous_objectif_create(axe=axe, titre=titre, by=chef)
        for nom, kind, unite, initiale, date_initiale, cible, echeance, source, catalogue in INDICATEURS[
            spec["numero"]
        ]:
            if Indicateur.objects.filter(dossier=dossier, axe=axe, nom=nom).exists():
                continue
            services.axe_indicateur_create(
                axe=axe,
                by=chef,
                nom=nom,
                kind=kind,
                unite=unite,
                valeur_initiale=Decimal(initiale),
                date_initiale=date_initiale,
                cible=Decimal(cible),
                echeance=echeance,
                source=source,
                catalogue=catalogue,
            )
    commune = dossier.communes.order_by("code").first()
    for nom, kind, geometry in SECTEURS:
        if not SecteurIntervention.objects.filter(dossier=dossier, nom=nom).exists():
            services.secteur_create(dossier=dossier, nom=nom, kind=kind, commune=commune, geometry=geometry, by=chef)
    projet = ProjetTerritoire.objects.get(dossier=dossier)
    if not projet.publie:
        services.projet_publish(dossier=dossier, by=chef)
