"""Demo: a signed convention d'adhésion (June 2021) and a convention-cadre in signature (the
commune and the EPCI have signed; the préfet has not yet)."""

import datetime

from django.db import transaction

from pvd.territoires.models import OrganisationType

from . import services
from .models import Convention, ConventionType, Signataire

ADHESION_SIGNATURES = [
    # organisation (nom, type), représentant, qualité, délibération, signature, engagements
    (
        ("Commune de Langres", OrganisationType.COMMUNE),
        "Anne Rousseau",
        "Maire",
        datetime.date(2021, 5, 27),
        datetime.date(2021, 6, 14),
        "Désigner un chef de projet et élaborer le projet de territoire.",
    ),
    (
        ("Communauté de communes du Grand Langres", OrganisationType.EPCI),
        "Jacques Moreau",
        "Président",
        datetime.date(2021, 5, 31),
        datetime.date(2021, 6, 15),
        "Cofinancer le poste de chef de projet et porter les actions intercommunales.",
    ),
    (
        ("Préfecture de la Haute-Marne", OrganisationType.ETAT),
        "Le préfet de la Haute-Marne",
        "Préfet",
        None,
        datetime.date(2021, 6, 18),
        "Mobiliser les services de l'État et les crédits du programme.",
    ),
]
CADRE_SIGNATURES = [
    (
        ("Commune de Langres", OrganisationType.COMMUNE),
        "Anne Rousseau",
        "Maire",
        datetime.date(2022, 11, 24),
        datetime.date(2022, 12, 5),
        "Mettre en œuvre le plan d'action de la commune.",
    ),
    (
        ("Communauté de communes du Grand Langres", OrganisationType.EPCI),
        "Jacques Moreau",
        "Président",
        datetime.date(2022, 11, 28),
        datetime.date(2022, 12, 6),
        "Porter les actions intercommunales de l'ORT.",
    ),
    (
        ("Préfecture de la Haute-Marne", OrganisationType.ETAT),
        "Le préfet de la Haute-Marne",
        "Préfet",
        None,
        None,
        "Accompagner l'ORT et mobiliser les dotations de l'État.",
    ),
    (
        ("Banque des Territoires", OrganisationType.BANQUE_TERRITOIRES),
        "La directrice régionale Grand Est",
        "Directrice régionale",
        None,
        None,
        "Financer l'ingénierie et les investissements éligibles.",
    ),
]


def _organisation(nom, type_, dossier):
    from pvd.dossiers.demo import DemoContext

    return DemoContext(dossier=dossier).organisation(nom, type_)


def _fill(convention, rows, dossier):
    to_sign = []
    for ordre, ((nom, type_), representant, qualite, deliberation, signe_le, engagements) in enumerate(rows, start=1):
        organisation = _organisation(nom, type_, dossier)
        signataire = Signataire.objects.filter(convention=convention, organisation=organisation).first()
        if signataire is not None and not signataire.engagements and signataire.signe_le is None:
            # A required party (the commune, the EPCI, the préfet), added with the convention:
            # the demo names its representative and gives its commitments.
            signataire = services.signataire_update(
                signataire=signataire,
                organisation=organisation,
                representant=representant,
                qualite=qualite,
                date_deliberation=deliberation,
                engagements=engagements,
                ordre=ordre,
            )
        if signataire is None:
            signataire = services.signataire_create(
                convention=convention,
                organisation=organisation,
                representant=representant,
                qualite=qualite,
                date_deliberation=deliberation,
                engagements=engagements,
                ordre=ordre,
            )
        if signe_le and signataire.signe_le is None:
            to_sign.append((signataire, signe_le))
    for signataire, signe_le in to_sign:  # once every signatory is known
        services.signature_record(signataire=signataire, signe_le=signe_le)


@transaction.atomic
def seed(context):
    dossier = context.dossier
    adhesion = Convention.objects.filter(dossier=dossier, kind=ConventionType.ADHESION).first()
    if adhesion is None:
        adhesion = services.convention_create(
            dossier=dossier,
            kind=ConventionType.ADHESION,
            titre="Convention d'adhésion Petites villes de demain — Langres",
            duree_annees=6,
        )
    _fill(adhesion, ADHESION_SIGNATURES, dossier)
    cadre = Convention.objects.filter(dossier=dossier, kind=ConventionType.CADRE).first()
    if cadre is None:
        cadre = services.convention_create(
            dossier=dossier,
            kind=ConventionType.CADRE,
            titre="Convention-cadre valant ORT — Langres et Grand Langres",
            duree_annees=5,
        )
    _fill(cadre, CADRE_SIGNATURES, dossier)
