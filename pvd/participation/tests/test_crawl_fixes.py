"""What a reader of the demo found on the participation pages: moderation cards laid out
differently one from the next and in no useful order, a "Lien vers cette contribution" under every
public card, a contribution page without its own title."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from .factories import ContributionFactory

pytestmark = pytest.mark.django_db


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


def test_no_django_empty_choice_on_participation_pages(client_for, client, dossier, page):
    ContributionFactory(dossier=dossier)
    moderation = client_for(dossier, "chef_de_projet").get(reverse("participation:moderation", args=[dossier.pk]))
    public = client.get(reverse("participation:public", args=[dossier.pk]))
    for response in (moderation, public):
        assert response.status_code == 200
        assert "---------" not in response.content.decode()
