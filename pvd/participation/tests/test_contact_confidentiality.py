"""A resident's e-mail address is the équipe-projet's alone (`participation.view_contact`): never
shown to élus, partenaires, lecteurs nor the State, on any page or export where contributions
appear, and never to the public."""

import io
import zipfile

import pytest
from django.urls import reverse

from conftest import ALL_VIEWERS
from pvd.dossiers.perms import PERMISSIONS, Access
from pvd.participation.tests.factories import ContributionFactory, PageParticipationFactory

pytestmark = pytest.mark.django_db

SECRET = "habitante.secrete@exemple.fr"
TEAM = {"chef_de_projet", "equipe"}


def test_only_the_equipe_projet_may_read_a_residents_address():
    allowed = set(PERMISSIONS["participation.view_contact"])
    assert allowed == TEAM
    for role in ("elu", "partenaire", "lecteur", "prefecture", "anct"):
        assert not Access(role=role).can("participation.view_contact")


def _text(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return response.content.decode("utf-8-sig", "replace")


def _pages(dossier, contribution):
    d = {"dossier_pk": dossier.pk}
    return {
        "moderation": reverse("participation:moderation", kwargs=d),
        "export": reverse("participation:export", kwargs=d),
        "public": reverse("participation:public", kwargs=d),
        "public_contribution": reverse("participation:contribution", kwargs={**d, "pk": contribution.pk}),
        "tableau_de_bord": reverse("pilotage:tableau_de_bord", kwargs=d),
        "dossier": reverse("dossiers:detail", kwargs=d),
        "national": reverse("pilotage:national"),
        "national_xlsx": reverse("pilotage:national_xlsx"),
    }


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_the_address_is_shown_to_the_equipe_projet_only(client_for, dossier, kind):
    PageParticipationFactory(dossier=dossier)
    contribution = ContributionFactory(dossier=dossier, publiee=True, auteur="Jeanne", email=SECRET)
    client = client_for(dossier, kind)
    seen = {}
    for name, url in _pages(dossier, contribution).items():
        response = client.get(url)
        seen[name] = response.status_code == 200 and SECRET in _text(response)
    expected = {name: kind in TEAM and name in {"moderation", "export"} for name in seen}
    assert seen == expected


def test_the_export_has_the_address_column_for_the_team(client_for, dossier):
    ContributionFactory(dossier=dossier, email=SECRET)
    client = client_for(dossier, "equipe")
    text = _text(client.get(reverse("participation:export", kwargs={"dossier_pk": dossier.pk})))
    header = text.splitlines()[0].split(";")
    assert "Adresse électronique" in header
    assert text.splitlines()[1].split(";")[header.index("Adresse électronique")] == SECRET
