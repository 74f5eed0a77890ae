"""Long lists are paginated (DSFR pagination, filters kept in the page links), with a number of
queries that does not grow with the list; page 2 and an out-of-range page work; the exports
still take the whole filtered list."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pvd.actions.models import FicheStatut
from pvd.actions.tests.factories import FicheFactory
from pvd.documents.tests.factories import DocumentFactory
from pvd.participation.models import ContributionStatut
from pvd.participation.tests.factories import ContributionFactory, PageParticipationFactory
from pvd.strategie.tests.factories import SecteurFactory
from tests.utils import assert_queries_do_not_grow, main

pytestmark = pytest.mark.django_db
SIZE = 3


@pytest.fixture(autouse=True)
def small_pages(settings, tmp_path):
    settings.PVD_PAGE_SIZE = SIZE
    settings.MEDIA_ROOT = tmp_path


def _rows(response, selector):
    return main(response).select(selector)


def _next(response):
    return main(response).select_one(".fr-pagination__link--next")


def test_plan_table_is_paginated_keeping_filters(client_for, dossier):
    FicheFactory.create_batch(2, dossier=dossier, statut=FicheStatut.EN_COURS)
    client = client_for(dossier, "chef_de_projet")
    url = reverse("actions:plan", kwargs={"dossier_pk": dossier.pk})

    def grow():
        FicheFactory.create_batch(5, dossier=dossier, statut=FicheStatut.EN_COURS)
        FicheFactory.create_batch(4, dossier=dossier, statut=FicheStatut.A_VENIR)

    _, response = assert_queries_do_not_grow(lambda: client.get(url + "?statut=en_cours"), grow=grow)
    assert len(_rows(response, "#plan-table tbody tr")) == SIZE
    assert "7 fiches" in main(response).get_text(" ")  # the totals are the whole filtered plan
    link = _next(response)["href"]
    assert link == "?statut=en_cours&page=2"
    second = client.get(url + link)
    assert len(_rows(second, "#plan-table tbody tr")) == SIZE
    last = client.get(url + "?statut=en_cours&page=999")  # out of range: the last page
    assert len(_rows(last, "#plan-table tbody tr")) == 1
    assert client.get(url + "?page=abc").status_code == 200
    # The export links and the exports: the whole filtered list, not a page.
    export = main(second).select_one("a[href*='plan.xlsx'], a[href*='xlsx']")["href"]
    assert "page=" not in export
    sheet = load_workbook(io.BytesIO(client.get(export).content))["Fiches"]
    assert sheet.max_row - 1 == 7


def test_sectors_table_is_paginated(client_for, dossier):
    from pvd.territoires.models import Commune

    SecteurFactory(dossier=dossier, commune=dossier.communes.first() or Commune.objects.first())
    client = client_for(dossier, "lecteur")
    url = reverse("strategie:index", kwargs={"dossier_pk": dossier.pk})

    def grow():
        SecteurFactory.create_batch(6, dossier=dossier, commune=dossier.communes.first())

    _, response = assert_queries_do_not_grow(lambda: client.get(url), grow=grow)
    assert len(_rows(response, "#secteurs-table tbody tr")) == SIZE
    assert _next(response)["href"] == "?secteurs_page=2"
    assert len(_rows(client.get(url + "?secteurs_page=2"), "#secteurs-table tbody tr")) == SIZE
    assert len(_rows(client.get(url + "?secteurs_page=99"), "#secteurs-table tbody tr")) == 1
    # The map and the GeoJSON export keep every sector.
    export = client.get(reverse("strategie:secteurs_export", kwargs={"dossier_pk": dossier.pk}))
    assert len(__import__("json").loads(export.content)["features"]) == 7


def test_documents_list_is_paginated(client_for, dossier):
    DocumentFactory.create_batch(2, dossier=dossier)
    client = client_for(dossier, "equipe")
    url = reverse("documents:list", kwargs={"dossier_pk": dossier.pk})
    _, response = assert_queries_do_not_grow(
        lambda: client.get(url), grow=lambda: DocumentFactory.create_batch(5, dossier=dossier)
    )
    assert len(_rows(response, "#documents tbody tr")) == SIZE
    assert _next(response)["href"] == "?page=2"
    assert len(_rows(client.get(url + "?page=2"), "#documents tbody tr")) == SIZE
    assert len(_rows(client.get(url + "?page=1000"), "#documents tbody tr")) == 1


def test_public_contributions_are_paginated(client, dossier, settings):
    from django.core.cache import cache

    cache.clear()
    PageParticipationFactory(dossier=dossier)
    url = reverse("participation:public", kwargs={"dossier_pk": dossier.pk})
    ContributionFactory.create_batch(2, dossier=dossier, statut=ContributionStatut.PUBLIEE)
    _, response = assert_queries_do_not_grow(
        lambda: client.get(url),
        grow=lambda: ContributionFactory.create_batch(25, dossier=dossier, statut=ContributionStatut.PUBLIEE),
    )
    assert _next(response)["href"] == "?page=2"
    assert client.get(url + "?page=2").status_code == 200
    assert client.get(url + "?page=500").status_code == 200


def test_dossiers_list_is_paginated_keeping_filters(client):
    from pvd.dossiers.models import Role
    from pvd.dossiers.tests.factories import MembreFactory

    user = MembreFactory(role=Role.LECTEUR).user
    client.force_login(user)
    url = reverse("dossiers:list")

    def grow():
        for _ in range(6):
            MembreFactory(user=user, role=Role.LECTEUR)

    _, response = assert_queries_do_not_grow(lambda: client.get(url + "?q="), grow=grow)
    assert len(_rows(response, "#dossiers-table tbody tr")) == SIZE
    assert _next(response)["href"] == "?q=&page=2"
    assert len(_rows(client.get(url + "?q=&page=2"), "#dossiers-table tbody tr")) == SIZE
    assert len(_rows(client.get(url + "?q=&page=77"), "#dossiers-table tbody tr")) == 1
