"""What a person reads on the strategy's pages: French empty choices, empty states as sentences."""

import pytest
from django.urls import reverse

from pvd.strategie import services
from pvd.strategie.models import AxeStrategique
from tests.utils import edit_fields, main

from .test_views import _kwargs

FORM_PAGES = [
    ("projet_edit", ""),
    ("axe_create", ""),
    ("axe_update", ""),
    ("indicateur_create", ""),
    ("indicateur_create", "?modele=logements_vacants"),
    ("indicateur_update", ""),
    ("secteur_create", ""),
    ("secteur_update", ""),
    ("secteurs_import", ""),
]


@pytest.mark.parametrize(("name", "query"), FORM_PAGES)
def test_no_django_empty_choice_on_the_forms(client_for, dossier, strategie, name, query):
    client = client_for(dossier, "chef_de_projet")
    response = client.get(reverse(f"strategie:{name}", kwargs=_kwargs(dossier, strategie, name)) + query)
    assert response.status_code == 200
    content = main(response)
    assert "---------" not in str(content)
    for option in content.select("select option[value='']"):
        assert option.get_text(strip=True) == "— Choisir —"


@pytest.mark.parametrize("name", ["secteur_create", "secteurs_import"])
def test_commune_select_offers_the_french_empty_choice(client_for, dossier, strategie, name):
    client = client_for(dossier, "chef_de_projet")
    content = main(client.get(reverse(f"strategie:{name}", kwargs=_kwargs(dossier, strategie, name))))
    assert content.select_one("select[name=commune] option").get_text(strip=True) == "— Choisir —"


def _empty_states(content):
    return [node for node in content.find_all(["p", "li", "td"]) if node.get_text(strip=True).startswith("Aucun")]


def test_empty_states_are_sentences_not_list_items(client_for, dossier, strategie, auteur):
    services.axe_create(dossier=dossier, numero=2, titre="Commerce", by=auteur)  # no indicator, no sous-objectif
    client = client_for(dossier, "chef_de_projet")
    axe = AxeStrategique.objects.get(dossier=dossier, numero=2)
    pages = [
        reverse("strategie:index", kwargs={"dossier_pk": dossier.pk}),
        reverse("strategie:axe_update", kwargs={"dossier_pk": dossier.pk, "axe_pk": axe.pk}),
    ]
    messages = []
    for url in pages:
        for node in _empty_states(main(client.get(url))):
            assert node.name == "p" and "fr-text--sm" in node["class"], node
            messages.append(node.get_text(strip=True))
    assert messages == ["Aucun indicateur pour cet axe.", "Aucun sous-objectif (facultatif)."]


def test_empty_strategy_reads_as_sentences(client_for, dossier):
    client = client_for(dossier, "chef_de_projet")
    content = main(client.get(reverse("strategie:index", kwargs={"dossier_pk": dossier.pk})))
    paragraph = content.find("p", string="Aucun axe stratégique pour l'instant.")
    assert paragraph is not None and "fr-text--sm" in paragraph["class"]


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
    update = reverse("strategie:axe_update", kwargs={"dossier_pk": dossier.pk, "axe_pk": axe.pk})
    data = {"numero": 1, "titre": "Habitat", "echelle": "commune", **edit_fields(client, update)}
    response = client.post(update, data, follow=True)
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
