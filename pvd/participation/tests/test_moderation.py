"""The team's moderation page: order and structure of the cards, current titles, pagination
keeping the filters, counts in French, the moderation log, who may refuse, answer and consult."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from conftest import ALL_VIEWERS
from pvd.actions.models import FicheAction
from pvd.participation.models import Moderation
from tests.utils import assert_queries_do_not_grow, main, refusal_status

from .factories import ContributionFactory

pytestmark = pytest.mark.django_db


def moderation_url(dossier):
    return reverse("participation:moderation", kwargs={"dossier_pk": dossier.pk})


def test_moderation_shows_current_titles_to_the_team(client_for, dossier, page):
    fiche = FicheAction.objects.create(dossier=dossier, numero=4, titre="Rachat secret", confidentielle=True)
    ContributionFactory(dossier=dossier, fiche=fiche)
    content = main(client_for(dossier, "equipe").get(moderation_url(dossier)))
    assert "Fiche 4 — Rachat secret" in content.select_one("#moderation").get_text()


def test_moderation_is_paginated_keeping_filters(client_for, dossier, page):
    ContributionFactory.create_batch(2, dossier=dossier, theme="habitat")
    client = client_for(dossier, "chef_de_projet")

    def grow():
        ContributionFactory.create_batch(40, dossier=dossier, theme="habitat")
        ContributionFactory.create_batch(5, dossier=dossier, theme="mobilite")

    _, response = assert_queries_do_not_grow(lambda: client.get(moderation_url(dossier) + "?theme=habitat"), grow=grow)
    content = main(response)
    assert len(content.select("#moderation [data-statut]")) == 30
    next_link = content.select_one(".fr-pagination__link--next")["href"]
    assert next_link == "?theme=habitat&page=2"
    second = main(client.get(moderation_url(dossier) + next_link))
    assert len(second.select("#moderation [data-statut]")) == 12


def test_moderation_counts_contributions_in_correct_french(client_for, dossier, page):
    client = client_for(dossier, "equipe")
    assert "0 contribution." in main(client.get(moderation_url(dossier))).get_text()
    ContributionFactory(dossier=dossier)
    assert "1 contribution." in main(client.get(moderation_url(dossier))).get_text()
    ContributionFactory(dossier=dossier)
    assert "2 contributions." in main(client.get(moderation_url(dossier))).get_text()


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def test_moderation_lists_pending_then_published_then_refused(client_for, dossier, page):
    # Created in an order that a date sort alone would keep mixed.
    refused = ContributionFactory(dossier=dossier, refusee=True)
    pending_old = ContributionFactory(dossier=dossier)
    published = ContributionFactory(dossier=dossier, publiee=True)
    pending_new = ContributionFactory(dossier=dossier)
    html = soup(client_for(dossier, "chef_de_projet").get(reverse("participation:moderation", args=[dossier.pk])))
    cards = html.select("#moderation > [data-statut]")
    assert [c["data-statut"] for c in cards] == ["en_attente", "en_attente", "publiee", "refusee"]
    ids = [c.select_one("article")["id"] for c in cards]
    expected = [pending_new, pending_old, published, refused]
    assert ids == [f"contribution-{c.pk}" for c in expected]


def test_moderation_cards_share_one_structure(client_for, dossier, page):
    for traits in ({}, {"publiee": True}, {"refusee": True}):
        ContributionFactory(dossier=dossier, **traits)
    html = soup(client_for(dossier, "equipe").get(reverse("participation:moderation", args=[dossier.pk])))
    slots = {
        card["data-statut"]: [
            (div["class"][-1], [b.get_text(" ", strip=True).split(" ")[0] for b in div.select("button")])
            for div in card.select(".moderation-actions > div")
        ]
        for card in html.select("#moderation > [data-statut]")
    }
    assert slots == {
        "en_attente": [("slot-publier", ["Publier"]), ("slot-refuser", ["Refuser"]), ("slot-repondre", ["Répondre"])],
        "publiee": [("slot-publier", []), ("slot-refuser", ["Refuser"]), ("slot-repondre", ["Répondre"])],
        "refusee": [("slot-publier", ["Publier"]), ("slot-refuser", []), ("slot-repondre", ["Répondre"])],
    }


def test_no_django_empty_choice_on_participation_pages(client_for, client, dossier, page):
    ContributionFactory(dossier=dossier)
    moderation = client_for(dossier, "chef_de_projet").get(reverse("participation:moderation", args=[dossier.pk]))
    public = client.get(reverse("participation:public", args=[dossier.pk]))
    for response in (moderation, public):
        assert response.status_code == 200
        assert "---------" not in response.content.decode()


TEAM = {"chef_de_projet", "equipe"}


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_consultation_create_refusals(client_for, dossier, page, kind):
    client = client_for(dossier, kind)
    url = reverse("participation:consultation_create", kwargs={"dossier_pk": dossier.pk})
    data = {
        "consultation-question": "Q ?",
        "consultation-ouverture": "2026-01-01",
        "consultation-cloture": "2026-02-01",
    }
    response = client.post(url, data)
    if kind in TEAM:
        assert response.status_code == 302 and dossier.consultations.exists()
    else:
        assert response.status_code == refusal_status(kind) and not dossier.consultations.exists()


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_refuse_and_answer_refusals(client_for, dossier, page, kind):
    contribution = ContributionFactory(dossier=dossier)
    client = client_for(dossier, kind)
    kw = {"dossier_pk": dossier.pk, "pk": contribution.pk}
    refuse = client.post(reverse("participation:moderate", kwargs=kw | {"action": "refuser"}), {"motif": "Hors sujet"})
    answer = client.post(reverse("participation:moderate", kwargs=kw | {"action": "repondre"}), {"reponse": "Merci"})
    contribution.refresh_from_db()
    if kind in TEAM:
        assert refuse.status_code == answer.status_code == 302
        assert contribution.statut == "refusee" and contribution.reponse == "Merci"
    else:
        assert refuse.status_code == answer.status_code == refusal_status(kind)
        assert contribution.statut == "en_attente" and contribution.reponse == ""
        assert not Moderation.objects.exists()


def test_moderation_log_shown_per_contribution(client_for, dossier, page):
    chef = client_for(dossier, "chef_de_projet")
    chef_user = chef.user
    contribution = ContributionFactory(dossier=dossier)
    other = ContributionFactory(dossier=dossier)
    kw = {"dossier_pk": dossier.pk, "pk": contribution.pk}
    chef.post(reverse("participation:moderate", kwargs=kw | {"action": "publier"}))
    chef.post(reverse("participation:moderate", kwargs=kw | {"action": "refuser"}), {"motif": "Doublon"})
    equipe = client_for(dossier, "equipe")
    equipe.post(reverse("participation:moderate", kwargs=kw | {"action": "repondre"}), {"reponse": "Vu"})
    content = main(equipe.get(reverse("participation:moderation", kwargs={"dossier_pk": dossier.pk})))
    blocks = {int(b.select_one("[id^=contribution-]")["id"].split("-")[1]): b for b in content.select("[data-statut]")}
    entries = [" ".join(li.get_text().split()) for li in blocks[contribution.pk].select(".journal li")]
    assert len(entries) == 3
    assert f"{chef_user.get_full_name()} : publiée" in entries[0]
    assert f"{chef_user.get_full_name()} : refusée (motif : Doublon)" in entries[1]
    assert f"{equipe.user.get_full_name()} : réponse" in entries[2]
    assert not blocks[other.pk].select(".journal")
