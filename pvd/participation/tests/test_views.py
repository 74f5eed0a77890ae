import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import ALL_VIEWERS
from pvd.actions.models import FicheAction
from pvd.participation.models import Contribution, Moderation, PageParticipation
from pvd.strategie.models import AxeStrategique
from tests.utils import edit_fields, main, refusal_status

from .factories import ConsultationFactory, ContributionFactory, publish_strategy

pytestmark = pytest.mark.django_db

TEAM = {"chef_de_projet", "equipe"}


def public_url(dossier):
    return reverse("participation:public", kwargs={"dossier_pk": dossier.pk})


def valid_data(**extra):
    return {
        "kind": "proposition",
        "theme": "commerce",
        "texte": "Ouvrir une halle le samedi matin.",
        "auteur": "Jeanne",
        "email": "jeanne@exemple.fr",
        "site_web": "",
    } | extra


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_public_page_for_everyone_shows_only_published(client_for, dossier, page, kind):
    ContributionFactory(
        dossier=dossier,
        publiee=True,
        texte="Visible proposition",
        email="secret@exemple.fr",
        reponse="Merci, c'est prévu.",
    )
    ContributionFactory(dossier=dossier, texte="En attente proposition")
    ContributionFactory(dossier=dossier, refusee=True, texte="Refusée proposition")
    response = client_for(dossier, kind).get(public_url(dossier))
    assert response.status_code == 200
    content = main(response)
    texts = [p.get_text(strip=True) for p in content.select("#contributions .texte")]
    assert texts == ["Visible proposition"]
    assert "Merci, c'est prévu." in content.select_one("#contributions .reponse").get_text()
    assert "secret@exemple.fr" not in response.content.decode()


def test_public_page_404_unless_published(client, dossier):
    assert client.get(public_url(dossier)).status_code == 404
    page = PageParticipation.objects.create(dossier=dossier, publiee=False)
    assert client.get(public_url(dossier)).status_code == 404
    page.publiee = True
    page.save()
    assert client.get(public_url(dossier)).status_code == 200


def test_submit_anonymous_and_pending(client, dossier, page):
    axe = AxeStrategique.objects.create(dossier=dossier, numero=1, titre="Commerce")
    publish_strategy(dossier)
    response = client.post(public_url(dossier), valid_data(auteur="", cible=f"axe:{axe.pk}"))
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert contribution.statut == "en_attente" and contribution.axe == axe
    assert contribution.auteur_affiche == "Anonyme"
    # Not public until moderated.
    assert not main(client.get(public_url(dossier))).select("#contributions .texte")


def test_honeypot_keeps_nothing(client, dossier, page):
    response = client.post(public_url(dossier), valid_data(site_web="http://spam.example"))
    assert response.status_code == 302
    assert not Contribution.objects.exists()


