"""The catalogue of common indicators: rows of IndicateurModele, seeded by a migration, edited
in the Django admin, offered (when active) by the indicator forms."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse

from pvd.comptes.tests.factories import UserFactory
from pvd.strategie.tests.factories import AxeFactory
from pvd.suivi import catalogue, services
from pvd.suivi.models import Indicateur, IndicateurKind, IndicateurModele

pytestmark = pytest.mark.django_db

SEEDED_KEYS = {
    "population",
    "logements_vacants",
    "logements_renoves",
    "vacance_commerciale",
    "commerces_ouverts",
    "emplois",
    "espaces_publics",
    "crte_ges",
    "crte_enr",
    "crte_artificialisation",
    "crte_renovation_energetique",
    "crte_amenagements_cyclables",
}


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _offered(client, axe) -> dict[str, str]:
    url = reverse("strategie:indicateur_create", kwargs={"dossier_pk": axe.dossier_id, "axe_pk": axe.pk})
    page = BeautifulSoup(client.get(url).content, "html.parser")
    return {option["value"]: option.get_text() for option in page.select("select[name=modele] option[value!='']")}


def test_the_data_migration_seeds_the_common_indicators():
    # The test database is built by the migrations: the seed is what a new platform gets.
    modeles = {modele.key: modele for modele in IndicateurModele.objects.all()}
    assert set(modeles) == SEEDED_KEYS
    assert all(modele.active and modele.nom and modele.unite and modele.source for modele in modeles.values())
    assert modeles["logements_vacants"].nom == "Taux de logements vacants"
    assert modeles["logements_renoves"].kind == IndicateurKind.MISE_EN_OEUVRE
    assert sum(1 for modele in modeles.values() if "(CRTE)" in modele.nom) >= 3
    # Ordered as the former constant: population first, the CRTE entries at the end.
    assert [modele.key for modele in catalogue.active_modeles()][:2] == ["population", "logements_vacants"]


def test_choices_follow_the_active_rows():
    choices = dict(catalogue.catalogue_choices())
    assert choices["logements_vacants"] == "Habitat — Taux de logements vacants (%)"
    IndicateurModele.objects.filter(key="emplois").update(active=False)
    assert "emplois" not in dict(catalogue.catalogue_choices())
    assert catalogue.get_modele("emplois") is None and not catalogue.is_known("emplois")


def test_every_seeded_entry_makes_a_valid_indicator(dossier):
    axe = AxeFactory(dossier=dossier)
    for modele in catalogue.active_modeles():
        services.indicateur_create(dossier=dossier, axe=axe, **catalogue.initial_from(modele))
    assert set(Indicateur.objects.filter(dossier=dossier).values_list("catalogue", flat=True)) == SEEDED_KEYS


def test_an_inactive_entry_is_refused_by_the_service(dossier):
    axe = AxeFactory(dossier=dossier)
    IndicateurModele.objects.filter(key="population").update(active=False)
    with pytest.raises(ValidationError) as error:
        services.indicateur_create(
            dossier=dossier, axe=axe, nom="P", kind="resultat", unite="hab", catalogue="population"
        )
    assert error.value.message_dict == {"catalogue": ["Modèle du catalogue inconnu."]}


def test_admin_adds_an_entry_and_the_indicator_form_offers_it(admin_client, client_for, dossier):
    assert admin_client.get(reverse("admin:suivi_indicateurmodele_changelist")).status_code == 200
    response = admin_client.post(
        reverse("admin:suivi_indicateurmodele_add"),
        {
            "key": "friches",
            "nom": "Surface de friches reconverties",
            "kind": "mise_en_oeuvre",
            "unite": "ha",
            "source": "Cerema, Cartofriches",
            "frequence": "annuelle",
            "theme": "Foncier",
            "description": "",
            "active": "on",
            "ordre": "5",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    axe = AxeFactory(dossier=dossier)
    client = client_for(dossier, "equipe")
    assert _offered(client, axe)["friches"] == "Foncier — Surface de friches reconverties (ha)"
    url = reverse("strategie:indicateur_create", kwargs={"dossier_pk": dossier.pk, "axe_pk": axe.pk})
    page = BeautifulSoup(client.get(url + "?modele=friches").content, "html.parser")
    assert page.select_one("#id_nom")["value"] == "Surface de friches reconverties"
    assert page.select_one("#id_catalogue")["value"] == "friches"


def test_admin_edits_an_entry_but_not_its_key(admin_client):
    modele = IndicateurModele.objects.get(key="emplois")
    url = reverse("admin:suivi_indicateurmodele_change", args=[modele.pk])
    form = BeautifulSoup(admin_client.get(url).content, "html.parser").select_one("#content form")
    assert not form.select("[name=key]") and form.select("[name=nom]")


def test_an_inactive_entry_is_not_offered(admin_client, client_for, dossier):
    modele = IndicateurModele.objects.get(key="emplois")
    data = {
        "nom": modele.nom,
        "kind": modele.kind,
        "unite": modele.unite,
        "source": modele.source,
        "frequence": modele.frequence,
        "theme": modele.theme,
        "description": "",
        "ordre": modele.ordre,
    }  # "active" left out: unticked
    response = admin_client.post(reverse("admin:suivi_indicateurmodele_change", args=[modele.pk]), data)
    assert response.status_code == 302
    axe = AxeFactory(dossier=dossier)
    client = client_for(dossier, "equipe")
    offered = _offered(client, axe)
    assert "emplois" not in offered and "population" in offered
    url = reverse("strategie:indicateur_create", kwargs={"dossier_pk": dossier.pk, "axe_pk": axe.pk})
    page = BeautifulSoup(client.get(url + "?modele=emplois").content, "html.parser")
    assert page.select_one("#id_nom").get("value") in (None, "")
