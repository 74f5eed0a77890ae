"""Calendars of the séances: personal subscription addresses, ICS in UTC with a sequence that
follows the changes, séances named in Paris time."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from conftest import ALL_VIEWERS
from pvd.dossiers.models import Membre
from pvd.gouvernance import services
from pvd.gouvernance.models import CalendrierDossier
from tests.utils import main

from .factories import SeanceFactory

pytestmark = pytest.mark.django_db


CAN_VIEW = {"chef_de_projet", "equipe", "elu", "partenaire", "lecteur", "prefecture", "anct"}


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_calendar_address_per_viewer(client_for, dossier, seance, kind):
    client = client_for(dossier, kind)
    index = reverse("gouvernance:index", kwargs={"dossier_pk": dossier.pk})
    response = client.post(reverse("gouvernance:feed_token_create", kwargs={"dossier_pk": dossier.pk}))
    if kind not in CAN_VIEW:
        assert response.status_code == {"anonymous": 302}.get(kind, 404)
        assert not CalendrierDossier.objects.exists()
        return
    assert response.status_code == 302
    calendrier = CalendrierDossier.objects.get(dossier=dossier)
    assert calendrier.user == client.user
    abonnement = main(client.get(index)).select_one("#abonnement").get_text()
    assert calendrier.token in abonnement
    # Nobody else sees it.
    other = client_for(dossier, "chef_de_projet" if kind != "chef_de_projet" else "equipe")
    assert calendrier.token not in main(other.get(index)).get_text()


def test_renewing_replaces_only_ones_own_address(dossier, user):
    from pvd.dossiers.tests.factories import MembreFactory

    mine = services.calendrier_renew(dossier=dossier, user=user)
    theirs = services.calendrier_renew(dossier=dossier, user=MembreFactory(dossier=dossier).user)
    renewed = services.calendrier_renew(dossier=dossier, user=user)
    tokens = set(CalendrierDossier.objects.values_list("token", flat=True))
    assert tokens == {renewed.token, theirs.token} and mine.token not in tokens


def test_token_of_a_removed_member_stops_working(client, dossier, seance):
    from pvd.dossiers.tests.factories import MembreFactory

    membre = MembreFactory(dossier=dossier, role="partenaire")
    calendrier = services.calendrier_renew(dossier=dossier, user=membre.user)
    url = reverse("gouvernance:feed_token", args=[calendrier.token])
    assert client.get(url).status_code == 200
    Membre.objects.filter(pk=membre.pk).delete()
    assert client.get(url).status_code == 404
    membre.user.is_active = False
    membre.user.save()
    assert client.get(url).status_code == 404


def test_seance_str_in_paris_time(comite):

    seance = SeanceFactory(instance=comite, date=datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC))
    assert str(seance) == f"{comite.nom} — 02/03/2026"
    assert timezone.localtime(seance.date).hour == 0


def test_ics_dtstamp_is_generation_time_in_utc_and_sequence_follows_changes(seance, user):

    from pvd.gouvernance import services
    from pvd.gouvernance.documents import dossier_ics, seance_ics

    now = datetime.datetime(2026, 5, 4, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    first = seance_ics(seance, now=now)
    assert first == seance_ics(seance, now=now)  # deterministic with an injected time
    event = Calendar.from_ical(first).walk("VEVENT")[0]
    assert event.decoded("dtstamp") == datetime.datetime(2026, 5, 4, 10, 0, tzinfo=datetime.UTC)
    assert b"DTSTAMP:20260504T100000Z" in first and event["SEQUENCE"] == 0
    services.seance_update(seance=seance, date=seance.date, lieu="Autre salle", by=user)
    feed = Calendar.from_ical(dossier_ics(seance.instance.dossier, [seance], now=now))
    assert feed.walk("VEVENT")[0]["SEQUENCE"] == 1