def test_rate_limit(client, dossier, page, settings):
    settings.PVD_CONTRIBUTION_RATE_LIMIT = 2
    for _ in range(2):
        assert client.post(public_url(dossier), valid_data(), REMOTE_ADDR="10.0.0.1").status_code == 302
    response = client.post(public_url(dossier), valid_data(), REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    assert "trop de contributions" in main(response).get_text()
    assert Contribution.objects.count() == 2
    # Another address is not limited.
    assert client.post(public_url(dossier), valid_data(), REMOTE_ADDR="10.0.0.2").status_code == 302


def test_oversized_and_malformed(client, dossier, page):
    response = client.post(
        public_url(dossier), valid_data(texte="x" * 3001, email="pas-une-adresse", auteur="n" * 101, theme="inconnu")
    )
    assert response.status_code == 400
    text = main(response).get_text()
    assert "trop longue : 3000 caractères au plus (elle en compte 3001)" in text
    assert "adresse électronique valide" in text
    assert "Votre nom est trop long" in text
    assert not Contribution.objects.exists()
    response = client.post(public_url(dossier), valid_data(texte="court"))
    assert "trop courte" in main(response).get_text()


def test_confidential_fiche_and_foreign_targets_refused(client, dossier, page):
    public = FicheAction.objects.create(dossier=dossier, numero=1, titre="Halle")
    secret = FicheAction.objects.create(dossier=dossier, numero=2, titre="Rachat", confidentielle=True)
    AxeStrategique.objects.create(dossier=dossier, numero=1, titre="Commerce")
    publish_strategy(dossier)
    options = [o["value"] for o in main(client.get(public_url(dossier))).select("#id_cible option")]
    assert f"fiche:{public.pk}" in options and f"fiche:{secret.pk}" not in options
    response = client.post(public_url(dossier), valid_data(cible=f"fiche:{secret.pk}"))
    assert response.status_code == 400 and not Contribution.objects.exists()


def test_html_escaped(client, dossier, page):
    ContributionFactory(
        dossier=dossier,
        publiee=True,
        texte="<script>alert('x')</script> <b>gras</b>",
        auteur="<img src=x onerror=alert(1)>",
    )
    response = client.get(public_url(dossier))
    body = response.content.decode()
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;" in body
    assert not main(response).select("#contributions b, #contributions script, #contributions img")


def test_consultations_open_only(client, dossier, page):
    open_ = ConsultationFactory(dossier=dossier, question="Quel avenir pour la halle ?")
    closed = ConsultationFactory(dossier=dossier, close=True, question="Ancienne question ?")
    content = main(client.get(public_url(dossier)))
    assert "Quel avenir pour la halle ?" in content.select_one("#consultations").get_text()
    assert "Ancienne question ?" not in content.get_text()
    assert client.post(public_url(dossier), valid_data(consultation=str(closed.pk))).status_code == 400
    assert client.post(public_url(dossier), valid_data(consultation=str(open_.pk))).status_code == 302
    assert Contribution.objects.get().consultation == open_


def test_public_contribution_page(client, dossier, page):
    published = ContributionFactory(dossier=dossier, publiee=True, reponse="Nous étudions votre idée.")
    pending = ContributionFactory(dossier=dossier)
    other = ContributionFactory(publiee=True)  # another dossier
    url = reverse("participation:contribution", kwargs={"dossier_pk": dossier.pk, "pk": published.pk})
    content = main(client.get(url))
    assert "Nous étudions votre idée." in content.select_one("#contribution .reponse").get_text()
    for hidden in (pending, other):
        url = reverse("participation:contribution", kwargs={"dossier_pk": dossier.pk, "pk": hidden.pk})
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_moderation_rights(client_for, dossier, page, kind):
    contribution = ContributionFactory(dossier=dossier)
    client = client_for(dossier, kind)
    kw = {"dossier_pk": dossier.pk}
    pages = [reverse("participation:moderation", kwargs=kw), reverse("participation:export", kwargs=kw)]
    for url in pages:
        response = client.get(url)
        assert response.status_code == (200 if kind in TEAM else refusal_status(kind))
    publish = reverse("participation:moderate", kwargs=kw | {"pk": contribution.pk, "action": "publier"})
    response = client.post(publish)
    contribution.refresh_from_db()
    assert (contribution.statut == "publiee") == (kind in TEAM)
    if kind not in TEAM:
        assert response.status_code == refusal_status(kind)
    update = reverse("participation:page_update", kwargs=kw)
    read = edit_fields(client, reverse("participation:moderation", kwargs=kw), update)
    response = client.post(update, {"page-publiee": "non", "page-titre": "T", **read})
    page.refresh_from_db()
    assert page.publiee == (kind not in TEAM)


def test_moderation_flow_logged(client_for, dossier, page):
    client = client_for(dossier, "equipe")
    contribution = ContributionFactory(dossier=dossier, texte="Une idée à discuter longuement.")
    kw = {"dossier_pk": dossier.pk, "pk": contribution.pk}
    client.post(reverse("participation:moderate", kwargs=kw | {"action": "refuser"}), {"motif": ""})
    contribution.refresh_from_db()
    assert contribution.statut == "en_attente"  # a refusal needs a reason
    client.post(reverse("participation:moderate", kwargs=kw | {"action": "refuser"}), {"motif": "Propos injurieux"})
    client.post(reverse("participation:moderate", kwargs=kw | {"action": "repondre"}), {"reponse": "Voir la charte."})
    contribution.refresh_from_db()
    assert contribution.statut == "refusee" and contribution.motif_refus == "Propos injurieux"
    assert contribution.moderated_by == client.user and contribution.moderee_le is not None
    assert contribution.answered_by == client.user
    assert [(m.action, m.by) for m in Moderation.objects.all()] == [("refus", client.user), ("reponse", client.user)]
    response = client.get(reverse("participation:moderation", kwargs={"dossier_pk": dossier.pk}) + "?statut=refusee")
    content = main(response)
    assert [d["data-statut"] for d in content.select("#moderation [data-statut]")] == ["refusee"]
    assert "Propos injurieux" in content.select_one("#moderation").get_text()


def test_counts_and_csv(client_for, dossier, page):
    ContributionFactory.create_batch(2, dossier=dossier, theme="habitat", publiee=True)
    ContributionFactory(dossier=dossier, theme="habitat")
    ContributionFactory(dossier=dossier, theme="mobilite", refusee=True, texte='=HYPERLINK("http://x")')
    ContributionFactory(theme="habitat")  # another dossier
    client = client_for(dossier, "chef_de_projet")
    content = main(client.get(reverse("participation:moderation", kwargs={"dossier_pk": dossier.pk})))
    rows = {
        r.th.get_text(strip=True): [td.get_text(strip=True) for td in r.select("td")]
        for r in content.select("#comptes tbody tr")
    }
    assert rows["Habitat"] == ["1", "2", "0", "3"]
    assert rows["Mobilité"] == ["0", "0", "1", "1"]
    assert rows["Total"] == ["1", "2", "1", "4"]
    response = client.get(reverse("participation:export", kwargs={"dossier_pk": dossier.pk}))
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(lines) == 5 and lines[0][0] == "Numéro"
    assert any(line[12].startswith("'=HYPERLINK") for line in lines[1:])


def test_consultation_create(client_for, dossier, page):
    client = client_for(dossier, "chef_de_projet")
    url = reverse("participation:consultation_create", kwargs={"dossier_pk": dossier.pk})
    client.post(
        url,
        {"consultation-question": "Q ?", "consultation-ouverture": "2026-02-01", "consultation-cloture": "2026-01-01"},
    )
    assert not dossier.consultations.exists()
    client.post(
        url,
        {"consultation-question": "Q ?", "consultation-ouverture": "2026-01-01", "consultation-cloture": "2026-02-01"},
    )
    assert dossier.consultations.get().question == "Q ?"


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)


