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
    options = {o.get_text(): o["value"] for o in page.select("#id_membre-organisation option")}
    # The collectivités' organisations are always offered (created on first display, once).
    mairie = Organisation.objects.get(type=OrganisationType.COMMUNE, commune=commune)
    epci_organisation = Organisation.objects.get(type=OrganisationType.EPCI, epci=epci)
    assert options[f"Commune de {commune.nom}"] == str(mairie.pk)
    assert options[epci.nom] == str(epci_organisation.pk)
    assert len(_missing(client, url)) == 4

    def add(nom, role, organisation=""):
        data = {"action": "membre", "membre-nom": nom, "membre-role": role, "membre-organisation": organisation}
        assert client.post(url, data).status_code == 302

    add("Maire", "president", mairie.pk)
    missing = _missing(client, url)
    assert not any(commune.nom in item for item in missing) and len(missing) == 3
    organisation = Organisation.objects.get(type=OrganisationType.COMMUNE)
    assert organisation.commune == commune and organisation.nom == f"Commune de {commune.nom}"

    add("Président de l'EPCI", "president", epci_organisation.pk)
    assert not any(epci.nom in item for item in _missing(client, url))
    assert Organisation.objects.get(type=OrganisationType.EPCI).epci == epci

    add("Cheffe de projet", "chef_de_projet", mairie.pk)
    assert "Le chef de projet Petites villes de demain" not in _missing(client, url)
    add("Sous-préfet", "prefet")
    assert _missing(client, url) == []
    # The commune's organisation was reused, not duplicated.
    assert Organisation.objects.filter(type=OrganisationType.COMMUNE).count() == 1
    assert composition_check(comite) == []


def test_member_form_refuses_a_commune_of_another_dossier(client_for, dossier, comite):
    from pvd.territoires.services import commune_organisation
    from pvd.territoires.tests.factories import CommuneFactory

    other = commune_organisation(CommuneFactory())
    client = client_for(dossier, "chef_de_projet")
    url = reverse("gouvernance:instance", kwargs={"dossier_pk": dossier.pk, "pk": comite.pk})
    data = {"action": "membre", "membre-nom": "X", "membre-role": "president"}
    data["membre-organisation"] = other.pk
    response = client.post(url, data)
    assert response.status_code == 200 and not comite.membres.exists()


# A change of date or place after the convocation: a convocation rectificative to every member.


def test_changed_place_sends_a_convocation_rectificative_to_all(client_for, dossier, comite):
    from django.core import mail
    from django.utils import timezone
    from icalendar import Calendar

    from pvd.gouvernance.models import ConvocationEnvoi, Seance

    from .factories import MembreInstanceFactory, SeanceFactory

    day = timezone.localdate() + datetime.timedelta(days=10)
    date = timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 18))
    seance = SeanceFactory(instance=comite, date=date)
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
    # The first sendings are kept, marked outdated.
    assert ConvocationEnvoi.objects.filter(seance=seance, perime=True).count() == 2
    assert ConvocationEnvoi.objects.filter(seance=seance, perime=False).count() == 2


def test_member_added_after_the_change_gets_a_plain_convocation(client_for, dossier, comite):
    from django.core import mail
    from django.utils import timezone

    from .factories import MembreInstanceFactory, SeanceFactory

    day = timezone.localdate() + datetime.timedelta(days=10)
    date = timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 18))
    seance = SeanceFactory(instance=comite, date=date, lieu="Mairie")
    MembreInstanceFactory(instance=comite, nom="Ancien", email="ancien@exemple.fr")
    client = client_for(dossier, "chef_de_projet")
    kw = {"dossier_pk": dossier.pk, "pk": seance.pk}
    send, page = reverse("gouvernance:convocation_send", kwargs=kw), reverse("gouvernance:seance", kwargs=kw)
    client.post(send)
    date = f"{timezone.localtime(seance.date):%Y-%m-%dT%H:%M}"
    client.post(page, {"action": "seance", "seance-date": date, "seance-lieu": "Salle Diderot"})
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
    client.post(page, {"action": "seance", "seance-date": date, "seance-lieu": "Salle Voltaire"})
    assert main(client.get(page)).select_one("#convocation-a-rectifier")
    mail.outbox.clear()
    client.post(send)
    assert len(mail.outbox) == 3
    assert all(m.subject.startswith("Convocation rectificative") for m in mail.outbox)


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


def test_existing_local_body_declared_at_creation(client_for, dossier):
    from pvd.gouvernance.models import Instance

    client = client_for(dossier, "chef_de_projet")
    url = reverse("gouvernance:index", kwargs={"dossier_pk": dossier.pk})
    data = {"type": "comite_technique", "nom": "Comité habitat", "instance_existante": "oui"}
    data["nom_instance_existante"] = "Copil ORT"
    response = client.post(url, data)
    assert response.status_code == 200 and not Instance.objects.exists()
    assert "Seul le comité de projet" in main(response).get_text()
    response = client.post(url, data | {"type": "comite_projet", "nom_instance_existante": ""})
    assert "nom de l'instance locale existante" in main(response).get_text() and not Instance.objects.exists()
    response = client.post(url, data | {"type": "comite_projet", "nom": "Comité de projet"})
    instance = Instance.objects.get()
    assert instance.instance_existante and instance.nom_instance_existante == "Copil ORT"
    assert "Copil ORT" in main(client.get(response.url)).select_one("#instance-existante").get_text()


