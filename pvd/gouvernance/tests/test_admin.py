"""The governance in the admin: every model listed, decisions read-only, an instance's type and
dossier fixed, members of approved attendance lists not renamed."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from pvd.dossiers.tests.factories import DossierFactory
from pvd.gouvernance import services
from pvd.gouvernance.models import Decision, InstanceType, Presence, Seance

from .factories import InstanceFactory, MembreInstanceFactory

pytestmark = pytest.mark.django_db


def test_admin_lists_the_governance_and_decisions_are_read_only(client, seance, user):
    from pvd.comptes.models import User

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


def _approve(seance, membre=None):
    if membre is not None:
        Presence.objects.create(seance=seance, membre=membre, statut="present")
    Seance.objects.filter(pk=seance.pk).update(compte_rendu="CR", compte_rendu_approuve_le=timezone.now())


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
    assert not form.select("[name=kind]") and not form.select("[name=dossier]")
    assert form.select("[name=nom]")
    response = admin_client.post(
        url, {**data, "nom": "Comité habitat", "kind": InstanceType.COMITE_PROJET, "dossier": DossierFactory().pk}
    )
    assert response.status_code == 302
    technique.refresh_from_db()
    assert technique.nom == "Comité habitat"
    assert technique.kind == InstanceType.COMITE_TECHNIQUE and technique.dossier == dossier
    # Adding an instance still sets them.
    add = BeautifulSoup(admin_client.get(reverse("admin:gouvernance_instance_add")).content, "html.parser")
    assert add.select("[name=kind]") and add.select("[name=dossier]")


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
