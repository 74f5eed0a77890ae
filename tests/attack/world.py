"""The small shared world the attack suite runs in: a dossier with one object of each kind, a
second dossier with the same, and a user for each way of relating to the first one.

Built once per test module (`module_world` in `conftest.py`), inside a transaction that is
rolled back after the module: each test then runs in its own savepoint, as usual.
"""

import datetime
from types import SimpleNamespace

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from pvd.comptes.tests.factories import UserFactory
from pvd.diagnostic.models import DonneeImport
from pvd.diagnostic.tests.factories_afom import AfomItemFactory, EtudeFactory, InitiativeFactory, PlanFactory
from pvd.diagnostic.tests.factories_carte import PointInteretFactory
from pvd.diagnostic.tests.factories_chiffres import DonneeFactory
from pvd.dossiers.models import DemandeDossier, Invitation, Role
from pvd.dossiers.tests.factories import DossierFactory, MembreFactory
from pvd.gouvernance.models import CalendrierDossier, Decision, PointOrdreDuJour
from pvd.participation.tests.factories import (
    ConsultationFactory,
    ContributionFactory,
    PageParticipationFactory,
    publish_strategy,
)
from pvd.pilotage.tests.factories_bilan import BilanFactory
from pvd.suivi.models import Indicateur
from pvd.suivi.tests.factories import MesureFactory
from pvd.territoires.tests.factories import CommuneFactory, DepartementFactory
from tests.test_cross_dossier import build_world

MEMBER_ROLES = [role.value for role in Role]
# Every way a user can relate to the dossier (as conftest.ALL_VIEWERS), and ANCT's administrator.
VIEWERS = ["anonymous", "outsider", *MEMBER_ROLES, "prefecture", "prefecture_autre", "anct"]


def fill(dossier, chef, *, versions: int = 1) -> SimpleNamespace:
    """One object of each kind in `dossier` (test_cross_dossier's world, and the rest)."""
    w = build_world(dossier, chef, versions=versions)
    w.commune = dossier.communes.first()
    # Diagnostic.
    w.donnee = DonneeFactory(dossier=dossier)
    # A rate chart with a value, for its CSV.
    DonneeFactory(dossier=dossier, theme="habitat", indicateur="taux_vacance", code_territoire=w.commune.code)
    w.chart_key = "taux_vacance"
    w.donnee_import = DonneeImport.objects.create(dossier=dossier, kind="generique", nom_fichier="chiffres.csv")
    w.afom = AfomItemFactory(dossier=dossier)
    AfomItemFactory(dossier=dossier, categorie=w.afom.categorie, theme=w.afom.theme)  # a neighbour to move past
    w.plan = PlanFactory(dossier=dossier, file=SimpleUploadedFile("scot.pdf", b"%PDF-1.4 scot"))
    w.etude = EtudeFactory(dossier=dossier)
    w.initiative = InitiativeFactory(dossier=dossier)
    w.point_interet = PointInteretFactory(dossier=dossier)
    # Gouvernance: a decision recorded on a point of its own.
    decided = PointOrdreDuJour.objects.create(dossier=dossier, seance=w.seance, titre="Point tranché", ordre=3)
    w.decision = Decision.objects.create(point=decided, resultat="ajourne", recorded_by=chef)
    # Suivi.
    # Open to the State and the partners: the page then follows the permissions table alone.
    w.suivi_indicateur = w.axe_indicateur
    Indicateur.objects.filter(pk=w.axe_indicateur.pk).update(saisie_etat=True, saisie_partenaires=True)
    w.mesure = MesureFactory(indicateur=w.suivi_indicateur)
    # Participation.
    w.page = PageParticipationFactory(dossier=dossier)
    w.consultation = ConsultationFactory(dossier=dossier)
    w.published_contribution = ContributionFactory(dossier=dossier, publiee=True)
    publish_strategy(dossier)
    # Évaluation.
    w.bilan = BilanFactory(dossier=dossier)
    # Members and invitations.
    w.membre_dossier = MembreFactory(dossier=dossier, role=Role.LECTEUR)
    w.invitation = Invitation.objects.create(dossier=dossier, email=f"invite{dossier.pk}@exemple.fr", role="elu")
    w.chef_invitation = Invitation.objects.create(
        dossier=dossier, email=f"chef{dossier.pk}@exemple.fr", role=Role.CHEF_DE_PROJET
    )
    w.calendrier = CalendrierDossier.objects.create(dossier=dossier, user=chef)
    return w


def build() -> SimpleNamespace:
    """The world: `w` (my dossier's objects), `w.other` (another dossier's), `w.users[kind]`."""
    dossier = DossierFactory(nom="Dossier attaqué")
    chef = MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET).user
    other = DossierFactory(nom="Autre dossier")
    other_chef = MembreFactory(dossier=other, role=Role.CHEF_DE_PROJET).user
    w = fill(dossier, chef)
    w.other = fill(other, other_chef, versions=2)
    users = {"anonymous": None, "outsider": other_chef, Role.CHEF_DE_PROJET.value: chef}
    for role in MEMBER_ROLES:
        users.setdefault(role, MembreFactory(dossier=dossier, role=role).user)
    users["prefecture"] = UserFactory(prefecture=True, departement=w.commune.departement)
    users["prefecture_autre"] = UserFactory(
        prefecture=True, departement=DepartementFactory(code="2A", nom="Corse-du-Sud")
    )
    users["anct"] = UserFactory(anct=True)
    w.users = users
    # A signed-in session for each user, made once: switching viewers is then a cookie.
    w.sessions = {}
    for kind, user in users.items():
        if user is not None:
            client = Client()
            client.force_login(user)
            w.sessions[kind] = client.cookies[settings.SESSION_COOKIE_NAME].value
    # A request to open a dossier, for a commune of the préfecture's département not yet in one.
    w.demande = DemandeDossier.objects.create(
        commune=CommuneFactory(epci=dossier.epci), demandeur=UserFactory(), message="Nous voulons entrer."
    )
    w.organisation_id = w.organisation.pk
    w.today = timezone.localdate()
    w.yesterday = w.today - datetime.timedelta(days=1)
    return w
