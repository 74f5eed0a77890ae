"""Sessions end after PVD_SESSION_INACTIVITE_MINUTES without a request, and PVD_SESSION_DUREE_MAX_HEURES
after the login whatever the activity; the login page says why. The clock is moved, never waited for."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from pvd.comptes import sessions

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """clock.move(minutes=…) moves the sessions' clock forward."""

    class Clock:
        current = timezone.now()

        def move(self, **delta):
            self.current += datetime.timedelta(**delta)

    clock = Clock()
    monkeypatch.setattr(sessions, "now", lambda: clock.current)
    return clock


@pytest.fixture
def logged_in(client, clock):
    user = UserFactory()
    response = client.post(reverse("comptes:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[-3000:]
    return client


def _login_page_message(client, response) -> str:
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("comptes:login"))
    page = client.get(response["Location"])
    alerts = BeautifulSoup(page.content, "html.parser").select(".fr-alert")
    return " ".join(alert.get_text(" ", strip=True) for alert in alerts)


def test_an_idle_session_expires(logged_in, clock, settings):
    settings.PVD_SESSION_INACTIVITE_MINUTES = 120
    url = reverse("dossiers:list")
    clock.move(minutes=119)
    assert logged_in.get(url).status_code == 200
    # Activity renews the idle delay: 119 more minutes are fine, 120 without a request are not.
    clock.move(minutes=119)
    assert logged_in.get(url).status_code == 200
    clock.move(minutes=120)
    response = logged_in.get(url)
    assert response["Location"] == f"{reverse('comptes:login')}?next=%2Fdossiers%2F"
    assert SESSION_KEY not in logged_in.session
    assert "Votre session a expiré après 120 minutes d'inactivité : reconnectez-vous." in _login_page_message(
        logged_in, response
    )


def test_a_session_expires_after_its_maximal_duration_even_when_active(logged_in, clock, settings):
    settings.PVD_SESSION_DUREE_MAX_HEURES = 12
    settings.PVD_SESSION_INACTIVITE_MINUTES = 120
    url = reverse("dossiers:list")
    for _ in range(11):
        clock.move(minutes=60)
        assert logged_in.get(url).status_code == 200
    clock.move(minutes=59)
    assert logged_in.get(url).status_code == 200
    clock.move(minutes=1)
    response = logged_in.get(url)
    assert SESSION_KEY not in logged_in.session
    assert "Votre session a expiré : elle dure au plus 12 heures. Reconnectez-vous." in _login_page_message(
        logged_in, response
    )


def test_the_delays_are_settings(logged_in, clock, settings):
    settings.PVD_SESSION_INACTIVITE_MINUTES = 15
    clock.move(minutes=16)
    response = logged_in.get(reverse("dossiers:list"))
    assert "après 15 minutes d'inactivité" in _login_page_message(logged_in, response)


def test_an_htmx_request_of_an_expired_session_is_sent_to_the_login(logged_in, clock):
    clock.move(hours=3)
    response = logged_in.get(reverse("dossiers:list"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("comptes:login")
    assert SESSION_KEY not in logged_in.session


def test_default_delays():
    from config.settings import base

    assert base.PVD_SESSION_INACTIVITE_MINUTES == 120
    assert base.PVD_SESSION_DUREE_MAX_HEURES == 12
    assert base.SESSION_COOKIE_AGE == 12 * 3600
