"""What a reader of the demo found on the governance pages: a convocation offered for a past
séance, open correction forms on every point, a repeated "Objet", decisions dated twice,
awkward wording, Monter/Descendre at the ends, Django's "---------", the instance name on
every line of the validations."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import ALL_VIEWERS
from pvd.actions.tests.factories import FicheFactory
from pvd.gouvernance import services
from pvd.gouvernance.models import Decision

from .factories import MembreInstanceFactory, SeanceFactory

pytestmark = pytest.mark.django_db


def content(response):
    return BeautifulSoup(response.content, "html.parser").select_one("#content")


def seance_url(seance, name="gouvernance:seance"):
    return reverse(name, kwargs={"dossier_pk": seance.instance.dossier_id, "pk": seance.pk})


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_no_convocation_for_a_past_seance(client_for, dossier, seance, kind):
    MembreInstanceFactory(instance=seance.instance, email="maire@exemple.fr")
    client = client_for(dossier, kind)
    page = client.get(seance_url(seance))
    if page.status_code == 200:
        assert content(page).select_one("#convocation-send") is None
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
    assert content(client_for(dossier, "equipe").get(seance_url(seance))).select_one("#convocation-send")


def test_corrections_are_folded_and_decisions_dated_by_the_seance(client_for, dossier, seance, user):
    points = [services.point_add(seance=seance, titre=f"Point {n}", by=user) for n in range(3)]
    for point in points:
        services.decision_record(point=point, resultat="valide", by=user)
    services.seance_set_minutes(seance=seance, compte_rendu="Compte rendu.", by=user)
    services.seance_approve_minutes(seance=seance, by=user)
    # Recorded a week after the séance: the séance date leads, the record date follows.
    Decision.objects.update(created_at=seance.date + datetime.timedelta(days=7))
    page = content(client_for(dossier, "chef_de_projet").get(seance_url(seance)))
    folds = page.select("#ordre-du-jour details.correction")
    assert len(folds) == 3
    assert all(d.summary.get_text(" ", strip=True).startswith("Corriger la décision") for d in folds)
    assert all(d.select_one("form textarea") for d in folds) and not page.select("details[open]")
    seance_day = timezone.localtime(seance.date).date()
    date = page.select_one(".decision-date").get_text(" ", strip=True)
    assert date.startswith(f"({seance_day.day} ")
    assert "enregistrée le" in date


def test_decision_recorded_on_the_seance_day_shows_one_date(client_for, dossier, seance, user):
    point = services.point_add(seance=seance, titre="Point", by=user)
    services.decision_record(point=point, resultat="valide", by=user)
    Decision.objects.update(created_at=seance.date)
    page = content(client_for(dossier, "chef_de_projet").get(seance_url(seance)))
    assert "enregistrée le" not in page.select_one(".decision-date").get_text()
    # Before approval the form is the way to record: not folded.
    assert not page.select("details.correction") and page.select_one("#ordre-du-jour form textarea")


def test_objet_only_when_it_adds_information(client_for, dossier, seance, user):
    fiche = FicheFactory(dossier=dossier, titre="Rénovation de la halle")
    services.point_add(seance=seance, titre="Validation de la fiche : Rénovation de la halle", target=fiche, by=user)
    services.point_add(seance=seance, titre="Point sur le commerce", target=fiche, by=user)
    items = content(client_for(dossier, "chef_de_projet").get(seance_url(seance))).select("#ordre-du-jour > li")
    assert "Objet :" not in items[0].get_text()
    assert f"Objet : {fiche}" in " ".join(items[1].get_text().split())


def test_future_seance_wording_and_move_buttons(client_for, dossier, comite, user):
    seance = SeanceFactory(instance=comite)
    for n in range(3):
        services.point_add(seance=seance, titre=f"Point {n}", by=user)
    page = content(client_for(dossier, "chef_de_projet").get(seance_url(seance)))
    text = " ".join(page.get_text().split())
    for awkward in ("s'approuvera", "s'enregistreront", "se saisiront"):
        assert awkward not in text
    assert "Le compte rendu pourra être approuvé une fois la séance tenue." in text
    assert "les décisions pourront être enregistrées une fois la séance tenue" in text
    assert "les présences pourront être saisies une fois la séance tenue" in text
    buttons = [[b["value"] for b in li.select("button[name=sens]")] for li in page.select("#ordre-du-jour > li")]
    assert buttons == [["bas"], ["haut", "bas"], ["haut"]]


def test_attendance_column_is_participation(client_for, dossier, seance):
    MembreInstanceFactory(instance=seance.instance)
    page = content(client_for(dossier, "chef_de_projet").get(seance_url(seance)))
    assert [th.get_text(strip=True) for th in page.select("#presences thead th")][-1] == "Participation"


def test_no_django_empty_choice_on_governance_pages(client_for, dossier, comite, seance):
    client = client_for(dossier, "chef_de_projet")
    kw = {"dossier_pk": dossier.pk}
    for url in (
        reverse("gouvernance:index", kwargs=kw),
        reverse("gouvernance:instance", kwargs=kw | {"pk": comite.pk}),
        seance_url(seance),
    ):
        html = client.get(url).content.decode()
        assert "---------" not in html, url
    instance_page = content(client.get(reverse("gouvernance:instance", kwargs=kw | {"pk": comite.pk})))
    assert instance_page.select_one("select[name=membre-user] option").get_text() == "— Choisir —"


def test_validations_list_omits_the_instance_name(client_for, dossier, comite, seance, user):
    for _ in range(2):
        fiche = FicheFactory(dossier=dossier)
        pending = services.object_submit(dossier=dossier, target=fiche, titre=str(fiche), by=user)
        point = services.point_add(seance=seance, pending=pending, by=user)
        services.decision_record(point=point, resultat="valide", by=user)
    client = client_for(dossier, "chef_de_projet")
    validations = content(client.get(reverse("gouvernance:index", kwargs={"dossier_pk": dossier.pk})))
    text = validations.select_one("#validations").get_text()
    # Both fiches (feminine: « Validée »), each once, with no other state and no instance name.
    assert text.count("Validée") == 2 and text.count("Validé") == 2 and comite.nom not in text
    assert text.count(" le ") == 2
    # Where one state is shown (the fiche), the instance is still named.
    fiche_page = content(client.get(reverse("actions:fiche", kwargs={"dossier_pk": dossier.pk, "fiche_pk": fiche.pk})))
    assert comite.nom in fiche_page.select_one("#validation").get_text()
