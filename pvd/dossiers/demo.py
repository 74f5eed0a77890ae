"""The demo dossier: Langres (Haute-Marne) and the CC du Grand Langres, with one account per role.

`seed_demo` calls `seed()` here, then the `seed(context)` of each app listed in DEMO_APPS
that has a `demo` module, so the demo shows every part of the platform. Every seeder is
idempotent: a second run neither fails nor duplicates anything.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from pvd.comptes.models import User
from pvd.territoires.models import Commune, Departement

from .models import DemandeDossier, Dossier, Membre, Role
from .steps import optional_provider

DEMO_PASSWORD = "demo-pvd-2026"  # noqa: S105 - demo accounts, printed by make run
DEMO_COMMUNE = "52269"  # Langres, in the PVD list (pvd-44-52-15)
DEMO_PVD_ID = "pvd-44-52-15"
# A PVD commune of Haute-Marne without a dossier, whose opening a demo account without role requests:
# the préfecture's demo account has a request to accept or refuse.
DEMO_DEMANDE_COMMUNE = "52060"  # Bourbonne-les-Bains
DEMO_DEMANDEUR = "demandeur@demo.pvd.fr"
# Documents and diagnostic before gouvernance: the first séance validates the submitted diagnostic
# document and the diagnostic du territoire.
DEMO_APPS = [
    "strategie",
    "actions",
    "documents",
    "diagnostic",
    "gouvernance",
    "suivi",
    "conventions",
    "participation",
    "pilotage",
]

ACCOUNTS = [
    ("chef@demo.pvd.fr", "Claire", "Martin", "Commune de Langres", Role.CHEF_DE_PROJET, ""),
    ("equipe@demo.pvd.fr", "Thomas", "Bernard", "CC du Grand Langres", Role.EQUIPE, ""),
    ("elu@demo.pvd.fr", "Anne", "Rousseau", "Commune de Langres", Role.ELU, ""),
    ("partenaire@demo.pvd.fr", "Karim", "Benali", "Banque des Territoires", Role.PARTENAIRE, ""),
    ("lecteur@demo.pvd.fr", "Julie", "Petit", "CAUE de la Haute-Marne", Role.LECTEUR, ""),
    ("prefecture@demo.pvd.fr", "Marc", "Lefebvre", "Préfecture de la Haute-Marne", None, "prefecture"),
    ("anct@demo.pvd.fr", "Sophie", "Garnier", "ANCT", None, "anct"),
    (DEMO_DEMANDEUR, "Lucas", "Moreau", "Commune de Bourbonne-les-Bains", None, ""),
]


@dataclass
class DemoContext:
    dossier: Dossier
    users: dict[str, User] = field(default_factory=dict)

    @property
    def chef(self) -> User:
        return self.users["chef@demo.pvd.fr"]

    def organisation(self, nom: str, kind: str):
        """The demo's organisations, as a user would find them: the commune, the EPCI and the
        préfecture are the shared organisations of the territory (every app's seeder finds the
        same row, and the comité de projet's composition check too), the national bodies are
        in the national list, the other partners belong to the dossier."""
        from pvd.territoires.models import NATIONAL_TYPES, OrganisationType
        from pvd.territoires.services import (
            commune_organisation,
            epci_organisation,
            organisation_get_or_create,
            prefecture_organisation,
        )

        departement = Departement.objects.get(code="52")
        if kind == OrganisationType.COMMUNE:
            return commune_organisation(self.dossier.communes.order_by("code").first())
        if kind == OrganisationType.EPCI:
            return epci_organisation(self.dossier.epci)
        if kind == OrganisationType.ETAT and nom.startswith("Préfecture"):
            return prefecture_organisation(departement)
        if kind in NATIONAL_TYPES:
            links = {"departement": departement} if kind == OrganisationType.DEPARTEMENT else {}
            return organisation_get_or_create(nom=nom, kind=kind, dossier=None, **links)
        return organisation_get_or_create(nom=nom, kind=kind, dossier=self.dossier)


@transaction.atomic
def seed() -> DemoContext:
    commune = Commune.objects.select_related("epci", "departement").get(code=DEMO_COMMUNE)
    if not (commune.pvd and commune.pvd_id):
        commune.pvd, commune.pvd_id = True, commune.pvd_id or DEMO_PVD_ID
        commune.save(update_fields=["pvd", "pvd_id"])
    dossier, _ = Dossier.objects.get_or_create(
        pvd_id=DEMO_PVD_ID,
        defaults={
            "nom": "Langres",
            "epci": commune.epci,
            "date_entree": datetime.date(2021, 3, 15),
        },
    )
    dossier.communes.add(commune)
    context = DemoContext(dossier=dossier)
    departement = Departement.objects.get(code="52")
    for email, first, last, organisation, role, scope in ACCOUNTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                organisation=organisation,
                state_scope=scope,
                departement=departement if scope == "prefecture" else None,
            )
        if role:
            Membre.objects.get_or_create(dossier=dossier, user=user, defaults={"role": role})
        context.users[email] = user
    _seed_demande(context.users[DEMO_DEMANDEUR])
    return context


def _seed_demande(demandeur: User) -> None:
    """One pending request, made once: a second run, or a request decided since, adds nothing."""
    commune = Commune.objects.filter(code=DEMO_DEMANDE_COMMUNE).first()
    if commune is None or commune.epci_id is None:
        return
    if DemandeDossier.objects.filter(commune=commune, demandeur=demandeur).exists():
        return
    if commune.dossiers.filter(cloture_le__isnull=True).exists():
        return
    if not commune.pvd:
        commune.pvd = True
        commune.save(update_fields=["pvd"])
    demande = DemandeDossier(
        commune=commune,
        demandeur=demandeur,
        message="Directeur général des services de Bourbonne-les-Bains : "
        "je propose d'être le chef de projet de la commune.",
    )
    demande.full_clean()
    demande.save()


def seed_all() -> DemoContext:
    context = seed()
    for app in DEMO_APPS:
        seeder = optional_provider(f"pvd.{app}.demo.seed")
        if seeder is not None:
            seeder(context)
    return context
