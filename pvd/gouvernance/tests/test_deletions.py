"""Deleting a séance or a decision moves it to the bin (issue 14): who may, what is refused (a
séance that holds decisions or approved minutes, a decision that validated an object, one in a
correction chain), and the chef de projet's restore bringing everything back with its history."""

import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import ALL_VIEWERS
from pvd.actions.tests.factories import FicheFactory
from pvd.gouvernance import services
from pvd.gouvernance.models import ConvocationEnvoi, Decision, PointOrdreDuJour, Presence, PresenceStatut, Seance
from pvd.gouvernance.selectors import validation_state
from pvd.journal.models import Corbeille
from pvd.journal.services import corbeille_restore
from tests.utils import assert_refused, main

from .factories import MembreInstanceFactory, SeanceFactory

pytestmark = pytest.mark.django_db

EDITORS = ("chef_de_projet", "equipe")


def _seance_delete_url(seance):
    return reverse("gouvernance:seance_delete", kwargs={"dossier_pk": seance.instance.dossier_id, "pk": seance.pk})


def _decision_delete_url(decision):
    seance = decision.point.seance
    return reverse(
        "gouvernance:decision_delete",
        kwargs={"dossier_pk": seance.instance.dossier_id, "pk": seance.pk, "decision_pk": decision.pk},
    )


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_seance_delete_per_role(client_for, dossier, comite, kind):
    seance = SeanceFactory(instance=comite)
    client = client_for(dossier, kind)
    confirm = client.get(_seance_delete_url(seance))
    response = client.post(_seance_delete_url(seance))
    if kind in EDITORS:
        assert confirm.status_code == 200
        assert "corbeille" in main(confirm).get_text()
        assert response.status_code == 302
        assert not Seance.objects.filter(pk=seance.pk).exists()
        assert Corbeille.objects.get(dossier_ref=dossier.pk).deleted_by == client.user
    else:
        assert_refused(confirm, kind)
        assert_refused(response, kind)
        assert Seance.objects.filter(pk=seance.pk).exists()


def test_seance_delete_link_only_for_editors(client_for, dossier, comite):
    seance = SeanceFactory(instance=comite)
    url = reverse("gouvernance:seance", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk})
    assert main(client_for(dossier, "equipe").get(url)).select_one("#seance-delete")
    assert not main(client_for(dossier, "elu").get(url)).select_one("#seance-delete")


def test_seance_with_a_decision_refused(client_for, dossier, seance, user):
    point = services.point_add(seance=seance, titre="Information", by=user)
    services.decision_record(point=point, resultat="ajourne", by=user)
    with pytest.raises(ValidationError, match="Des décisions ont été prises"):
        services.seance_delete(seance=seance, by=user)
    response = client_for(dossier, "chef_de_projet").post(_seance_delete_url(seance), follow=True)
    assert "Des décisions ont été prises" in html.unescape(response.content.decode())
    assert Seance.objects.filter(pk=seance.pk).exists() and not Corbeille.objects.exists()


def test_seance_with_approved_minutes_refused(seance, user):
    services.seance_set_minutes(seance=seance, compte_rendu="Rien à signaler.", by=user)
    services.seance_approve_minutes(seance=seance, by=user)
    with pytest.raises(ValidationError, match="compte rendu de cette séance est approuvé"):
        services.seance_delete(seance=seance, by=user)
    assert Seance.objects.filter(pk=seance.pk).exists()


