"""The demo dossier seeded by every app (pvd.dossiers.demo.seed_all): what its home page shows,
and that seeding twice adds nothing anywhere."""

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from pvd.comptes.models import User
from pvd.dossiers import demo
from pvd.dossiers.models import DemandeDossier, DemandeStatut
from pvd.dossiers.steps import EN_COURS, STEPS, TERMINE
from pvd.territoires.tests.factories import CommuneFactory, DepartementFactory, EpciFactory

pytestmark = pytest.mark.django_db

APPS = ["territoires", "comptes", "dossiers", "gouvernance", "strategie", "actions", "suivi", "conventions"]
APPS += ["participation", "documents"]
NO_APP_YET: set[str] = set()
EXPECTED = {
    "engagement": TERMINE,  # convention d'adhésion signed, chef de projet named
    "gouvernance": TERMINE,  # complete comité (the adhesion's signatories in it), minutes approved
    "diagnostic": TERMINE,  # the diagnostic du territoire validated at the first séance
    "strategie": TERMINE,  # axes and ORT perimeter, strategy validated by the comité de projet
    "plan": TERMINE,  # every fiche dated and financed
    "fiches": EN_COURS,  # 6 fiches validated, 1 adjourned, 2 waiting for the next séance
    "convention_cadre": EN_COURS,  # in signature
    "suivi": EN_COURS,  # two years of values on the demo's indicators
}


@pytest.fixture
def langres(db):
    epci = EpciFactory(siren="200072999", nom="CC du Grand Langres")
    return CommuneFactory(code="52269", nom="Langres", epci=epci, departement=DepartementFactory(code="52"))


def counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count() for label in APPS for model in apps.get_app_config(label).get_models()
    }


def test_every_step_provider_exists_except_apps_not_built():
    for key, _titre, path in STEPS:
        if key in NO_APP_YET:
            with pytest.raises(ImportError):
                import_string(path)
        else:
            assert callable(import_string(path)), path


def test_demo_dossier_home_shows_each_step_state(client, langres):
    context = demo.seed_all()
    client.force_login(context.chef)
    response = client.get(reverse("dossiers:detail", kwargs={"dossier_pk": context.dossier.pk}))
    assert response.status_code == 200
    steps = BeautifulSoup(response.content, "html.parser").select("#content #etapes [data-step]")
    assert {li["data-step"]: li["data-etat"] for li in steps} == EXPECTED
    gouvernance = next(li for li in steps if li["data-step"] == "gouvernance").get_text(" ", strip=True)
    assert "incomplet" not in gouvernance  # the adhesion's signatories sit in the comité de projet


def test_seed_all_is_idempotent_across_every_app(langres):
    demo.seed_all()
    first = counts()
    for label in (
        "dossiers.Dossier",
        "gouvernance.MembreInstance",
        "gouvernance.Decision",
        "strategie.AxeStrategique",
        "strategie.SecteurIntervention",
        "actions.FicheAction",
        "actions.LigneFinancement",
        "suivi.Indicateur",
        "suivi.Mesure",
        "conventions.Signataire",
    ):
        assert first[label] > 0, label
    demo.seed_all()
    second = counts()
    assert {k: (v, second[k]) for k, v in first.items() if second[k] != v} == {}


def test_seed_demo_without_territories_is_a_clear_error(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Les territoires ne sont pas chargés"):
        call_command("seed_demo")
    assert not demo.Dossier.objects.exists()


def test_seed_demo_prints_the_accounts_with_their_role_and_scope(langres):
    from io import StringIO

    from django.core.management import call_command

    from pvd.comptes.models import User
    from pvd.dossiers.perms import access_for

    out = StringIO()
    call_command("seed_demo", stdout=out)
    lines = out.getvalue().splitlines()
    dossier = demo.Dossier.objects.get(pvd_id=demo.DEMO_PVD_ID)
    assert lines[0] == f"Dossier de démonstration : {dossier} (n° {dossier.pk})"
    assert lines[1] == "Comptes de démonstration (mot de passe : demo-pvd-2026) :"
    printed = {line.split()[0]: " ".join(line.split()[1:]) for line in lines[2:]}
    assert printed == {
        "chef@demo.pvd.fr": "Chef de projet",
        "equipe@demo.pvd.fr": "Équipe-projet",
        "elu@demo.pvd.fr": "Élu",
        "partenaire@demo.pvd.fr": "Partenaire ou financeur",
        "lecteur@demo.pvd.fr": "Lecteur",
        "prefecture@demo.pvd.fr": "Préfecture (52)",
        "anct@demo.pvd.fr": "ANCT",
        "demandeur@demo.pvd.fr": "Sans rôle (demande le dossier de Bourbonne-les-Bains)",
    }
    roles = {
        "chef@demo.pvd.fr": "chef_de_projet",
        "equipe@demo.pvd.fr": "equipe",
        "elu@demo.pvd.fr": "elu",
        "partenaire@demo.pvd.fr": "partenaire",
        "lecteur@demo.pvd.fr": "lecteur",
        "prefecture@demo.pvd.fr": "prefecture",
        "anct@demo.pvd.fr": "anct",
        "demandeur@demo.pvd.fr": None,
    }
    for email, role in roles.items():
        user = User.objects.get(email=email)
        assert user.check_password(demo.DEMO_PASSWORD), email
        assert access_for(user, dossier).role == role, email
    prefecture = User.objects.get(email="prefecture@demo.pvd.fr")
    assert prefecture.state_scope == "prefecture" and prefecture.departement_id == "52"
    assert User.objects.get(email="anct@demo.pvd.fr").state_scope == "anct"
    assert not User.objects.filter(email__endswith="@demo.pvd.fr", is_staff=True).exists()
    langres = dossier.communes.get()
    assert (langres.code, langres.pvd, langres.pvd_id) == ("52269", True, "pvd-44-52-15")


def test_the_prefecture_demo_account_has_a_pending_request_seeded_once(client, langres):
    bourbonne = CommuneFactory(
        code=demo.DEMO_DEMANDE_COMMUNE, nom="Bourbonne-les-Bains", departement=langres.departement, epci=EpciFactory()
    )
    demo.seed()
    demo.seed()
    demande = DemandeDossier.objects.get()
    assert (demande.commune, demande.demandeur.email, demande.statut) == (
        bourbonne,
        demo.DEMO_DEMANDEUR,
        DemandeStatut.EN_ATTENTE,
    )
    assert not demande.demandeur.memberships.exists() and demande.demandeur.state_scope == ""
    client.force_login(User.objects.get(email="prefecture@demo.pvd.fr"))
    table = BeautifulSoup(client.get(reverse("dossiers:demandes")).content, "html.parser").select_one(
        "#demandes-a-traiter"
    )
    assert "Bourbonne-les-Bains" in table.text and "Lucas Moreau" in table.text
    # Once decided, a new run does not ask again.
    DemandeDossier.objects.update(statut=DemandeStatut.REFUSEE, motif_refus="Démonstration.", decided_at=timezone.now())
    demo.seed()
    assert DemandeDossier.objects.count() == 1
