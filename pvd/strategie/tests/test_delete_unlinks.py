"""Deleting a sector or an axe unlinks fiches, consultations and contributions: the
confirmation page says which, before anything is deleted."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from pvd.actions.tests.factories import FicheFactory
from pvd.participation.tests.factories import ConsultationFactory, ContributionFactory
from pvd.strategie import selectors

pytestmark = pytest.mark.django_db


def _unlinked(response):
    block = BeautifulSoup(response.content, "html.parser").select_one("#unlinked")
    return [li.get_text(" ", strip=True) for li in block.select("li")] if block else []


def test_secteur_delete_page_lists_the_fiches_it_unlinks(dossier, strategie, client_for):
    secteur = strategie["secteur"]
    FicheFactory(dossier=dossier, numero=3, titre="Rénovation des halles", secteur=secteur)
    FicheFactory(dossier=dossier, numero=4, secteur=secteur, confidential=True)
    FicheFactory(dossier=dossier, numero=5, titre="Ailleurs")
    url = reverse("strategie:secteur_delete", kwargs={"dossier_pk": dossier.pk, "pk": secteur.pk})
    assert _unlinked(client_for(dossier, "equipe").get(url)) == [
        "Fiche n° 3 — Rénovation des halles",
        "Fiche n° 4 — Acquisition foncière secrète",
    ]


def test_axe_delete_page_lists_fiches_consultations_and_contributions(dossier, strategie, client_for):
    axe = strategie["axe"]
    FicheFactory(dossier=dossier, numero=3, titre="Rénovation des halles").axes.add(axe)
    consultation = ConsultationFactory(dossier=dossier, question="Quel avenir pour les halles ?", axe=axe)
    ContributionFactory.create_batch(2, dossier=dossier, consultation=consultation, axe=axe)
    url = reverse("strategie:axe_delete", kwargs={"dossier_pk": dossier.pk, "axe_pk": axe.pk})
    assert _unlinked(client_for(dossier, "chef_de_projet").get(url)) == [
        "Fiche n° 3 — Rénovation des halles",
        "Quel avenir pour les halles ?",
        "2 contributions",
    ]


def test_confidential_fiches_are_counted_not_named_for_who_may_not_see_them(dossier, strategie, make_viewer):
    from pvd.dossiers.perms import access_for

    secteur = strategie["secteur"]
    FicheFactory(dossier=dossier, secteur=secteur, confidential=True)
    partenaire = access_for(make_viewer(dossier, "partenaire"), dossier)
    [group] = selectors.secteur_unlinks(secteur, partenaire)
    assert group.items == [] and group.hidden == 1


def test_one_query_per_kind(dossier, strategie, make_viewer, django_assert_num_queries):
    from pvd.dossiers.perms import access_for

    axe = strategie["axe"]
    for numero in range(3, 8):
        FicheFactory(dossier=dossier, numero=numero).axes.add(axe)
    access = access_for(make_viewer(dossier, "equipe"), dossier)
    with django_assert_num_queries(3):
        selectors.axe_unlinks(axe, access)


def test_axe_delete_page_says_its_pending_submission_is_withdrawn(dossier, strategie, client_for):
    from pvd.strategie import services

    axe = strategie["axe"]
    client = client_for(dossier, "chef_de_projet")
    url = reverse("strategie:axe_delete", kwargs={"dossier_pk": dossier.pk, "axe_pk": axe.pk})
    notice = "Sa soumission au comité de projet, en attente de décision, sera retirée."
    assert notice not in BeautifulSoup(client.get(url).content, "html.parser").select_one("main").get_text()
    services.axe_submit(axe=axe, by=client.user)
    text = " ".join(BeautifulSoup(client.get(url).content, "html.parser").select_one("main").get_text().split())
    assert "Ses sous-objectifs et ses indicateurs seront supprimés avec lui. " + notice in text
