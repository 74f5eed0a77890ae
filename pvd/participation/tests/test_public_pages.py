"""The residents' public pages: what they read about axes and fiches (only the published
projet, never a confidential fiche), pagination, the honeypot, consultations not open yet."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pvd.actions.models import FicheAction
from pvd.participation import services
from pvd.participation.models import Contribution
from pvd.strategie.models import AxeStrategique
from pvd.strategie.services import projet_unpublish
from tests.utils import assert_queries_do_not_grow, main

from .factories import ConsultationFactory, ContributionFactory, publish_strategy

pytestmark = pytest.mark.django_db


def public_url(dossier, **query):
    url = reverse("participation:public", kwargs={"dossier_pk": dossier.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_fiche_made_confidential_later_disappears_from_public_pages(client, dossier, page):
    fiche = FicheAction.objects.create(dossier=dossier, numero=4, titre="Rachat de l'hôtel Diderot")
    contribution = ContributionFactory(dossier=dossier, fiche=fiche, publiee=True)
    ConsultationFactory(dossier=dossier, fiche=fiche, question="Que faire de l'hôtel ?")
    detail_url = reverse("participation:contribution", kwargs={"dossier_pk": dossier.pk, "pk": contribution.pk})
    assert "Rachat de l'hôtel Diderot" in main(client.get(public_url(dossier))).select_one("#contributions").get_text()
    assert "Rachat de l'hôtel Diderot" in main(client.get(public_url(dossier))).select_one("#consultations").get_text()

    FicheAction.objects.filter(pk=fiche.pk).update(confidentielle=True)
    for response in (client.get(public_url(dossier)), client.get(detail_url)):
        assert response.status_code == 200
        assert "Rachat" not in response.content.decode()
    # The contribution itself stays published.
    assert main(client.get(public_url(dossier))).select(f"#contribution-{contribution.pk}")


def test_public_pages_show_the_published_axe_title_not_the_draft(client, dossier, page):
    axe = AxeStrategique.objects.create(dossier=dossier, numero=1, titre="Habiter le centre ancien")
    publish_strategy(dossier)
    contribution = ContributionFactory(dossier=dossier, axe=axe, publiee=True)
    ConsultationFactory(dossier=dossier, axe=axe)
    AxeStrategique.objects.filter(pk=axe.pk).update(titre="Brouillon : rachat d'immeubles")
    detail_url = reverse("participation:contribution", kwargs={"dossier_pk": dossier.pk, "pk": contribution.pk})
    for response in (client.get(public_url(dossier)), client.get(detail_url)):
        text = main(response).get_text()
        assert "Axe 1 — Habiter le centre ancien" in text
        assert "Brouillon" not in text


def test_axe_missing_from_the_published_projet_is_not_shown(client, dossier, page):
    AxeStrategique.objects.create(dossier=dossier, numero=1, titre="Commerce")
    publish_strategy(dossier)
    draft = AxeStrategique.objects.create(dossier=dossier, numero=2, titre="Axe en préparation")
    ContributionFactory(dossier=dossier, axe=draft, publiee=True)
    assert "Axe en préparation" not in client.get(public_url(dossier)).content.decode()


def test_public_page_is_paginated_with_stable_queries(client, dossier, page):
    fiche = FicheAction.objects.create(dossier=dossier, numero=1, titre="Halle")
    axe = AxeStrategique.objects.create(dossier=dossier, numero=1, titre="Commerce")
    publish_strategy(dossier)
    ContributionFactory.create_batch(3, dossier=dossier, publiee=True, fiche=fiche, axe=axe)
    # One page, whatever the number of contributions.
    small_response, response = assert_queries_do_not_grow(
        lambda: client.get(public_url(dossier)),
        grow=lambda: ContributionFactory.create_batch(42, dossier=dossier, publiee=True, fiche=fiche, axe=axe),
    )
    assert len(main(small_response).select("#contributions .contribution")) == 3
    assert not main(small_response).select(".fr-pagination")
    content = main(response)
    assert len(content.select("#contributions .contribution")) == 20
    assert content.select_one(".fr-pagination [aria-current=page]").get_text() == "1 / 3"
    last = main(client.get(public_url(dossier, page=3)))
    assert len(last.select("#contributions .contribution")) == 5
    # The oldest is on the last page.
    oldest = Contribution.objects.order_by("created_at", "pk").first()
    assert last.select(f"#contribution-{oldest.pk}")


def test_public_page_links_to_the_published_projet(client, dossier, page):
    AxeStrategique.objects.create(dossier=dossier, numero=1, titre="Commerce")
    assert not main(client.get(public_url(dossier))).select("#projet-territoire")
    publish_strategy(dossier)
    link = main(client.get(public_url(dossier))).select_one("#projet-territoire a")
    assert link["href"] == reverse("strategie:public", kwargs={"dossier_pk": dossier.pk})
    assert client.get(link["href"]).status_code == 200


def valid_data(**extra):
    return {
        "kind": "proposition",
        "theme": "commerce",
        "texte": "Ouvrir une halle le samedi matin.",
        "auteur": "Jeanne",
        "email": "jeanne@exemple.fr",
        "site_web": "",
    } | extra


def test_the_honeypot_is_in_the_public_form_hidden_from_people(client, dossier, page):
    content = BeautifulSoup(client.get(public_url(dossier)).content, "html.parser").select_one("#content")
    field = content.select_one("#contribution-form input[name=site_web]")
    assert field is not None and field.get("value", "") == ""
    # Out of sight, out of the keyboard path, not filled by the browser, silent for screen readers.
    assert field["type"] == "text" and field["tabindex"] == "-1" and field["autocomplete"] == "off"
    container = field.find_parent("div")
    assert container["aria-hidden"] == "true" and "fr-hidden" in container["class"]
    assert container.select_one("label[for=id_site_web]") is not None
    # A robot that fills it in is thanked like a person, and nothing is kept.
    response = client.post(public_url(dossier), valid_data(site_web="http://spam.example"), follow=True)
    assert response.status_code == 200
    assert "Merci : votre contribution sera publiée après modération." in response.content.decode()
    assert not Contribution.objects.exists()


def test_a_consultation_not_open_yet_is_neither_shown_nor_accepted(client, dossier, page):
    today = timezone.localdate()
    later = ConsultationFactory(
        dossier=dossier,
        question="Que faire de l'ancienne gare ?",
        ouverture=today + datetime.timedelta(days=1),
        cloture=today + datetime.timedelta(days=30),
    )
    content = BeautifulSoup(client.get(public_url(dossier)).content, "html.parser").select_one("#content")
    assert "ancienne gare" not in content.get_text()
    assert str(later.pk) not in [option["value"] for option in content.select("#id_consultation option")]
    response = client.post(public_url(dossier), valid_data(consultation=str(later.pk)))
    assert response.status_code == 400 and not Contribution.objects.exists()
    # The service refuses it too, whatever the form offers.
    with pytest.raises(ValidationError) as error:
        services.contribution_submit(
            dossier=dossier, kind="proposition", theme="commerce", texte="Une halle couverte.", consultation=later
        )
    assert error.value.message_dict == {"consultation": ["Cette consultation n'est pas ouverte."]}
    # On its opening day it is offered.
    later.ouverture = today
    later.save()
    assert "ancienne gare" in client.get(public_url(dossier)).content.decode()


def _options(client, dossier):
    return {o["value"]: o.get_text() for o in main(client.get(public_url(dossier))).select("#id_cible option")}


def test_axes_and_fiches_only_once_published(client, dossier, page):
    axe = AxeStrategique.objects.create(dossier=dossier, numero=1, titre="Titre publié")
    fiche = FicheAction.objects.create(dossier=dossier, numero=1, titre="Halle")
    secret = FicheAction.objects.create(dossier=dossier, numero=2, titre="Rachat", confidentielle=True)
    assert set(_options(client, dossier)) == {""}  # draft strategy: nothing offered
    response = client.post(public_url(dossier), valid_data(cible=f"axe:{axe.pk}"))
    assert response.status_code == 400 and not Contribution.objects.exists()
    publish_strategy(dossier)
    # Edited after publication: the published title is shown; a new axe is not offered.
    AxeStrategique.objects.filter(pk=axe.pk).update(titre="Brouillon non publié")
    draft = AxeStrategique.objects.create(dossier=dossier, numero=2, titre="Axe en préparation")
    options = _options(client, dossier)
    assert options[f"axe:{axe.pk}"] == "Axe 1 — Titre publié"
    assert f"fiche:{fiche.pk}" in options
    assert f"axe:{draft.pk}" not in options and f"fiche:{secret.pk}" not in options
    assert "Brouillon" not in " ".join(options.values())
    projet_unpublish(dossier=dossier, by=None)
    assert set(_options(client, dossier)) == {""}


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def test_public_card_title_is_the_link(client, dossier, page):
    contributions = [ContributionFactory(dossier=dossier, publiee=True) for _ in range(2)]
    html = soup(client.get(reverse("participation:public", args=[dossier.pk])))
    assert "Lien vers cette contribution" not in html.get_text()
    for contribution in contributions:
        url = reverse("participation:contribution", args=[dossier.pk, contribution.pk])
        link = html.select_one(f"#contribution-{contribution.pk} .fr-card__title a")
        assert link["href"] == url and f"n° {contribution.pk}" in link.get_text()


def test_public_contribution_page_has_its_own_title(client, dossier, page):
    contribution = ContributionFactory(dossier=dossier, publiee=True)
    html = soup(client.get(reverse("participation:contribution", args=[dossier.pk, contribution.pk])))
    assert html.title.get_text().startswith(f"Proposition n° {contribution.pk} — {dossier.nom}")
    public = soup(client.get(reverse("participation:public", args=[dossier.pk])))
    assert html.title.get_text() != public.title.get_text()
