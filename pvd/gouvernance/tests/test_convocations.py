"""Convocations: only for a séance to come, a convocation rectificative after a change of date
or place, failures reported and retries that send only what is missing."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from conftest import ALL_VIEWERS
from pvd.gouvernance import services
from pvd.gouvernance.models import ConvocationEnvoi, MembreInstance, Seance
from tests.utils import edit_fields, main

from .factories import MembreInstanceFactory, SeanceFactory

pytestmark = pytest.mark.django_db


def seance_url(seance, name="gouvernance:seance"):
    return reverse(name, kwargs={"dossier_pk": seance.instance.dossier_id, "pk": seance.pk})


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_no_convocation_for_a_past_seance(client_for, dossier, seance, kind):
    MembreInstanceFactory(instance=seance.instance, email="maire@exemple.fr")
    client = client_for(dossier, kind)
    page = client.get(seance_url(seance))
    if page.status_code == 200:
        assert main(page).select_one("#convocation-send") is None
    response = client.post(seance_url(seance, "gouvernance:convocation_send"))
    assert mail.outbox == []
    if kind in {"chef_de_projet", "equipe"}:
        messages = [str(m) for m in get_messages(response.wsgi_request)]
        assert "La séance a déjà eu lieu : la convocation ne peut plus être envoyée." in messages


def test_convocation_refused_by_the_service_for_a_past_seance(seance):
    MembreInstanceFactory(instance=seance.instance, email="maire@exemple.fr")
    with pytest.raises(ValidationError, match="déjà eu lieu"):
        services.seance_send_convocation(seance=seance, by=None, convocation_url="https://x")


def test_convocation_offered_for_a_seance_to_come(client_for, dossier, comite):
    seance = SeanceFactory(instance=comite)
    assert main(client_for(dossier, "equipe").get(seance_url(seance))).select_one("#convocation-send")


def test_changed_place_sends_a_convocation_rectificative_to_all(client_for, dossier, comite):
    from django.core import mail

    from pvd.gouvernance.models import ConvocationEnvoi

    from .factories import MembreInstanceFactory, SeanceFactory

    day = timezone.localdate() + datetime.timedelta(days=10)
    date = timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 18))
    seance = SeanceFactory(instance=comite, date=date)
    MembreInstanceFactory.create_batch(2, instance=comite)
    client = client_for(dossier, "chef_de_projet")
    kw = {"dossier_pk": dossier.pk, "pk": seance.pk}
    send = reverse("gouvernance:convocation_send", kwargs=kw)
    update = reverse("gouvernance:seance_update", kwargs=kw)
    client.post(send)
    assert len(mail.outbox) == 2 and not any("rectificative" in m.subject for m in mail.outbox)
    date = f"{timezone.localtime(seance.date):%Y-%m-%dT%H:%M}"
    # Saving without any change keeps the sendings.
    read = edit_fields(client, reverse("gouvernance:seance", kwargs=kw), update)
    client.post(update, {"seance-date": date, "seance-lieu": seance.lieu, **read})
    assert ConvocationEnvoi.objects.filter(seance=seance).count() == 2
    read = edit_fields(client, reverse("gouvernance:seance", kwargs=kw), update)
    response = client.post(update, {"seance-date": date, "seance-lieu": "Salle Diderot", **read}, follow=True)
    assert "convocation rectificative" in response.content.decode()
    assert main(response).select_one("#convocation-a-rectifier")
    client.post(send)
    assert len(mail.outbox) == 4
    for message in mail.outbox[2:]:
        assert message.subject.startswith("Convocation rectificative")
        assert "Salle Diderot" in message.body and "remplace la convocation précédente" in message.body
        event = Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")[0]
        assert str(event["LOCATION"]) == "Salle Diderot" and event["SEQUENCE"] == 1
    client.post(send)  # a retry sends nothing twice
    assert len(mail.outbox) == 4
    assert Seance.objects.get(pk=seance.pk).convocation_envoyee_le is not None
    # The first sendings are kept, marked outdated.
    assert ConvocationEnvoi.objects.filter(seance=seance, perime=True).count() == 2
    assert ConvocationEnvoi.objects.filter(seance=seance, perime=False).count() == 2


def test_member_added_after_the_change_gets_a_plain_convocation(client_for, dossier, comite):
    from django.core import mail

    from .factories import MembreInstanceFactory, SeanceFactory

    day = timezone.localdate() + datetime.timedelta(days=10)
    date = timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 18))
    seance = SeanceFactory(instance=comite, date=date, lieu="Mairie")
    MembreInstanceFactory(instance=comite, nom="Ancien", email="ancien@exemple.fr")
    client = client_for(dossier, "chef_de_projet")
    kw = {"dossier_pk": dossier.pk, "pk": seance.pk}
    send, page = reverse("gouvernance:convocation_send", kwargs=kw), reverse("gouvernance:seance", kwargs=kw)
    update = reverse("gouvernance:seance_update", kwargs=kw)
    client.post(send)
    date = f"{timezone.localtime(seance.date):%Y-%m-%dT%H:%M}"
    client.post(update, {"seance-date": date, "seance-lieu": "Salle Diderot", **edit_fields(client, page, update)})
    # Added after the change: this member never had the previous convocation.
    MembreInstanceFactory(instance=comite, nom="Nouveau", email="nouveau@exemple.fr")
    mail.outbox.clear()
    client.post(send)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["ancien@exemple.fr"].subject.startswith("Convocation rectificative")
    assert "remplace la convocation précédente" in by_address["ancien@exemple.fr"].body
    assert by_address["nouveau@exemple.fr"].subject.startswith("Convocation :")
    assert "rectificative" not in by_address["nouveau@exemple.fr"].body
    # Everyone has the current convocation: the page no longer asks for a rectificative.
    content = main(client.get(page))
    assert not content.select_one("#convocation-a-rectifier")
    assert "Envoyer la convocation par courriel" in content.select_one("#convocation-send").text
    # A member added later still gets a plain convocation, not a "rectificative".
    MembreInstanceFactory(instance=comite, nom="Dernier", email="dernier@exemple.fr")
    mail.outbox.clear()
    client.post(send)
    assert [m.to[0] for m in mail.outbox] == ["dernier@exemple.fr"]
    assert mail.outbox[0].subject.startswith("Convocation :")
    assert "rectificative" not in mail.outbox[0].body
    # A second change: every member who had a convocation gets a rectificative again.
    client.post(update, {"seance-date": date, "seance-lieu": "Salle Voltaire", **edit_fields(client, page, update)})
    assert main(client.get(page)).select_one("#convocation-a-rectifier")
    mail.outbox.clear()
    client.post(send)
    assert len(mail.outbox) == 3
    assert all(m.subject.startswith("Convocation rectificative") for m in mail.outbox)


@pytest.fixture
def failing_mail(settings):
    settings.EMAIL_BACKEND = "pvd.gouvernance.tests.backends.FailingForSomeBackend"


def test_convocation_failure_is_reported_and_retry_sends_only_the_missing(
    client_for, dossier, seance, failing_mail, to_future
):
    to_future(seance)
    MembreInstanceFactory(instance=seance.instance, nom="A", email="a@exemple.fr")
    bad = MembreInstanceFactory(instance=seance.instance, nom="B", email="refus@exemple.fr")
    MembreInstanceFactory(instance=seance.instance, nom="C", email="c@exemple.fr")
    client = client_for(dossier, "equipe")
    url = reverse("gouvernance:convocation_send", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk})
    response = client.post(url)
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["a@exemple.fr", "c@exemple.fr"]
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("n'a pas pu être envoyée à : refus@exemple.fr" in m for m in messages)
    assert any("envoyée à 2 membre(s)" in m for m in messages)
    assert ConvocationEnvoi.objects.filter(seance=seance).count() == 2
    # The address is corrected; a retry convokes only B.
    MembreInstance.objects.filter(pk=bad.pk).update(email="b@exemple.fr")
    mail.outbox.clear()
    client.post(url)
    assert [m.to for m in mail.outbox] == [["b@exemple.fr"]]
    mail.outbox.clear()
    response = client.post(url)
    assert mail.outbox == []
    assert any("déjà reçu" in str(m) for m in get_messages(response.wsgi_request))


def test_convocation_os_error_is_caught(dossier, seance, monkeypatch, to_future):
    to_future(seance)
    from django.core.mail import EmailMessage

    MembreInstanceFactory(instance=seance.instance, email="a@exemple.fr")

    def broken(self, fail_silently=False):
        raise ConnectionRefusedError("serveur injoignable")

    monkeypatch.setattr(EmailMessage, "send", broken)
    report = services.seance_send_convocation(seance=seance, by=None, convocation_url="https://x")
    assert report.failed == ["a@exemple.fr"] and report.sent == []
    assert not ConvocationEnvoi.objects.exists()
    seance.refresh_from_db()
    assert seance.convocation_envoyee_le is None