def test_seance_round_trip(dossier, seance, user):
    """The séance comes back with its agenda (a submitted fiche still submitted), its attendance,
    its convocations sent and its history; séances hold no file (their PDFs are generated)."""
    membre = MembreInstanceFactory(instance=seance.instance)
    fiche = FicheFactory(dossier=dossier)
    on_fiche = services.point_add(seance=seance, titre="Fiche", target=fiche, by=user)
    libre = services.point_add(seance=seance, titre="Questions diverses", by=user)
    services.presences_record(seance=seance, statuts={membre: PresenceStatut.PRESENT}, by=user)
    ConvocationEnvoi.objects.create(seance=seance, membre=membre)
    services.seance_update(seance=seance, date=seance.date, lieu="Salle du conseil", by=user)
    seance_pk = seance.pk
    history_before = Seance.history.filter(id=seance_pk).count()
    assert validation_state(fiche).code == "soumis"

    services.seance_delete(seance=seance, by=user)
    assert not Seance.objects.filter(pk=seance_pk).exists()
    assert not PointOrdreDuJour.objects.filter(pk__in=[on_fiche.pk, libre.pk]).exists()
    assert not Presence.objects.filter(seance_id=seance_pk).exists()
    entry = Corbeille.objects.get()
    assert entry.item_count == 5  # séance, 2 points, 1 présence, 1 convocation

    restored = corbeille_restore(entry=entry, by=user)
    assert restored.pk == seance_pk and restored.lieu == "Salle du conseil"
    assert set(PointOrdreDuJour.objects.filter(seance_id=seance_pk).values_list("pk", flat=True)) == {
        on_fiche.pk,
        libre.pk,
    }
    assert Presence.objects.get(seance_id=seance_pk, membre=membre).statut == PresenceStatut.PRESENT
    assert ConvocationEnvoi.objects.filter(seance_id=seance_pk, membre=membre).exists()
    assert validation_state(fiche).code == "soumis"
    types = list(Seance.history.filter(id=seance_pk).order_by("history_id").values_list("history_type", flat=True))
    assert len(types) == history_before + 2 and types[-2:] == ["-", "+"]
    assert not Corbeille.objects.exists()


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_decision_delete_per_role(client_for, dossier, seance, user, kind):
    point = services.point_add(seance=seance, titre="Information", by=user)
    decision = services.decision_record(point=point, resultat="ajourne", by=user)
    client = client_for(dossier, kind)
    confirm = client.get(_decision_delete_url(decision))
    response = client.post(_decision_delete_url(decision))
    if kind in EDITORS:
        assert confirm.status_code == 200
        assert response.status_code == 302
        assert not Decision.objects.filter(pk=decision.pk).exists()
    else:
        assert_refused(confirm, kind)
        assert_refused(response, kind)
        assert Decision.objects.filter(pk=decision.pk).exists()


def test_decision_that_validated_an_object_refused(client_for, dossier, seance, user):
    fiche = FicheFactory(dossier=dossier)
    point = services.point_add(seance=seance, titre="Fiche", target=fiche, by=user)
    decision = services.decision_record(point=point, resultat="valide", by=user)
    with pytest.raises(ValidationError, match="a validé l'objet du point"):
        services.decision_delete(decision=decision, by=user)
    response = client_for(dossier, "equipe").post(_decision_delete_url(decision), follow=True)
    assert "a validé l'objet du point" in html.unescape(response.content.decode())
    assert validation_state(fiche).code == "valide"


def test_decision_after_approval_or_in_a_correction_refused(seance, user):
    point = services.point_add(seance=seance, titre="Information", by=user)
    decision = services.decision_record(point=point, resultat="rejete", by=user)
    services.seance_set_minutes(seance=seance, compte_rendu="Compte rendu.", by=user)
    services.seance_approve_minutes(seance=seance, by=user)
    with pytest.raises(ValidationError, match="approuvé"):
        services.decision_delete(decision=decision, by=user)
    correction = services.decision_correct(decision=decision, resultat="ajourne", texte="Erreur.", by=user)
    Seance.objects.filter(pk=seance.pk).update(compte_rendu_approuve_le=None)
    for target in (decision, correction):
        with pytest.raises(ValidationError, match="correction"):
            services.decision_delete(decision=target, by=user)
    assert Decision.objects.count() == 2


def test_decision_round_trip(dossier, seance, user):
    """A rejection deleted by mistake: the fiche is submitted again, then rejected once restored."""
    fiche = FicheFactory(dossier=dossier)
    point = services.point_add(seance=seance, titre="Fiche", target=fiche, by=user)
    decision = services.decision_record(point=point, resultat="rejete", texte="Trop cher.", by=user)
    services.decision_update(decision=decision, resultat="rejete", texte="Trop cher, à revoir.", by=user)
    decision_pk = decision.pk
    services.decision_delete(decision=decision, by=user)
    assert not Decision.objects.filter(pk=decision_pk).exists()
    assert validation_state(fiche).code == "soumis"

    restored = corbeille_restore(entry=Corbeille.objects.get(), by=user)
    assert restored.pk == decision_pk and restored.texte == "Trop cher, à revoir."
    assert restored.point_id == point.pk and restored.recorded_by == user
    assert validation_state(fiche).code == "rejete"
    types = list(Decision.history.filter(id=decision_pk).order_by("history_id").values_list("history_type", flat=True))
    assert types == ["+", "~", "-", "+"]
