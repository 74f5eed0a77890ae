"""Confidential fiches, personal calendar addresses, former members, convocation retries."""

import io

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from conftest import ALL_VIEWERS
from pvd.actions.models import FicheAction
from pvd.dossiers.models import Membre
from pvd.gouvernance import services
from pvd.gouvernance.models import CalendrierDossier, ConvocationEnvoi, MembreInstance, Presence, Seance

from .factories import MembreInstanceFactory, SeanceFactory

pytestmark = pytest.mark.django_db

CAN_VIEW = {"chef_de_projet", "equipe", "elu", "partenaire", "lecteur", "prefecture", "anct"}
TEAM = {"chef_de_projet", "equipe"}
SECRET = "Rachat secret de la friche Dupont"
SECRET_PENDING = "Préemption discrète du garage"
SECRET_DETAIL = "prix négocié à 240 000 €"
SECRET_DECISION = "Le comité accepte l'offre de 240 000 €."


def content(response):
    return BeautifulSoup(response.content, "html.parser").select_one("#content")


@pytest.fixture
def confidential(dossier, seance, user):
    """A point on a confidential fiche in the séance, another waiting for a séance."""
    fiche = FicheAction.objects.create(dossier=dossier, numero=1, titre=SECRET, confidentielle=True)
    other = FicheAction.objects.create(dossier=dossier, numero=2, titre=SECRET_PENDING, confidentielle=True)
    FicheAction.objects.create(dossier=dossier, numero=3, titre="Halle publique", confidentielle=False)
    point = services.point_add(
        seance=seance, titre=f"Fiche action n° 1 : {SECRET}", description=SECRET_DETAIL, target=fiche, by=None
    )
    services.decision_record(point=point, resultat="valide", texte=SECRET_DECISION, by=user)
    services.object_submit(dossier=dossier, target=other, titre=f"Fiche action n° 2 : {SECRET_PENDING}", by=user)
    MembreInstanceFactory(instance=seance.instance, email="maire@exemple.fr")
    return fiche


# 1. Confidential fiches


@pytest.mark.parametrize("kind", sorted(CAN_VIEW))
def test_confidential_titles_only_for_the_team(client_for, dossier, seance, confidential, kind):
    client = client_for(dossier, kind)
    kw = {"dossier_pk": dossier.pk}
    index = content(client.get(reverse("gouvernance:index", kwargs=kw)))
    page = content(client.get(reverse("gouvernance:seance", kwargs=kw | {"pk": seance.pk})))
    convocation = content(client.get(reverse("gouvernance:convocation", kwargs=kw | {"pk": seance.pk})))
    agenda = page.select_one("#ordre-du-jour").get_text()
    assert "Halle publique" in index.select_one("#validations").get_text()
    if kind in TEAM:
        assert SECRET_PENDING in index.select_one("#soumissions").get_text()
        assert SECRET_PENDING in index.select_one("#validations").get_text()
        assert SECRET in agenda and SECRET_DETAIL in agenda and SECRET_DECISION in agenda
        assert SECRET in convocation.get_text()
        assert SECRET_PENDING in page.select_one("#point-form").get_text()  # pending choice
    else:
        for fragment in (index, page, convocation):
            for secret in (SECRET, SECRET_PENDING, SECRET_DETAIL, SECRET_DECISION):
                assert secret not in fragment.get_text()
        assert "Fiche action confidentielle" in index.select_one("#soumissions").get_text()
        # The masked title names the point; a masked "Objet" under it would only repeat it.
        assert "Fiche action confidentielle" in agenda and "Objet :" not in agenda


