"""Fixes from the audit of the governance: composition through the page, refusals, séance
changes, decisions' consistency, local times, documents."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from pvd.gouvernance.selectors import composition_check
from pvd.territoires.models import Organisation, OrganisationType

pytestmark = pytest.mark.django_db


def main(response):
    return BeautifulSoup(response.content, "html.parser").select_one("#content")


def _missing(client, url):
    return [li.get_text(" ", strip=True) for li in main(client.get(url)).select("#composition li")]


def test_composition_completed_through_the_member_form(client_for, dossier, comite):
    commune, epci = dossier.communes.get(), dossier.epci
    client = client_for(dossier, "chef_de_projet")
    url = reverse("gouvernance:instance", kwargs={"dossier_pk": dossier.pk, "pk": comite.pk})
    page = main(client.get(url))
    options = {o["value"]: o.get_text() for o in page.select("#id_membre-organisation option")}
    assert options[f"commune:{commune.pk}"] == f"Commune de {commune.nom}"
    assert options[f"epci:{epci.pk}"] == epci.nom
    assert not Organisation.objects.exists()  # a GET creates nothing
    assert len(_missing(client, url)) == 4

    def add(nom, role, organisation=""):
        data = {"action": "membre", "membre-nom": nom, "membre-role": role, "membre-organisation": organisation}
        assert client.post(url, data).status_code == 302

    add("Maire", "president", f"commune:{commune.pk}")
    missing = _missing(client, url)
    assert not any(commune.nom in item for item in missing) and len(missing) == 3
    organisation = Organisation.objects.get(type=OrganisationType.COMMUNE)
    assert organisation.commune == commune and organisation.nom == f"Commune de {commune.nom}"

    add("Président de l'EPCI", "president", f"epci:{epci.pk}")
    assert not any(epci.nom in item for item in _missing(client, url))
    assert Organisation.objects.get(type=OrganisationType.EPCI).epci == epci

    add("Cheffe de projet", "chef_de_projet", f"commune:{commune.pk}")
    assert "Le chef de projet Petites villes de demain" not in _missing(client, url)
    add("Sous-préfet", "prefet")
    assert _missing(client, url) == []
    # The commune's organisation was reused, not duplicated.
    assert Organisation.objects.filter(type=OrganisationType.COMMUNE).count() == 1
    assert composition_check(comite) == []


def test_member_form_refuses_a_commune_of_another_dossier(client_for, dossier, comite):
    from pvd.territoires.tests.factories import CommuneFactory

    other = CommuneFactory()
    client = client_for(dossier, "chef_de_projet")
    url = reverse("gouvernance:instance", kwargs={"dossier_pk": dossier.pk, "pk": comite.pk})
    data = {"action": "membre", "membre-nom": "X", "membre-role": "president", "membre-organisation": f"commune:{other.pk}"}
    response = client.post(url, data)
    assert response.status_code == 200 and not comite.membres.exists() and not Organisation.objects.exists()


# A change of date or place after the convocation: a convocation rectificative to every member.


def test_changed_place_sends_a_convocation_rectificative_to_all(client_for, dossier, comite):
    from django.core import mail
    from icalendar import Calendar

    from pvd.gouvernance.models import ConvocationEnvoi, Seance

    from .factories import MembreInstanceFactory, SeanceFactory

    from django.utils import timezone

    day = timezone.localdate() + datetime.timedelta(days=10)
    seance = SeanceFactory(instance=comite, date=timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 18)))
    MembreInstanceFactory.create_batch(2, instance=comite)
    client = client_for(dossier, "chef_de_projet")
    kw = {"dossier_pk": dossier.pk, "pk": seance.pk}
    send, page = reverse("gouvernance:convocation_send", kwargs=kw), reverse("gouvernance:seance", kwargs=kw)
    client.post(send)
    assert len(mail.outbox) == 2 and not any("rectificative" in m.subject for m in mail.outbox)
    date = f"{timezone.localtime(seance.date):%Y-%m-%dT%H:%M}"
    # Saving without any change keeps the sendings.
    client.post(page, {"action": "seance", "seance-date": date, "seance-lieu": seance.lieu})
    assert ConvocationEnvoi.objects.filter(seance=seance).count() == 2
    response = client.post(page, {"action": "seance", "seance-date": date, "seance-lieu": "Salle Diderot"}, follow=True)
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


def test_seance_with_decisions_cannot_be_moved_to_the_future(dossier, seance, user):
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from pvd.gouvernance import services

    point = services.point_add(seance=seance, titre="Point", by=user)
    services.decision_record(point=point, resultat="valide", by=user)
    with pytest.raises(ValidationError, match="reportée à une date future"):
        services.seance_update(seance=seance, date=timezone.now() + datetime.timedelta(days=3), lieu="X", by=user)


# Pending submissions go only to the comité de projet.


def test_pending_submission_refused_on_another_instance(dossier, user):
    from django.core.exceptions import ValidationError

    from pvd.actions.models import FicheAction
    from pvd.gouvernance import services
    from pvd.gouvernance.models import PointOrdreDuJour

    from .factories import InstanceFactory, SeanceFactory

    fiche = FicheAction.objects.create(dossier=dossier, numero=1, titre="Halle")
    pending = services.object_submit(dossier=dossier, target=fiche, titre="Fiche 1", by=user)
    technique = SeanceFactory(instance=InstanceFactory(dossier=dossier, technique=True))
    with pytest.raises(ValidationError, match="comité de projet"):
        services.point_add(seance=technique, pending=pending, by=user)
    assert PointOrdreDuJour.objects.get(pk=pending.pk).seance_id is None


# Decisions: one per object in a séance, only once the séance is held, always by someone.


def test_second_decision_on_the_same_object_in_a_seance_refused(dossier, seance, user):
    from django.core.exceptions import ValidationError

    from pvd.actions.models import FicheAction
    from pvd.gouvernance import services
    from pvd.gouvernance.selectors import validation_state

    fiche = FicheAction.objects.create(dossier=dossier, numero=1, titre="Halle")
    first = services.point_add(seance=seance, titre="Halle", target=fiche, by=user)
    second = services.point_add(seance=seance, titre="Halle (bis)", target=fiche, by=user)
    services.decision_record(point=first, resultat="valide", by=user)
    with pytest.raises(ValidationError, match="déjà statué sur cet objet lors de cette séance"):
        services.decision_record(point=second, resultat="rejete", by=user)
    assert not second.decisions.exists() and validation_state(fiche).code == "valide"


def test_decision_on_a_future_seance_refused_with_a_clear_message(client_for, dossier, comite, user):
    from django.contrib.messages import get_messages
    from django.core.exceptions import ValidationError

    from pvd.gouvernance import services

    from .factories import SeanceFactory

    future = SeanceFactory(instance=comite)
    point = services.point_add(seance=future, titre="Budget", by=user)
    with pytest.raises(ValidationError, match="n'a pas encore eu lieu"):
        services.decision_record(point=point, resultat="valide", by=user)
    client = client_for(dossier, "chef_de_projet")
    kw = {"dossier_pk": dossier.pk, "pk": future.pk}
    response = client.post(reverse("gouvernance:decision", kwargs=kw | {"point_pk": point.pk}), {"resultat": "valide"})
    assert any("n'a pas encore eu lieu" in str(m) for m in get_messages(response.wsgi_request))
    assert not point.decisions.exists()
    page = main(client.get(reverse("gouvernance:seance", kwargs=kw)))
    assert page.select_one("#decisions-a-venir") and not page.select("form[action*='/decision/']")


def test_decision_requires_who_records_it(seance, user):
    from django.core.exceptions import ValidationError

    from pvd.gouvernance import services

    point = services.point_add(seance=seance, titre="Point", by=user)
    with pytest.raises(ValidationError) as error:
        services.decision_record(point=point, resultat="valide", by=None)
    assert error.value.messages == ["Indiquez la personne qui enregistre la décision."]
    decision = services.decision_record(point=point, resultat="valide", by=user)
    with pytest.raises(ValidationError, match="Indiquez la personne"):
        services.decision_update(decision=decision, resultat="rejete", texte="", by=None)
    # An account deleted later leaves the decision valid (recorded_by is emptied).
    user.delete()
    decision.refresh_from_db()
    assert decision.recorded_by is None
    decision.full_clean()


def test_seance_str_in_paris_time(comite):
    from django.utils import timezone

    from .factories import SeanceFactory

    seance = SeanceFactory(instance=comite, date=datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC))
    assert str(seance) == f"{comite.nom} — 02/03/2026"
    assert timezone.localtime(seance.date).hour == 0


def test_ics_dtstamp_is_generation_time_in_utc_and_sequence_follows_changes(seance, user):
    from icalendar import Calendar

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
