"""Demo plan d'action of Langres: 20 fiches across the axes, financing in every status."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pvd.strategie.models import AxeStrategique
from pvd.territoires.models import OrganisationType

from . import services
from .models import FicheAction

AXES = {
    1: "Habitat et reconquête du centre ancien",
    2: "Commerce, services et vitalité du cœur de ville",
    3: "Mobilités, espaces publics et transition écologique",
    4: "Patrimoine, culture et attractivité touristique",
}

FUNDERS = [
    ("Préfecture de la Haute-Marne", OrganisationType.ETAT),
    ("Banque des Territoires", OrganisationType.BANQUE_TERRITOIRES),
    ("Anah", OrganisationType.ANAH),
    ("Région Grand Est", OrganisationType.REGION),
    ("Département de la Haute-Marne", OrganisationType.DEPARTEMENT),
    ("Commune de Langres", OrganisationType.COMMUNE),
]

# (axe, titre, statut, maturité, coût HT, début, mois, maître d'ouvrage index, CRTE, confidentielle)
FICHES = [
    (
        1,
        "Opération programmée d'amélioration de l'habitat (OPAH-RU)",
        "en_cours",
        "operationnel",
        1_800_000,
        "2023-01",
        60,
        5,
        True,
        False,
    ),
    (1, "Ravalement de façades du centre ancien", "en_cours", "operationnel", 450_000, "2023-06", 36, 5, False, False),
    (1, "Recyclage de l'îlot Diderot", "a_venir", "etude", 2_300_000, "2025-03", 36, 5, False, False),
    (1, "Acquisition foncière rue Boulière", "a_venir", "idee", 380_000, "2025-09", 12, 5, False, True),
    (
        1,
        "Lutte contre l'habitat indigne : permis de louer",
        "realise",
        "operationnel",
        40_000,
        "2022-04",
        10,
        5,
        False,
        False,
    ),
    (2, "Manager de commerce de centre-ville", "en_cours", "operationnel", 180_000, "2022-09", 36, 5, False, False),
    (2, "Boutique à l'essai place Diderot", "realise", "operationnel", 60_000, "2022-11", 18, 5, False, False),
    (2, "Maison France services", "en_cours", "operationnel", 650_000, "2024-01", 18, 5, True, False),
    (2, "Rénovation de la halle couverte", "a_venir", "etude", 1_200_000, "2025-05", 24, 5, False, False),
    (2, "Foncière de redynamisation commerciale", "en_pause", "etude", 900_000, "2024-09", 36, 1, False, False),
    (3, "Requalification de la place Jenson", "en_cours", "operationnel", 1_450_000, "2024-03", 24, 5, False, False),
    (3, "Schéma cyclable du plateau", "a_venir", "etude", 320_000, "2025-01", 30, 5, False, False),
    (
        3,
        "Rénovation énergétique de l'école Jean-Rostand",
        "en_cours",
        "operationnel",
        980_000,
        "2024-06",
        18,
        5,
        False,
        False,
    ),
    (3, "Désimperméabilisation des cours d'école", "a_venir", "idee", 210_000, "2026-04", 12, 5, False, False),
    (3, "Navette électrique gare – centre", "bloque", "etude", 560_000, "2024-10", 24, 5, False, False),
    (4, "Restauration des remparts (tranche 3)", "en_cours", "operationnel", 2_100_000, "2023-09", 48, 5, False, False),
    (4, "Parcours d'interprétation du patrimoine", "realise", "operationnel", 140_000, "2022-05", 14, 5, False, False),
    (
        4,
        "Réhabilitation de la maison des Lumières Denis Diderot",
        "a_venir",
        "etude",
        1_600_000,
        "2026-01",
        36,
        5,
        False,
        False,
    ),
    (4, "Office de tourisme numérique", "abandonne", "idee", 90_000, "2023-03", 12, 5, False, False),
    (4, "Festival des remparts", "en_cours", "operationnel", 75_000, "2024-04", 36, 5, False, False),
]

# (funder index, dispositif, share of the cost, statut) — rotated over the fiches.
PLANS = [
    [(0, "detr", "0.30", "accorde"), (3, "region", "0.20", "sollicite"), (5, "autofinancement", "0.20", "accorde")],
    [(0, "dsil", "0.40", "sollicite"), (1, "bdt", "0.10", "accorde"), (4, "departement", "0.15", "refuse")],
    [(0, "fonds_vert", "0.50", "accorde"), (5, "autofinancement", "0.20", "accorde")],
    [(2, "anah", "0.35", "accorde"), (3, "region", "0.15", "sollicite"), (4, "departement", "0.10", "sollicite")],
]
CENTRE = (Decimal("47.8625"), Decimal("5.3331"))


def _month(text: str) -> datetime.date:
    year, month = text.split("-")
    return datetime.date(int(year), int(month), 1)


def _add_months(date: datetime.date, months: int) -> datetime.date:
    month = date.month - 1 + months
    return datetime.date(date.year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)


def _seed_argent(context, today: datetime.date) -> None:
    """Money over time and late fiches (issue 13), idempotent: the spending of past years
    (entered once), the paid accordé lines of the fiches done or under way, the DETR line of
    fiche 1 decided by the préfecture, and two late fiches (an étape or the end date past)."""
    from .models import BudgetAnnuel, LigneFinancement

    dossier, chef = context.dossier, context.chef
    budgets = BudgetAnnuel.objects.filter(fiche__dossier=dossier, annee__lt=today.year).exclude(
        fiche__statut__in=["a_venir", "abandonne"]
    )
    for index, budget in enumerate(budgets.select_related("fiche").order_by("fiche__numero", "annee")):
        if index % 5 == 4 or budget.realise_renseigne:
            continue  # one year in five stays « non renseigné »; entered once
        services.budget_set(
            fiche=budget.fiche,
            by=chef,
            annee=budget.annee,
            investissement=budget.investissement,
            fonctionnement=budget.fonctionnement,
            realise_investissement=(budget.investissement * Decimal("0.85")).quantize(Decimal("1")),
            realise_fonctionnement=budget.fonctionnement,
        )
    lignes = LigneFinancement.objects.filter(
        fiche__dossier=dossier, statut="accorde", montant_verse__isnull=True, fiche__statut__in=["realise", "en_cours"]
    ).exclude(dispositif="detr")
    for ligne in lignes.select_related("fiche", "financeur"):
        share = Decimal("1") if ligne.fiche.statut == "realise" else Decimal("0.5")
        services.ligne_financement_verser(
            ligne=ligne,
            by=chef,
            montant_verse=(ligne.montant * share).quantize(Decimal("1")),
            date_versement=min(today, (ligne.date or today) + datetime.timedelta(days=180)),
        )
    detr = LigneFinancement.objects.filter(
        fiche__dossier=dossier, fiche__numero=1, dispositif="detr", decision_etat_le__isnull=True
    ).first()
    prefecture = context.users.get("prefecture@demo.pvd.fr")
    if detr is not None and prefecture is not None:
        from pvd.dossiers.perms import access_for

        services.ligne_financement_decider(
            ligne=detr,
            by=prefecture,
            access=access_for(prefecture, dossier),
            statut="accorde",
            montant=detr.montant,
            date_decision=detr.date or today,
        )
    # Late fiches: fiche 12 (schéma cyclable) past its end date, fiche 11 with a past étape not done.
    FicheAction.objects.filter(dossier=dossier, numero=12, statut="a_venir").update(
        date_debut=datetime.date(today.year - 2, 1, 1), date_fin=today - datetime.timedelta(days=40)
    )
    fiche = FicheAction.objects.filter(dossier=dossier, numero=11).first()
    if fiche is not None and not fiche.etapes.filter(nom="Dépôt du permis d'aménager").exists():
        services.etape_create(
            fiche=fiche, by=chef, nom="Dépôt du permis d'aménager", date=today - datetime.timedelta(days=20)
        )


def seed(context) -> None:
    with transaction.atomic():
        _seed_fiches(context)
        _seed_argent(context, timezone.localdate())


def _seed_fiches(context) -> None:
    dossier, chef = context.dossier, context.chef
    axes = {}
    for numero, titre in AXES.items():
        axes[numero], _ = AxeStrategique.objects.get_or_create(
            dossier=dossier, numero=numero, defaults={"titre": titre, "ordre": numero}
        )
    funders = [context.organisation(nom, kind) for nom, kind in FUNDERS]
    commune = dossier.communes.first()
    for index, (axe, titre, statut, maturite, cout, debut, mois, mo, crte, confid) in enumerate(FICHES):
        numero = index + 1
        if FicheAction.objects.filter(dossier=dossier, numero=numero).exists():
            continue
        start = _month(debut)
        cost = Decimal(cout)
        located = index % 3 != 2
        fiche = services.fiche_create(
            dossier=dossier,
            by=chef,
            numero=numero,
            titre=titre,
            axes=[axes[axe]],
            partenaires=[funders[1], funders[3]] if index % 2 else [funders[0]],
            statut=statut,
            maturite=maturite,
            priorite=["haute", "moyenne", "basse"][index % 3],
            contexte=f"Le diagnostic du centre-ville de Langres a mis en évidence le besoin : {titre.lower()}.",
            description=f"{titre} : description de l'opération, de son périmètre et de ses phases.",
            objectifs="Renforcer l'attractivité du cœur de ville et améliorer le cadre de vie des habitants.",
            maitre_ouvrage=funders[mo],
            pilote="Claire Martin, cheffe de projet PVD",
            commune=commune,
            localisation="Centre ancien de Langres",
            latitude=CENTRE[0] + Decimal(index % 5) / 500 if located else None,
            longitude=CENTRE[1] + Decimal(index % 4) / 500 if located else None,
            date_debut=start,
            date_fin=_add_months(start, mois),
            cout_ht=cost,
            cout_ttc=(cost * Decimal("1.2")).quantize(Decimal("0.01")),
            inscrite_crte=crte,
            confidentielle=confid,
        )
        for funder, dispositif, share, line_statut in PLANS[index % len(PLANS)]:
            services.ligne_financement_create(
                fiche=fiche,
                by=chef,
                financeur=funders[funder],
                dispositif=dispositif,
                montant=(cost * Decimal(share)).quantize(Decimal("1")),
                statut=line_statut,
                date=start,
            )
        years = sorted({start.year, fiche.date_fin.year})
        for year in range(years[0], years[-1] + 1):
            services.budget_set(
                fiche=fiche,
                by=chef,
                annee=year,
                investissement=(cost * Decimal("0.9") / (years[-1] - years[0] + 1)).quantize(Decimal("1")),
                fonctionnement=(cost * Decimal("0.1") / (years[-1] - years[0] + 1)).quantize(Decimal("1")),
            )
        services.etape_create(fiche=fiche, by=chef, nom="Études préalables", date=start, faite=statut != "a_venir")
        services.etape_create(fiche=fiche, by=chef, nom="Travaux / mise en œuvre", date=_add_months(start, mois // 2))
        if index % 4 == 0:
            services.note_create(
                fiche=fiche,
                by=chef,
                date=start + datetime.timedelta(days=45),
                texte="Point d'avancement en équipe-projet.",
            )
