"""Client address behind proxies, what the rate limit counts, published axes only, refusals,
the moderation log."""

import pytest
from bs4 import BeautifulSoup
from django.test import RequestFactory
from django.urls import reverse

from conftest import ALL_VIEWERS
from pvd.actions.models import FicheAction
from pvd.participation.models import Contribution, Moderation
from pvd.participation.views import client_ip
from pvd.strategie.models import AxeStrategique
from pvd.strategie.services import projet_unpublish

from .factories import ContributionFactory, publish_strategy

pytestmark = pytest.mark.django_db

TEAM = {"chef_de_projet", "equipe"}


def main(response):
    return BeautifulSoup(response.content, "html.parser").select_one("#content")


def refusal(kind):
    return {"anonymous": 302, "outsider": 404, "prefecture_autre": 404}.get(kind, 403)


def public_url(dossier):
    return reverse("participation:public", kwargs={"dossier_pk": dossier.pk})


def valid_data(**extra):
    return {"kind": "proposition", "theme": "commerce", "texte": "Des bancs sur la place du marché, svp."} | extra


# 5. Client address and rate limit


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (0, "1.1.1.1", "10.0.0.9"),  # no proxy: the header is ignored (anyone can send it)
        (1, "", "10.0.0.9"),  # proxy configured but header missing
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # a forged left part is ignored
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (1, "6.6.6.6,  2001:db8::1 ", "2001:db8::1"),
        (3, "203.0.113.7", "203.0.113.7"),  # fewer entries than proxies: the left-most
        (1, "pas-une-adresse", "10.0.0.9"),
    ],
)
def test_client_ip(settings, trusted, forwarded, expected):
    settings.PVD_TRUSTED_PROXIES = trusted
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_residents_behind_the_proxy_are_limited_separately(client, dossier, page, settings):
    settings.PVD_CONTRIBUTION_RATE_LIMIT = 1
    settings.PVD_TRUSTED_PROXIES = 1

    def post(forwarded):
        return client.post(public_url(dossier), valid_data(), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert post("203.0.113.1").status_code == 302
    assert post("203.0.113.2").status_code == 302
    # The first resident forging another address on the left is still recognised.
    assert post("198.51.100.9, 203.0.113.1").status_code == 429
    assert Contribution.objects.count() == 2


def test_only_accepted_contributions_and_robots_count(client, dossier, page, settings):
    settings.PVD_CONTRIBUTION_RATE_LIMIT = 2
    ip = {"REMOTE_ADDR": "10.0.0.5"}
    for _ in range(3):  # a resident correcting their form is never blocked
        assert client.post(public_url(dossier), valid_data(texte="court"), **ip).status_code == 400
    assert client.post(public_url(dossier), valid_data(), **ip).status_code == 302
    assert client.post(public_url(dossier), valid_data(site_web="http://spam.example"), **ip).status_code == 302
    # One accepted + one robot: the limit is reached, for valid posts and robots alike.
    response = client.post(public_url(dossier), valid_data(), **ip)
    assert response.status_code == 429 and "trop de contributions" in main(response).get_text()
    assert client.post(public_url(dossier), valid_data(site_web="http://spam.example"), **ip).status_code == 429
    assert Contribution.objects.count() == 1


def test_robot_alone_gets_limited(client, dossier, page, settings):
    settings.PVD_CONTRIBUTION_RATE_LIMIT = 3
    spam = valid_data(site_web="http://spam.example")
    statuses = [client.post(public_url(dossier), spam, REMOTE_ADDR="10.0.0.6").status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert not Contribution.objects.exists()


def test_production_cache_is_shared_by_processes(monkeypatch):
    import importlib

    for name, value in {
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "pvd.exemple.fr",
        "DATABASE_URL": "sqlite:///x",
    }.items():
        monkeypatch.setenv(name, value)
    production = importlib.import_module("config.settings.production")
    production = importlib.reload(production)
    assert production.CACHES["default"] == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "pvd_cache",
    }
    assert production.PVD_TRUSTED_PROXIES == 0


# 6. Axes and fiches only from the published projet de territoire


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


# 7. Refusals


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
        assert response.status_code == refusal(kind) and not dossier.consultations.exists()


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
        assert refuse.status_code == answer.status_code == refusal(kind)
        assert contribution.statut == "en_attente" and contribution.reponse == ""
        assert not Moderation.objects.exists()


# 8. The moderation log on the moderation page


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