@pytest.mark.parametrize("kind", ["chef_de_projet", "lecteur"])
def test_documents_leaving_the_platform_never_show_confidential_titles(client_for, dossier, seance, confidential, kind):
    client = client_for(dossier, kind)
    kw = {"dossier_pk": dossier.pk, "pk": seance.pk}
    seance_event = Calendar.from_ical(client.get(reverse("gouvernance:seance_ics", kwargs=kw)).content)
    feed = Calendar.from_ical(client.get(reverse("gouvernance:feed", kwargs={"dossier_pk": dossier.pk})).content)
    for calendar in (seance_event, feed):
        description = str(calendar.walk("VEVENT")[0]["DESCRIPTION"])
        assert "Fiche action confidentielle" in description and SECRET not in description
    for name in ("convocation_pdf", "compte_rendu_pdf"):
        pdf = PdfReader(io.BytesIO(client.get(reverse(f"gouvernance:{name}", kwargs=kw)).content))
        text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
        assert "Fiche action confidentielle" in text and "friche Dupont" not in text, name
        assert "240 000" not in text, name
    calendrier = services.calendrier_renew(dossier=dossier, user=client.user)
    token_feed = client.get(reverse("gouvernance:feed_token", args=[calendrier.token])).content.decode()
    assert "Fiche action confidentielle" in token_feed.replace("\r\n ", "") and "friche" not in token_feed


def test_convocation_email_never_shows_confidential_titles(client_for, dossier, seance, confidential, to_future):
    to_future(seance)
    client = client_for(dossier, "chef_de_projet")
    client.post(reverse("gouvernance:convocation_send", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk}))
    assert len(mail.outbox) == 1
    assert "Fiche action confidentielle" in mail.outbox[0].body and SECRET not in mail.outbox[0].body


def test_confidential_fiche_cannot_be_targeted_without_the_right(dossier, seance, confidential):
    from pvd.dossiers.perms import Access
    from pvd.gouvernance.selectors import target_lookup, targetable_objects

    fiches = {key: objects for key, _, objects in targetable_objects(dossier)}["fiche"]
    assert [f.titre for f in fiches] == ["Halle publique"]
    assert target_lookup(dossier, f"fiche:{confidential.pk}") is None
    assert target_lookup(dossier, f"fiche:{confidential.pk}", Access("equipe")) == confidential


# 2. Personal calendar addresses


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
    abonnement = content(client.get(index)).select_one("#abonnement").get_text()
    assert calendrier.token in abonnement
    # Nobody else sees it.
    other = client_for(dossier, "chef_de_projet" if kind != "chef_de_projet" else "equipe")
    assert calendrier.token not in content(other.get(index)).get_text()


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


# 3. Members of approved minutes


def _approved(seance, membre):
    Presence.objects.create(seance=seance, membre=membre, statut="present")
    Seance.objects.filter(pk=seance.pk).update(compte_rendu="CR", compte_rendu_approuve_le=timezone.now())


def test_member_of_approved_minutes_cannot_be_removed(client_for, dossier, seance):
    membre = MembreInstanceFactory(instance=seance.instance, nom="M. Ancien")
    _approved(seance, membre)
    client = client_for(dossier, "chef_de_projet")
    kw = {"dossier_pk": dossier.pk, "pk": seance.instance_id, "membre_pk": membre.pk}
    response = client.post(reverse("gouvernance:membre_remove", kwargs=kw))
    assert response.status_code == 302
    assert MembreInstance.objects.filter(pk=membre.pk).exists()
    assert Presence.objects.filter(membre=membre, seance=seance).exists()
    message = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "compte rendu est approuvé" in message and "ancien membre" in message
    # The secretary marks them as a former member instead.
    response = client.post(reverse("gouvernance:membre_end", kwargs=kw), {"fin": "2020-01-01"})
    assert response.status_code == 302
    assert MembreInstance.objects.get(pk=membre.pk).is_ancien
    page = content(client.get(reverse("gouvernance:seance", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk})))
    assert "M. Ancien" in page.select_one("#presences").get_text()  # the approved minutes are unchanged
    later = SeanceFactory(instance=seance.instance, passee=True)  # held after the end of term
    page = content(client.get(reverse("gouvernance:seance", kwargs={"dossier_pk": dossier.pk, "pk": later.pk})))
    assert "M. Ancien" not in page.select_one("#presences").get_text()


