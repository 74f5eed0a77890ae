"""Gaps found by the audit: decisions after approval (service), a second comité created at the
same time, gender-neutral messages, what the admin may not rewrite."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pvd.dossiers.tests.factories import DossierFactory
from pvd.gouvernance import services
from pvd.gouvernance.models import Decision, Instance, InstanceType, MembreInstance, Presence, Seance

from .factories import InstanceFactory, MembreInstanceFactory, SeanceFactory

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    """The messages shown on the page the response redirects to (follow=True)."""
    return [str(message) for message in response.context["messages"]]


def _approve(seance, membre=None):
    if membre is not None:
        Presence.objects.create(seance=seance, membre=membre, statut="present")
    Seance.objects.filter(pk=seance.pk).update(compte_rendu="CR", compte_rendu_approuve_le=timezone.now())


# Decisions


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


# One comité de projet per dossier, even when two creations cross


def test_a_second_comite_created_at_the_same_time_is_refused_in_french(user, dossier, comite, monkeypatch):
    # The other request's comité is saved between our checks and our save: simulate it by
    # letting the pre-check and the model validation pass once.
    calls = []
    real = services._has_comite

    def racing(dossier_):
        calls.append(dossier_)
        return False if len(calls) == 1 else real(dossier_)

    monkeypatch.setattr(services, "_has_comite", racing)
    monkeypatch.setattr(Instance, "validate_constraints", lambda self, exclude=None: None)
    with pytest.raises(ValidationError) as error:
        services.instance_create(dossier=dossier, type=InstanceType.COMITE_PROJET, nom="Bis", by=user)
    assert error.value.message_dict == {"type": ["Ce dossier a déjà un comité de projet."]}
    # The transaction is still usable and holds a single comité.
    assert list(Instance.objects.filter(dossier=dossier, type=InstanceType.COMITE_PROJET)) == [comite]


def test_the_pre_check_says_the_same(user, dossier, comite):
    with pytest.raises(ValidationError) as error:
        services.instance_create(dossier=dossier, type=InstanceType.COMITE_PROJET, nom="Bis", by=user)
    assert error.value.message_dict == {"type": ["Ce dossier a déjà un comité de projet."]}


# Messages


def test_member_messages_are_gender_neutral(client_for, dossier, comite):
    client = client_for(dossier, "chef_de_projet")
    url = reverse("gouvernance:instance", kwargs={"dossier_pk": dossier.pk, "pk": comite.pk})
    data = {"action": "membre", "membre-nom": "Camille Petit", "membre-role": "partenaire"}
    response = client.post(url, data, follow=True)
    assert _messages(response) == ["Membre ajouté à l'instance : Camille Petit."]
    membre = MembreInstance.objects.get(nom="Camille Petit")
    kw = {"dossier_pk": dossier.pk, "pk": comite.pk, "membre_pk": membre.pk}
    response = client.post(reverse("gouvernance:membre_end", kwargs=kw), {"fin": "2020-01-01"}, follow=True)
    assert _messages(response) == ["Fin de participation à l'instance enregistrée : Camille Petit."]
    response = client.post(reverse("gouvernance:membre_remove", kwargs=kw), follow=True)
    assert _messages(response) == ["Membre retiré de l'instance : Camille Petit."]


# The admin


def _admin_form(admin_client, url) -> tuple[BeautifulSoup, dict]:
    """The change form and the data it would post as it stands."""
    form = BeautifulSoup(admin_client.get(url).content, "html.parser").select_one("#content form")
    data = {}
    for field in form.select("input[name], select[name], textarea[name]"):
        name = field["name"]
        if field.name == "select":
            selected = field.select_one("option[selected]")
            data[name] = selected["value"] if selected else ""
        elif field.name == "textarea":
            data[name] = field.get_text()
        elif field.get("type") == "checkbox":
            if field.has_attr("checked"):
                data[name] = "on"
        elif field.get("type") not in ("submit", "button"):
            data[name] = field.get("value", "")
    return form, data


def test_admin_cannot_change_an_instance_type_or_dossier(admin_client, dossier):
    technique = InstanceFactory(dossier=dossier, technique=True, nom="Comité technique habitat")
    url = reverse("admin:gouvernance_instance_change", args=[technique.pk])
    form, data = _admin_form(admin_client, url)
    assert not form.select("[name=type]") and not form.select("[name=dossier]")
    assert form.select("[name=nom]")
    response = admin_client.post(
        url, {**data, "nom": "Comité habitat", "type": InstanceType.COMITE_PROJET, "dossier": DossierFactory().pk}
    )
    assert response.status_code == 302
    technique.refresh_from_db()
    assert technique.nom == "Comité habitat"
    assert technique.type == InstanceType.COMITE_TECHNIQUE and technique.dossier == dossier
    # Adding an instance still sets them.
    add = BeautifulSoup(admin_client.get(reverse("admin:gouvernance_instance_add")).content, "html.parser")
    assert add.select("[name=type]") and add.select("[name=dossier]")


def test_admin_cannot_rename_a_member_on_an_approved_attendance_list(admin_client, comite, seance):
    present = MembreInstanceFactory(instance=comite, nom="Mme Durand")
    other = MembreInstanceFactory(instance=comite, nom="M. Martin")
    _approve(seance, present)
    url = reverse("admin:gouvernance_instance_change", args=[comite.pk])
    form, data = _admin_form(admin_client, url)
    rows = {data[f"membres-{i}-id"]: i for i in range(int(data["membres-TOTAL_FORMS"]))}
    locked, free = rows[str(present.pk)], rows[str(other.pk)]
    assert form.select_one(f"[name=membres-{locked}-nom]").has_attr("disabled")
    assert not form.select_one(f"[name=membres-{free}-nom]").has_attr("disabled")
    data.update({f"membres-{locked}-nom": "Mme Réécrite", f"membres-{free}-nom": "M. Martin-Leroy"})
    response = admin_client.post(url, data)
    assert response.status_code == 302
    present.refresh_from_db()
    other.refresh_from_db()
    assert present.nom == "Mme Durand" and other.nom == "M. Martin-Leroy"
