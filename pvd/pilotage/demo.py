"""Three more demo dossiers, so that the département's and the nation's dashboards mean
something: Joinville and Wassy (Haute-Marne: the demo préfecture sees them with Langres) and
Montbard (Côte-d'Or: only ANCT sees it). Each gets what the dashboards count — conventions,
fiches with statuses and financing, a séance, an indicator value — through the apps' services.
Idempotent: a dossier already there (by its identifiant PVD) is left as it is.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pvd.actions import services as actions
from pvd.actions.models import FicheAction
from pvd.conventions import services as conventions
from pvd.conventions.models import ConventionType
from pvd.dossiers import deadline
from pvd.dossiers.models import Dossier
from pvd.gouvernance import services as gouvernance
from pvd.gouvernance.models import InstanceType
from pvd.strategie import services as strategie
from pvd.suivi import services as suivi
from pvd.suivi.models import Mesure
from pvd.territoires.models import Commune, OrganisationType

from .demo_alertes import seed as seed_alertes
from .demo_bilan import seed as seed_bilan
from .demo_opendata import seed as seed_opendata

# (nom, département, identifiant PVD if the commune has none, adhésion signed (months ago),
#  convention-cadre signed (months ago) or None, days since the séance, fiches, logements rénovés)
# fiches: (titre, statut, maturité, [(financeur, type, dispositif, montant, statut)])
DOSSIERS = [
    (
        "Joinville",
        "52",
        "demo-52-joinville",
        30,
        None,
        40,
        [
            (
                "Réhabilitation de l'îlot du château du Grand Jardin",
                "en_cours",
                "etude",
                [
                    ("Préfecture de la Haute-Marne", OrganisationType.ETAT, "detr", "120000", "accorde"),
                    ("Préfecture de la Haute-Marne", OrganisationType.ETAT, "fonds_vert", "80000", "sollicite"),
                ],
            ),
            ("Maison France services en centre-bourg", "a_venir", "idee", []),
        ],
        "12",
    ),
    (
        "Wassy",
        "52",
        "demo-52-wassy",
        16,
        None,
        150,
        [
            (
                "Requalification de la place Notre-Dame",
                "a_venir",
                "etude",
                [("Préfecture de la Haute-Marne", OrganisationType.ETAT, "dsil", "60000", "sollicite")],
            )
        ],
        None,
    ),
    (
        "Montbard",
        "21",
        "demo-21-montbard",
        50,
        24,
        20,
        [
            (
                "Opération programmée d'amélioration de l'habitat – renouvellement urbain",
                "en_cours",
                "operationnel",
                [
                    ("Anah", OrganisationType.AUTRE, "anah", "450000", "accorde"),
                    ("Banque des Territoires", OrganisationType.AUTRE, "bdt", "50000", "accorde"),
                ],
            ),
            (
                "Voie verte du canal de Bourgogne",
                "realise",
                "operationnel",
                [("Préfecture de la Côte-d'Or", OrganisationType.ETAT, "dsil", "200000", "refuse")],
            ),
        ],
        "35",
    ),
]


def seed(context) -> None:
    seed_alertes(context)  # what makes the demo dossier's alerts and tableau de bord speak
    seed_opendata(context)  # published fiches and the préfecture's opinions
    seed_bilan(context)  # last year's bilan annuel and the quarterly snapshots
    today = timezone.localdate()
    for row in DOSSIERS:
        _seed_dossier(context, today, *row)


@transaction.atomic
def _seed_dossier(context, today, nom, departement, pvd_id, adhesion_ago, cadre_ago, seance_ago, fiches, logements):
    commune = Commune.objects.filter(nom=nom, departement_id=departement).select_related("epci").first()
    if commune is None or commune.epci_id is None:
        return  # the COG is not loaded: the demo goes without this dossier
    pvd_id = commune.pvd_id or pvd_id
    if Dossier.objects.filter(pvd_id=pvd_id).exists():
        return
    dossier = Dossier(
        nom=nom, epci=commune.epci, pvd_id=pvd_id, date_entree=deadline.add_months(today, -adhesion_ago - 2)
    )
    dossier.full_clean()
    dossier.save()
    dossier.communes.add(commune)
    chef = context.chef  # the demo's chef writes the history lines; he is not a member here
    _sign(dossier, ConventionType.ADHESION, deadline.add_months(today, -adhesion_ago))
    if cadre_ago is not None:
        _sign(dossier, ConventionType.CADRE, deadline.add_months(today, -cadre_ago))
    axe = strategie.axe_create(dossier=dossier, numero=1, titre="Habiter et vivre le centre-bourg", by=chef)
    for titre, statut, maturite, lignes in fiches:
        fiche = actions.fiche_create(
            dossier=dossier,
            by=chef,
            titre=titre,
            axes=[axe],
            statut=statut,
            maturite=maturite,
            cout_ht=Decimal("500000"),
        )
        for financeur, kind, dispositif, montant, ligne_statut in lignes:
            actions.ligne_financement_create(
                fiche=fiche,
                by=chef,
                nouveau_financeur=financeur,
                type_financeur=kind,
                dispositif=dispositif,
                montant=Decimal(montant),
                statut=ligne_statut,
            )
    instance = gouvernance.instance_create(
        dossier=dossier, kind=InstanceType.COMITE_PROJET, nom="Comité de projet", by=chef
    )
    gouvernance.seance_create(
        instance=instance, date=timezone.now() - datetime.timedelta(days=seance_ago), lieu="Mairie", by=chef
    )
    if logements:
        indicateur = suivi.indicateur_create(
            dossier=dossier,
            axe=axe,
            nom="Nombre de logements rénovés",
            kind="mise_en_oeuvre",
            unite="logements",
            valeur_initiale=Decimal("0"),
            catalogue="logements_renoves",
            by=chef,
        )
        mesure = Mesure(
            indicateur=indicateur,
            date=today.replace(month=1, day=1),
            valeur=Decimal(logements),
            source="Anah",
            entered_by=chef,
        )
        mesure.full_clean()
        mesure.save()
    if seance_ago > 90:
        # A dossier left idle: its last change dates back to its séance (the dashboards flag it).
        idle_since = timezone.now() - datetime.timedelta(days=seance_ago)
        Dossier.objects.filter(pk=dossier.pk).update(updated_at=idle_since)
        FicheAction.objects.filter(dossier=dossier).update(updated_at=idle_since)


def _sign(dossier, kind, on):
    convention = conventions.convention_create(dossier=dossier, kind=kind)
    for signataire in convention.signataires.all():
        conventions.signature_record(signataire=signataire, signe_le=on)
