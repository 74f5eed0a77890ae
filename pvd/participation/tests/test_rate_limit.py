"""The contributions' rate limit: the client's address behind proxies, what it counts, slots
taken and given back in one step, a cache shared by the processes in production."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from pvd.core.client_ip import client_ip
from pvd.participation import services
from pvd.participation.models import Contribution
from tests.utils import main

pytestmark = pytest.mark.django_db


def public_url(dossier, **query):
    url = reverse("participation:public", kwargs={"dossier_pk": dossier.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def valid_data(**extra):
    return {"kind": "proposition", "theme": "commerce", "texte": "Des bancs sur la place du marché, svp."} | extra


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


@pytest.mark.parametrize(
    ("ip", "counted"),
    [
        ("192.0.2.1", "192.0.2.1"),  # IPv4 unchanged
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::1", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("inconnue", "inconnue"),
    ],
)
def test_ipv6_addresses_counted_by_their_64(ip, counted):
    assert services.rate_limit_address(ip) == counted


def test_two_addresses_of_one_ipv6_64_share_the_limit(client, dossier, page, settings):
    """One home picks any address of its /64: changing it does not give new slots; another /64
    has its own; IPv4 addresses are still counted one by one."""
    settings.PVD_CONTRIBUTION_RATE_LIMIT = 2
    first, second = "2001:db8:aa:1::10", "2001:db8:aa:1:ffff:ffff:ffff:ffff"
    assert client.post(public_url(dossier), valid_data(), REMOTE_ADDR=first).status_code == 302
    assert client.post(public_url(dossier), valid_data(), REMOTE_ADDR=second).status_code == 302
    refused = client.post(public_url(dossier), valid_data(), REMOTE_ADDR="2001:db8:aa:1::99")
    assert refused.status_code == 429
    assert client.post(public_url(dossier), valid_data(), REMOTE_ADDR="2001:db8:aa:2::10").status_code == 302
    assert client.post(public_url(dossier), valid_data(), REMOTE_ADDR="192.0.2.10").status_code == 302
    assert client.post(public_url(dossier), valid_data(), REMOTE_ADDR="192.0.2.11").status_code == 302
    assert Contribution.objects.count() == 5


def test_ipv6_64_behind_a_trusted_proxy(client, dossier, page, settings):
    settings.PVD_CONTRIBUTION_RATE_LIMIT = 1
    settings.PVD_TRUSTED_PROXIES = 1
    data = valid_data()
    assert (
        client.post(
            public_url(dossier), data, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="2001:db8:5:6::1"
        ).status_code
        == 302
    )
    again = client.post(public_url(dossier), data, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="2001:db8:5:6::2")
    assert again.status_code == 429
    assert Contribution.objects.count() == 1
