"""Fixes of the audit: no confidential fiche or draft axe title on the public pages, CSV in local
time and neutralised, one-step rate limit, pagination, admin, link to the projet de territoire."""

import csv
import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pvd.actions.models import FicheAction
from pvd.participation import services
from pvd.participation.models import Consultation, Contribution, Moderation, PageParticipation
from pvd.strategie.models import AxeStrategique

from .factories import ConsultationFactory, ContributionFactory, publish_strategy

pytestmark = pytest.mark.django_db


def main(response):
    return BeautifulSoup(response.content, "html.parser").select_one("#content")


def public_url(dossier, **query):
    url = reverse("participation:public", kwargs={"dossier_pk": dossier.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def moderation_url(dossier):
    return reverse("participation:moderation", kwargs={"dossier_pk": dossier.pk})


def valid_data(**extra):
    return {"kind": "proposition", "theme": "commerce", "texte": "Des bancs sur la place du marché, svp."} | extra


# 1. What the public reads about the axe or the fiche a contribution refers to


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


def test_moderation_shows_current_titles_to_the_team(client_for, dossier, page):
    fiche = FicheAction.objects.create(dossier=dossier, numero=4, titre="Rachat secret", confidentielle=True)
    ContributionFactory(dossier=dossier, fiche=fiche)
    content = main(client_for(dossier, "equipe").get(moderation_url(dossier)))
    assert "Fiche 4 — Rachat secret" in content.select_one("#moderation").get_text()


# 2 and 3. CSV export


def _export(client, dossier):
    response = client.get(reverse("participation:export", kwargs={"dossier_pk": dossier.pk}))
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_csv_times_are_local(client_for, dossier, settings):
    settings.TIME_ZONE = "Europe/Paris"
    moment = datetime.datetime(2026, 1, 15, 23, 30, tzinfo=datetime.UTC)  # 16 January, 00:30 in Paris
    contribution = ContributionFactory(dossier=dossier, refusee=True, moderee_le=moment)
    Contribution.objects.filter(pk=contribution.pk).update(created_at=moment)
    line = _export(client_for(dossier, "chef_de_projet"), dossier)[1]
    assert line[1] == "2026-01-16 00:30" and line[11] == "2026-01-16 00:30"


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_neutralises_formulas_in_every_text_cell(client_for, dossier, prefix):
    formula = prefix + 'HYPERLINK("http://x")'
    consultation = ConsultationFactory(dossier=dossier, question=formula + " ?")
    ContributionFactory(
        dossier=dossier,
        consultation=consultation,
        texte=formula,
        auteur=formula,
        statut="refusee",
        motif_refus=formula,
        reponse=formula,
    )
    line = _export(client_for(dossier, "chef_de_projet"), dossier)[1]
    # Consultation, author, refusal reason, text, answer.
    for column in (5, 6, 9, 12, 13):
        assert line[column].startswith("'" + prefix), (column, line[column])


# 4. Rate limit: check and count in one step


def test_a_post_arriving_during_another_cannot_take_the_last_slot(client, dossier, page, settings, monkeypatch):
    """Two posts at once from one address with one slot left: only one gets through. With a check
    before the save and a count after it, both passed."""
    settings.PVD_CONTRIBUTION_RATE_LIMIT = 1
    submit = services.contribution_submit
    concurrent = []

    def submit_while_another_posts(**kwargs):
        if not concurrent:
            concurrent.append(client.post(public_url(dossier), valid_data(), REMOTE_ADDR="10.0.0.7"))
        return submit(**kwargs)

    monkeypatch.setattr(services, "contribution_submit", submit_while_another_posts)
    assert client.post(public_url(dossier), valid_data(), REMOTE_ADDR="10.0.0.7").status_code == 302
    assert concurrent[0].status_code == 429
    assert Contribution.objects.count() == 1


def test_slots_are_taken_once_and_given_back():
    slots = [services.rate_limit_take(ip="192.0.2.1") for _ in range(6)]
    assert len(set(slots[:5])) == 5 and slots[5] is None  # PVD_CONTRIBUTION_RATE_LIMIT = 5
    services.rate_limit_release(slots[2])
    assert services.rate_limit_take(ip="192.0.2.1") == slots[2]
    assert services.rate_limit_take(ip="192.0.2.2") is not None  # another address


# 5. Pagination


def _public_page_queries(client, dossier):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(public_url(dossier))
    return response, len(captured.captured_queries)


def test_public_page_is_paginated_with_stable_queries(client, dossier, page):
    fiche = FicheAction.objects.create(dossier=dossier, numero=1, titre="Halle")
    axe = AxeStrategique.objects.create(dossier=dossier, numero=1, titre="Commerce")
    publish_strategy(dossier)
    ContributionFactory.create_batch(3, dossier=dossier, publiee=True, fiche=fiche, axe=axe)
    client.get(public_url(dossier))
    small_response, small = _public_page_queries(client, dossier)
    assert len(main(small_response).select("#contributions .contribution")) == 3
    assert not main(small_response).select(".fr-pagination")
    ContributionFactory.create_batch(42, dossier=dossier, publiee=True, fiche=fiche, axe=axe)
    response, large = _public_page_queries(client, dossier)
    assert large == small  # one page, whatever the number of contributions
    content = main(response)
    assert len(content.select("#contributions .contribution")) == 20
    assert content.select_one(".fr-pagination [aria-current=page]").get_text() == "1 / 3"
    last = main(client.get(public_url(dossier, page=3)))
    assert len(last.select("#contributions .contribution")) == 5
    # The oldest is on the last page.
    oldest = Contribution.objects.order_by("created_at", "pk").first()
    assert last.select(f"#contribution-{oldest.pk}")


def test_moderation_is_paginated_keeping_filters(client_for, dossier, page):
    ContributionFactory.create_batch(2, dossier=dossier, theme="habitat")
    client = client_for(dossier, "chef_de_projet")
    client.get(moderation_url(dossier))
    with CaptureQueriesContext(connection) as small:
        client.get(moderation_url(dossier) + "?theme=habitat")
    ContributionFactory.create_batch(40, dossier=dossier, theme="habitat")
    ContributionFactory.create_batch(5, dossier=dossier, theme="mobilite")
    with CaptureQueriesContext(connection) as large:
        response = client.get(moderation_url(dossier) + "?theme=habitat")
    assert len(large.captured_queries) == len(small.captured_queries)
    content = main(response)
    assert len(content.select("#moderation [data-statut]")) == 30
    next_link = content.select_one(".fr-pagination__link--next")["href"]
    assert next_link == "?theme=habitat&page=2"
    second = main(client.get(moderation_url(dossier) + next_link))
    assert len(second.select("#moderation [data-statut]")) == 12


# 6. Admin


def test_participation_models_in_the_admin(admin_client):
    for model in (PageParticipation, Consultation, Contribution, Moderation):
        assert admin.site.is_registered(model)
    contribution = ContributionFactory()
    response = admin_client.get(reverse("admin:participation_contribution_change", args=[contribution.pk]))
    assert response.status_code == 200
    assert admin_client.get(reverse("admin:participation_contribution_changelist")).status_code == 200


# 7. Link to the published projet de territoire


def test_public_page_links_to_the_published_projet(client, dossier, page):
    AxeStrategique.objects.create(dossier=dossier, numero=1, titre="Commerce")
    assert not main(client.get(public_url(dossier))).select("#projet-territoire")
    publish_strategy(dossier)
    link = main(client.get(public_url(dossier))).select_one("#projet-territoire a")
    assert link["href"] == reverse("strategie:public", kwargs={"dossier_pk": dossier.pk})
    assert client.get(link["href"]).status_code == 200


def test_moderation_counts_contributions_in_correct_french(client_for, dossier, page):
    client = client_for(dossier, "equipe")
    assert "0 contribution." in main(client.get(moderation_url(dossier))).get_text()
    ContributionFactory(dossier=dossier)
    assert "1 contribution." in main(client.get(moderation_url(dossier))).get_text()
    ContributionFactory(dossier=dossier)
    assert "2 contributions." in main(client.get(moderation_url(dossier))).get_text()
