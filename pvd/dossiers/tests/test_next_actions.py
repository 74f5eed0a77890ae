"""The next step, named: each step card of the dossier home names the next useful action for
this dossier and this role, with its link, read from the same data as the step's state."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from pvd.actions.tests.factories import FicheFactory
from pvd.conventions.models import ConventionType
from pvd.conventions.tests.factories import ConventionFactory
from pvd.dossiers.tests.factories import MembreFactory
from pvd.gouvernance import services as gouvernance
from pvd.gouvernance.models import InstanceType
from pvd.gouvernance.tests.factories import InstanceFactory, MembreInstanceFactory, SeanceFactory
from pvd.territoires.models import Organisation, OrganisationType

pytestmark = pytest.mark.django_db

READ_ONLY = ["elu", "partenaire", "lecteur", "prefecture", "anct"]


def _home(client, dossier):
    return BeautifulSoup(client.get(reverse("dossiers:detail", args=[dossier.pk])).content, "html.parser")


def _actions(client, dossier) -> dict:
    """{step key: (text, url, edit)} of the cards that name an action."""
    actions = {}
    for card in _home(client, dossier).select("#etapes [data-step]"):
        link = card.select_one(".pvd-next-action a")
        if link is not None:
            actions[card["data-step"]] = (link.get_text(strip=True), link["href"], link["data-edit"] == "oui")
    return actions


def _almost_complete_comite(dossier):
    """A comité de projet that lacks only the préfet."""
    comite = InstanceFactory(dossier=dossier, nom="Comité de projet")
    commune = dossier.communes.get()
    mairie = Organisation.objects.create(nom="Mairie", kind=OrganisationType.COMMUNE, commune=commune)
    epci = Organisation.objects.create(nom=dossier.epci.nom, kind=OrganisationType.EPCI, epci=dossier.epci)
    MembreInstanceFactory(instance=comite, organisation=mairie, role="president")
    MembreInstanceFactory(instance=comite, organisation=epci, role="president")
    MembreInstanceFactory(instance=comite, role="chef_de_projet")
    return comite


def _dossier_in_progress(dossier, chef, fiches=3):
    """Adhesion signed, comité without préfet, fiches waiting for the comité on one séance,
    convention-cadre submitted and waiting for a séance."""
    ConventionFactory(dossier=dossier, signee=True)
    comite = _almost_complete_comite(dossier)
    seance = SeanceFactory(instance=comite)
    for fiche in FicheFactory.create_batch(fiches, dossier=dossier):
        point = gouvernance.object_submit(dossier=dossier, target=fiche, titre=fiche.titre, by=chef)
        gouvernance.point_add(seance=seance, pending=point, by=chef)
    cadre = ConventionFactory(dossier=dossier, kind=ConventionType.CADRE)
    gouvernance.object_submit(dossier=dossier, target=cadre, titre="Convention-cadre", by=chef)
    return comite, seance, cadre


def test_an_empty_dossier_names_where_to_start_for_the_chef(client_for, dossier):
    client = client_for(dossier, "chef_de_projet")
    actions = _actions(client, dossier)
    assert actions["engagement"] == (
        "Préparer la convention d'adhésion",
        reverse("conventions:create", args=[dossier.pk]),
        True,
    )
    assert actions["gouvernance"][0] == "Créer le comité de projet"
    assert actions["diagnostic"] == ("Construire le diagnostic", reverse("diagnostic:index", args=[dossier.pk]), True)
    assert actions["strategie"] == (
        "Saisir les axes stratégiques",
        reverse("strategie:axe_create", args=[dossier.pk]),
        True,
    )
    assert actions["plan"][0] == "Rédiger une première fiche action"
    assert "convention_cadre" not in actions  # nothing to do before the adhesion is signed


def test_a_dossier_in_progress_names_each_next_action(client_for, dossier):
    client = client_for(dossier, "chef_de_projet")
    comite, seance, cadre = _dossier_in_progress(dossier, client.user)
    actions = _actions(client, dossier)
    assert actions["gouvernance"] == (
        "Composer le comité de projet : il manque le préfet",
        reverse("gouvernance:instance", kwargs={"dossier_pk": dossier.pk, "pk": comite.pk}),
        True,
    )
    text, url, edit = actions["fiches"]
    assert text.startswith("3 fiches attendent le comité (séance du ")
    assert url == reverse("gouvernance:seance", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk})
    assert actions["convention_cadre"] == (
        "Inscrire la convention-cadre à une séance",
        reverse("gouvernance:index", args=[dossier.pk]) + "#soumissions",
        True,
    )
    assert actions["plan"][0] == "Compléter le plan de financement de 3 fiches action"
    assert "engagement" not in actions  # adhesion signed and a chef de projet designated: done


def test_one_pending_fiche_is_told_in_the_singular_and_a_new_submission_asks_for_a_seance(client_for, dossier):
    client = client_for(dossier, "equipe")
    fiche = FicheFactory(dossier=dossier)
    gouvernance.object_submit(dossier=dossier, target=fiche, titre=fiche.titre, by=client.user)
    assert _actions(client, dossier)["fiches"][0] == "Inscrire 1 fiche action à une séance du comité de projet"
    elu = client_for(dossier, "elu")
    assert _actions(elu, dossier)["fiches"][:2] == (
        "1 fiche attend le comité",
        reverse("gouvernance:index", args=[dossier.pk]) + "#validations",
    )


def test_the_adhesion_to_sign_is_an_action_for_the_chef_only(client_for, dossier):
    adhesion = ConventionFactory(dossier=dossier)
    url = reverse("conventions:detail", kwargs={"dossier_pk": dossier.pk, "pk": adhesion.pk})
    assert _actions(client_for(dossier, "chef_de_projet"), dossier)["engagement"] == (
        "Signer la convention d'adhésion",
        url,
        True,
    )
    assert _actions(client_for(dossier, "equipe"), dossier)["engagement"] == (
        "Voir la convention d'adhésion",
        url,
        False,
    )


@pytest.mark.parametrize("kind", READ_ONLY)
def test_a_read_only_role_sees_no_edit_action(client_for, dossier, kind):
    chef = MembreFactory(dossier=dossier, role="chef_de_projet").user
    comite, _seance, _cadre = _dossier_in_progress(dossier, chef)
    actions = _actions(client_for(dossier, kind), dossier)
    assert actions, "a reading action is still offered"
    assert not [a for a in actions.values() if a[2]]
    assert actions["gouvernance"] == (
        "Voir la composition du comité de projet",
        reverse("gouvernance:instance", kwargs={"dossier_pk": dossier.pk, "pk": comite.pk}),
        False,
    )
    assert "diagnostic" not in actions  # nothing to read, nothing to do for them
    assert actions["convention_cadre"][0] == "La convention-cadre attend le comité de projet"


def test_missing_members_are_named_in_the_action(client_for, dossier):
    InstanceFactory(dossier=dossier, kind=InstanceType.COMITE_PROJET)
    text = _actions(client_for(dossier, "chef_de_projet"), dossier)["gouvernance"][0]
    # Four are missing: the commune's and the EPCI's executives, the chef de projet, the préfet.
    commune = dossier.communes.get()
    assert text == f"Composer le comité de projet : il manque l'exécutif de {commune.nom} et 3 autres membres requis"


@pytest.mark.parametrize("kind", ["chef_de_projet", "elu"])
def test_the_home_query_count_does_not_grow_with_the_dossier(client_for, dossier, django_assert_num_queries, kind):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(dossier, kind)
    chef = MembreFactory(dossier=dossier, role="chef_de_projet").user
    comite, seance, _cadre = _dossier_in_progress(dossier, chef, fiches=2)
    url = reverse("dossiers:detail", args=[dossier.pk])
    client.get(url)  # content types cached
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    # Many more fiches, on two séances, and more members.
    other = SeanceFactory(instance=comite)
    for fiche in FicheFactory.create_batch(12, dossier=dossier):
        point = gouvernance.object_submit(dossier=dossier, target=fiche, titre=fiche.titre, by=chef)
        gouvernance.point_add(seance=other, pending=point, by=chef)
    MembreInstanceFactory.create_batch(5, instance=comite)
    with django_assert_num_queries(len(small)):
        client.get(url)
    assert len(small) <= HOME_QUERIES


# The home before the next actions took 28 queries on such a dossier; plus the validation state
# of a convention-cadre waiting for the comité (2), less the échéance now read from the
# conventions already loaded (1); plus the Alertes block of the pilotage (5: one query per rule,
# the convention-cadre's deadline left to the page's own alert); plus step 8, read from the
# indicators the viewer may enter (1).
HOME_QUERIES = 35