def test_presences_recorded_in_a_fixed_number_of_queries(seance, user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pvd.gouvernance import services

    from .factories import MembreInstanceFactory

    def record(n, statut):
        membres = MembreInstanceFactory.create_batch(n, instance=seance.instance)
        services.presences_record(seance=seance, statuts=dict.fromkeys(membres, "excuse"), by=user)
        statuts = dict.fromkeys(membres, statut)
        with CaptureQueriesContext(connection) as ctx:
            services.presences_record(seance=seance, statuts=statuts | dict.fromkeys(membres[:1], "absent"), by=user)
        return len(ctx.captured_queries)

    assert record(2, "present") == record(20, "present")
    assert seance.presences.filter(statut="present").count() == 1 + 19
    assert seance.presences.filter(statut="absent").count() == 2


def test_admin_lists_the_governance_and_decisions_are_read_only(client, seance, user):
    from pvd.comptes.models import User
    from pvd.gouvernance import services
    from pvd.gouvernance.models import Decision

    from .factories import MembreInstanceFactory

    point = services.point_add(seance=seance, titre="Budget", by=user)
    decision = services.decision_record(point=point, resultat="valide", texte="Adopté", by=user)
    MembreInstanceFactory(instance=seance.instance)
    admin = User.objects.create_superuser(email="admin@exemple.fr", password="x")
    client.force_login(admin)
    for model in ("instance", "seance", "pointordredujour", "decision", "convocationenvoi", "calendrierdossier"):
        assert client.get(reverse(f"admin:gouvernance_{model}_changelist")).status_code == 200, model
    assert client.get(reverse("admin:gouvernance_instance_change", args=[seance.instance_id])).status_code == 200
    change = reverse("admin:gouvernance_decision_change", args=[decision.pk])
    page = client.get(change)
    assert page.status_code == 200 and b'name="_save"' not in page.content
    client.post(change, {"resultat": "rejete", "texte": "Modifié"})
    assert Decision.objects.get(pk=decision.pk).resultat == "valide"
    assert client.get(reverse("admin:gouvernance_decision_add")).status_code == 403
    delete = reverse("admin:gouvernance_decision_delete", args=[decision.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Decision.objects.filter(pk=decision.pk).exists()


def _fill_seance(seance, n, user):
    """n agenda points (on fiches, axes and without object, half decided) and n members with
    their attendance."""
    from pvd.actions.models import FicheAction
    from pvd.gouvernance import services
    from pvd.strategie.models import AxeStrategique

    from .factories import MembreInstanceFactory

    dossier = seance.instance.dossier
    start = seance.points.count()
    for i in range(start, start + n):
        if i % 3 == 0:
            target = FicheAction.objects.create(dossier=dossier, numero=i + 1, titre=f"Fiche {i}")
        elif i % 3 == 1:
            target = AxeStrategique.objects.create(dossier=dossier, numero=i + 1, titre=f"Axe {i}")
        else:
            target = None
        point = services.point_add(seance=seance, titre=f"Point {i}", target=target, by=user)
        if i % 2 == 0:
            services.decision_record(point=point, resultat="valide", texte="Adopté", by=user)
    membres = MembreInstanceFactory.create_batch(n, instance=seance.instance)
    services.presences_record(seance=seance, statuts=dict.fromkeys(membres, "present"), by=user)


@pytest.mark.parametrize("page", ["seance", "convocation"])
def test_seance_and_convocation_pages_queries_do_not_grow(client_for, dossier, seance, user, page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(dossier, "chef_de_projet")
    url = reverse(f"gouvernance:{page}", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk})

    def count():
        client.get(url)  # warm the caches (ContentType)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), response

    _fill_seance(seance, 2, user)
    small, response = count()
    assert len(main(response).select("#ordre-du-jour > li, #convocation li")) >= 2
    _fill_seance(seance, 18, user)
    large, response = count()
    assert "Point 19" in main(response).get_text()
    assert large == small


def test_no_decision_form_on_undecided_points_once_minutes_approved(client_for, dossier, seance, user):
    from pvd.gouvernance import services

    decided = services.point_add(seance=seance, titre="Budget", by=user)
    undecided = services.point_add(seance=seance, titre="Information", by=user)
    client = client_for(dossier, "chef_de_projet")
    url = reverse("gouvernance:seance", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk})
    forms = main(client.get(url)).select("form[action*='/decision/']")
    assert len(forms) == 2 and all(f.select_one("textarea[name=texte]") for f in forms)
    services.decision_record(point=decided, resultat="valide", by=user)
    services.seance_set_minutes(seance=seance, compte_rendu="CR", by=user)
    services.seance_approve_minutes(seance=seance, by=user)
    page = main(client.get(url))
    items = {li["data-point"]: li for li in page.select("#ordre-du-jour > li")}
    assert items[str(decided.pk)].select_one("form[action*='/decision/']")  # a correction stays possible
    assert not items[str(undecided.pk)].select_one("form")
    assert "inscrivez-le à une prochaine séance" in items[str(undecided.pk)].select_one(".sans-decision").get_text()
