"""The team's reply shows under the contribution it answers, not above it."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from .factories import ContributionFactory

pytestmark = pytest.mark.django_db


def _check_reply_follows(card):
    texte, reponse = card.select_one(".texte"), card.select_one(".reponse")
    elements = card.find_all(True)
    assert elements.index(texte) < elements.index(reponse)
    # A DSFR card lays its children out with flexbox `order`: the reply must sit in __end
    # (order 4, after __desc), not loose in __content where it would be drawn first.
    assert reponse.find_parent(class_="fr-card__end") is not None
    assert reponse.find_parent(class_="fr-card__end").find_parent(class_="fr-card__content") is not None
    assert "fr-callout" not in reponse.get("class", [])  # no lead-size text above the contribution's


@pytest.mark.usefixtures("page")
def test_reply_follows_its_contribution_on_public_and_moderation_pages(client_for, dossier):
    contribution = ContributionFactory(dossier=dossier, publiee=True, texte="Une idée", reponse="Merci")
    kw = {"dossier_pk": dossier.pk}
    urls = [
        reverse("participation:public", kwargs=kw),
        reverse("participation:contribution", kwargs=kw | {"pk": contribution.pk}),
        reverse("participation:moderation", kwargs=kw),
    ]
    client = client_for(dossier, "chef_de_projet")
    for url in urls:
        page = BeautifulSoup(client.get(url).content, "html.parser")
        _check_reply_follows(page.select_one(f"#contribution-{contribution.pk}"))
