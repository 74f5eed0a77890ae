"""Decisions: one per object in a séance, only once the séance is held, always by someone, none
after the minutes are approved; how they read (labels agreeing with their object, dates, folded
corrections, the validations list)."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pvd.actions.tests.factories import FicheFactory
from pvd.conventions import services as convention_services
from pvd.conventions.models import ConventionType
from pvd.documents.tests.factories import DocumentFactory
from pvd.gouvernance import services
from pvd.gouvernance.models import Decision
from pvd.gouvernance.selectors import validation_state
from pvd.strategie.tests.factories import AxeFactory
from tests.utils import main

from .factories import SeanceFactory

pytestmark = pytest.mark.django_db


def seance_url(seance, name="gouvernance:seance"):
    return reverse(name, kwargs={"dossier_pk": seance.instance.dossier_id, "pk": seance.pk})


def test_corrections_are_folded_and_decisions_dated_by_the_seance(client_for, dossier, seance, user):
    points = [services.point_add(seance=seance, titre=f"Point {n}", by=user) for n in range(3)]
    for point in points:
        services.decision_record(point=point, resultat="valide", by=user)
    services.seance_set_minutes(seance=seance, compte_rendu="Compte rendu.", by=user)
    services.seance_approve_minutes(seance=seance, by=user)
    # Recorded a week after the séance: the séance date leads, the record date follows.
    Decision.objects.update(created_at=seance.date + datetime.timedelta(days=7))
    page = main(client_for(dossier, "chef_de_projet").get(seance_url(seance)))
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
    page = main(client_for(dossier, "chef_de_projet").get(seance_url(seance)))
    assert "enregistrée le" not in page.select_one(".decision-date").get_text()
    # Before approval the form is the way to record: not folded.
    assert not page.select("details.correction") and page.select_one("#ordre-du-jour form textarea")


def test_validations_list_omits_the_instance_name(client_for, dossier, comite, seance, user):
    for _ in range(2):
        fiche = FicheFactory(dossier=dossier)
        pending = services.object_submit(dossier=dossier, target=fiche, titre=str(fiche), by=user)
        point = services.point_add(seance=seance, pending=pending, by=user)
        services.decision_record(point=point, resultat="valide", by=user)
    client = client_for(dossier, "chef_de_projet")
    validations = main(client.get(reverse("gouvernance:index", kwargs={"dossier_pk": dossier.pk})))
    text = validations.select_one("#validations").get_text()
    # Both fiches (feminine: « Validée »), each once, with no other state and no instance name.
    assert text.count("Validée") == 2 and text.count("Validé") == 2 and comite.nom not in text
    assert text.count(" le ") == 2
    # Where one state is shown (the fiche), the instance is still named.
    fiche_page = main(client.get(reverse("actions:fiche", kwargs={"dossier_pk": dossier.pk, "fiche_pk": fiche.pk})))
    assert comite.nom in fiche_page.select_one("#validation").get_text()


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
    from django.core.exceptions import ValidationError

    from pvd.gouvernance import services

    from .factories import SeanceFactory

    future = SeanceFactory(instance=comite)
    point = services.point_add(seance=future, titre="Budget", by=user)
    with pytest.raises(ValidationError, match="n'a pas encore eu lieu"):
        services.decision_record(point=point, resultat="valide", by=user)
    client = client_for(dossier, "chef_de_projet")
    kw = {"dossier_pk": dossier.pk, "pk": future.pk}
    # Posted by hand (the page has no form): as read with no décision yet (pvd.core.concurrency).
    response = client.post(
        reverse("gouvernance:decision", kwargs=kw | {"point_pk": point.pk}), {"resultat": "valide", "version_lue": "0"}
    )
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


def test_no_decision_on_an_undecided_point_once_the_minutes_are_approved(user, seance):
    decided = services.point_add(seance=seance, titre="Budget", by=user)
    undecided = services.point_add(seance=seance, titre="Information", by=user)
    services.decision_record(point=decided, resultat="valide", by=user)
    services.seance_set_minutes(seance=seance, compte_rendu="Le comité a délibéré.", by=user)
    services.seance_approve_minutes(seance=seance, by=user)
    undecided.seance = SeanceFactory.build(pk=seance.pk, instance=seance.instance, date=seance.date)  # stale copy
    assert undecided.seance.compte_rendu_approuve_le is None
    with pytest.raises(ValidationError) as error:
        services.decision_record(point=undecided, resultat="valide", by=user)
    assert error.value.messages == [
        "Le compte rendu de cette séance est approuvé : ses décisions ne peuvent plus changer."
    ]
    assert not Decision.objects.filter(point=undecided).exists()


def _decide(dossier, seance, target, resultat, user):
    point = services.object_submit(dossier=dossier, target=target, titre=str(target), by=user)
    point = services.point_add(seance=seance, pending=point, by=user)
    services.decision_record(point=point, resultat=resultat, by=user)
    return point


def test_validation_labels_agree_with_the_target(dossier, seance, user):
    fiche = FicheFactory(dossier=dossier)
    convention = convention_services.convention_create(dossier=dossier, kind=ConventionType.ADHESION)
    axe = AxeFactory(dossier=dossier)
    document = DocumentFactory(dossier=dossier)
    assert validation_state(fiche).label == "Non soumise"
    assert validation_state(convention).label == "Non soumise"
    assert validation_state(axe).label == "Non soumis"
    assert validation_state(document).label == "Non soumis"
    services.object_submit(dossier=dossier, target=fiche, titre="Fiche", by=user)
    assert validation_state(fiche).label == "Soumise au comité de projet"
    _decide(dossier, seance, convention, "ajourne", user)
    _decide(dossier, seance, axe, "valide", user)
    other = FicheFactory(dossier=dossier)
    _decide(dossier, seance, other, "rejete", user)
    assert (validation_state(convention).label, validation_state(convention).code) == ("Ajournée", "ajourne")
    assert (validation_state(axe).label, validation_state(axe).code) == ("Validé", "valide")
    assert (validation_state(other).label, validation_state(other).code) == ("Rejetée", "rejete")


def test_decision_on_the_seance_page_agrees_with_its_target(client_for, dossier, seance, user):
    fiche = FicheFactory(dossier=dossier)
    axe = AxeFactory(dossier=dossier)
    on_fiche = _decide(dossier, seance, fiche, "ajourne", user)
    on_axe = _decide(dossier, seance, axe, "valide", user)
    page = main(client_for(dossier, "chef_de_projet").get(seance_url(seance)))
    decision = page.select_one(f'li[data-point="{on_fiche.pk}"] .decision strong').get_text(strip=True)
    assert decision == "Ajournée"
    assert page.select_one(f'li[data-point="{on_axe.pk}"] .decision strong').get_text(strip=True) == "Validé"