def test_member_with_draft_attendance_only_can_be_removed(dossier, seance):
    membre = MembreInstanceFactory(instance=seance.instance)
    Presence.objects.create(seance=seance, membre=membre, statut="present")
    services.membre_instance_remove(membre=membre, by=None)
    assert not MembreInstance.objects.filter(pk=membre.pk).exists()


def test_former_members_are_not_convoked_nor_required(dossier, seance):
    from pvd.gouvernance.selectors import composition_check

    chef = MembreInstanceFactory(instance=seance.instance, role="chef_de_projet", email="chef@exemple.fr")
    assert not any("chef de projet" in m for m in composition_check(seance.instance))
    services.membre_instance_end(membre=chef, fin=timezone.localdate(), by=None)
    assert any("chef de projet" in m for m in composition_check(seance.instance))
    MembreInstanceFactory(instance=seance.instance, email="actif@exemple.fr")
    future = SeanceFactory(instance=seance.instance)
    services.seance_send_convocation(seance=future, by=None, convocation_url="https://x")
    assert [m.to for m in mail.outbox] == [["actif@exemple.fr"]]


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_membre_end_refusals(client_for, dossier, seance, kind):
    membre = MembreInstanceFactory(instance=seance.instance)
    client = client_for(dossier, kind)
    kw = {"dossier_pk": dossier.pk, "pk": seance.instance_id, "membre_pk": membre.pk}
    response = client.post(reverse("gouvernance:membre_end", kwargs=kw), {"fin": "2020-01-01"})
    membre.refresh_from_db()
    if kind in TEAM:
        assert response.status_code == 302 and membre.fin is not None
    else:
        assert response.status_code == {"anonymous": 302, "outsider": 404, "prefecture_autre": 404}.get(kind, 403)
        assert membre.fin is None


# 4. Convocations: failures and retries


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


# 7. Refusals of the remaining write actions


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_membre_remove_refusals(client_for, dossier, seance, kind):
    membre = MembreInstanceFactory(instance=seance.instance)
    client = client_for(dossier, kind)
    kw = {"dossier_pk": dossier.pk, "pk": seance.instance_id, "membre_pk": membre.pk}
    response = client.post(reverse("gouvernance:membre_remove", kwargs=kw))
    exists = MembreInstance.objects.filter(pk=membre.pk).exists()
    if kind in TEAM:
        assert response.status_code == 302 and not exists
    else:
        assert response.status_code == {"anonymous": 302, "outsider": 404, "prefecture_autre": 404}.get(kind, 403)
        assert exists


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_point_move_refusals(client_for, dossier, seance, kind):
    first = services.point_add(seance=seance, titre="Premier", by=None)
    second = services.point_add(seance=seance, titre="Second", by=None)
    client = client_for(dossier, kind)
    kw = {"dossier_pk": dossier.pk, "pk": seance.pk, "point_pk": second.pk}
    response = client.post(reverse("gouvernance:point_move", kwargs=kw), {"sens": "haut"})
    order = list(seance.points.order_by("ordre").values_list("pk", flat=True))
    if kind in TEAM:
        assert response.status_code == 302 and order == [second.pk, first.pk]
    else:
        assert response.status_code == {"anonymous": 302, "outsider": 404, "prefecture_autre": 404}.get(kind, 403)
        assert order == [first.pk, second.pk]


def test_point_move_of_another_seance_is_404(client_for, dossier, seance):
    other = SeanceFactory(instance=seance.instance)
    point = services.point_add(seance=other, titre="Ailleurs", by=None)
    client = client_for(dossier, "chef_de_projet")
    kw = {"dossier_pk": dossier.pk, "pk": seance.pk, "point_pk": point.pk}
    assert client.post(reverse("gouvernance:point_move", kwargs=kw), {"sens": "haut"}).status_code == 404
