"""Gaps found by the audit: the diff page's header, French wording of the messages."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from pvd.comptes.tests.factories import UserFactory
from pvd.strategie import services
from pvd.strategie.models import ProjetTerritoireVersion

pytestmark = pytest.mark.django_db

PARIS = datetime.timezone(datetime.timedelta(hours=1))  # winter time in Europe/Paris


def main(response):
    return BeautifulSoup(response.content, "html.parser").select_one("#content")


def test_diff_header_names_the_authors_and_dates_of_both_versions(client_for, dossier, strategie, auteur):
    # Version 5 by Claire Martin (the fixture), version 6 by someone else.
    other = UserFactory(first_name="Paul", last_name="Durand")
    services.axe_update(axe=strategie["axe"], titre="Habitat", by=other)
    versions = ProjetTerritoireVersion.objects.filter(projet__dossier=dossier)
    versions.filter(numero=5).update(created_at=datetime.datetime(2025, 3, 3, 10, 15, tzinfo=PARIS))
    versions.filter(numero=6).update(created_at=datetime.datetime(2025, 3, 4, 16, 5, tzinfo=PARIS))
    assert versions.get(numero=5).auteur == auteur
    client = client_for(dossier, "lecteur")
    url = reverse("strategie:version_diff", kwargs={"dossier_pk": dossier.pk})
    header = main(client.get(url + "?a=5&b=6")).select_one("#diff-entete").get_text(" ", strip=True)
    header = " ".join(header.split())
    assert header.startswith(
        "De la version 5 (3 mars 2025 à 10:15, Claire Martin) à la version 6 (4 mars 2025 à 16:05, Paul Durand"
    )
    assert header.endswith(f": {versions.get(numero=6).motif}).")
    # From an empty project to the first version.
    header = main(client.get(url + "?b=1")).select_one("#diff-entete").get_text(" ", strip=True)
    assert " ".join(header.split()).startswith("Depuis un projet vide à la version 1 (")
    assert "Claire Martin" in header


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_messages_name_the_axe_in_lowercase_within_the_sentence(client_for, dossier, strategie):
    client = client_for(dossier, "equipe")
    response = client.post(
        reverse("strategie:axe_create", kwargs={"dossier_pk": dossier.pk}),
        {"numero": 2, "titre": "Commerce", "echelle": "quartier"},
        follow=True,
    )
    assert _messages(response) == ["L'axe 2 « Commerce » a été créé."]
    axe = strategie["axe"]
    response = client.post(
        reverse("strategie:axe_update", kwargs={"dossier_pk": dossier.pk, "axe_pk": axe.pk}),
        {"numero": 1, "titre": "Habitat", "echelle": "commune"},
        follow=True,
    )
    assert _messages(response) == ["L'axe 1 « Habitat » a été modifié."]
    response = client.post(
        reverse("strategie:indicateur_create", kwargs={"dossier_pk": dossier.pk, "axe_pk": axe.pk}),
        {"nom": "Logements rénovés", "kind": "mise_en_oeuvre", "unite": "logements", "frequence": "annuelle"},
        follow=True,
    )
    assert _messages(response) == ["L'indicateur « Logements rénovés » a été ajouté à l'axe 1 « Habitat »."]
    response = client.post(
        reverse("strategie:axe_submit", kwargs={"dossier_pk": dossier.pk, "axe_pk": axe.pk}), follow=True
    )
    assert _messages(response) == ["L'axe 1 « Habitat » est soumis au comité de projet."]
    commerce = dossier.axes.get(numero=2)
    response = client.post(
        reverse("strategie:axe_delete", kwargs={"dossier_pk": dossier.pk, "axe_pk": commerce.pk}), follow=True
    )
    assert _messages(response) == ["L'axe 2 « Commerce » a été supprimé."]


def test_the_agenda_point_of_a_submitted_axe_reads_in_lowercase(dossier, strategie, auteur):
    point = services.axe_submit(axe=strategie["axe"], by=auteur)
    assert point.titre == "Validation de l'axe 1 « Habitat et cadre de vie »"
    long = services.axe_create(dossier=dossier, numero=3, titre="x" * 300, echelle="commune", by=auteur)
    assert len(services.axe_submit(axe=long, by=auteur).titre) == 300  # cut, not refused