def test_query_counts(client_for, dossier, page, django_assert_num_queries):
    client = client_for(dossier, "equipe")
    moderation = reverse("participation:moderation", kwargs={"dossier_pk": dossier.pk})
    axe = AxeStrategique.objects.create(dossier=dossier, numero=1, titre="Axe")
    publish_strategy(dossier)
    ContributionFactory.create_batch(2, dossier=dossier, publiee=True, axe=axe)
    ContributionFactory(dossier=dossier, consultation=ConsultationFactory(dossier=dossier))
    counts = {url: _count(client, url) for url in (moderation, public_url(dossier))}
    ContributionFactory.create_batch(6, dossier=dossier, publiee=True, axe=axe, reponse="Oui")
    ContributionFactory.create_batch(4, dossier=dossier, refusee=True)
    for url, count in counts.items():
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200


def test_public_page_fetches_the_published_projet_once(client, dossier, page):
    """The axes, the fiches, the subjects and the link to the projet all come from one fetch."""
    axe = AxeStrategique.objects.create(dossier=dossier, numero=1, titre="Axe")
    publish_strategy(dossier)
    ContributionFactory.create_batch(2, dossier=dossier, publiee=True, axe=axe)
    ConsultationFactory(dossier=dossier, axe=axe)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(public_url(dossier))
    assert response.status_code == 200
    projet_queries = [q["sql"] for q in ctx.captured_queries if 'FROM "strategie_projetterritoire"' in q["sql"]]
    assert len(projet_queries) == 1
    assert "Axe 1 — Axe" in response.content.decode()
