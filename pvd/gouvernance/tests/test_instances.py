"""Instances and their members: composition completed through the page, one comité de projet
per dossier, an existing local body, former members, messages and the members table."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import ALL_VIEWERS
from pvd.gouvernance import services
from pvd.gouvernance.models import Instance, InstanceType, MembreInstance, Presence, Seance
from pvd.gouvernance.selectors import composition_check
from pvd.territoires.models import Organisation, OrganisationType
from tests.utils import edit_fields, main, refusal_status

from .factories import MembreInstanceFactory, SeanceFactory

pytestmark = pytest.mark.django_db


def _missing(client, url):
    return [li.get_text(" ", strip=True) for li in main(client.get(url)).select("#composition li")]


def test_composition_completed_through_the_member_form(client_for, dossier, comite):
    commune, epci = dossier.communes.get(), dossier.epci
    client = client_for(dossier, "chef_de_projet")
    url = reverse("gouvernance:instance", kwargs={"dossier_pk": dossier.pk, "pk": comite.pk})
    page = main(client.get(url))
    options = {o.get_text(): o["value"] for o in page.select("#id_membre-organisation option")}
    # The collectivités' organisations are always offered (created on first display, once).
    mairie = Organisation.objects.get(kind=OrganisationType.COMMUNE, commune=commune)
    epci_organisation = Organisation.objects.get(kind=OrganisationType.EPCI, epci=epci)
    assert options[f"Commune de {commune.nom}"] == str(mairie.pk)
    assert options[epci.nom] == str(epci_organisation.pk)
    assert len(_missing(client, url)) == 4

    add_url = reverse("gouvernance:membre_add", kwargs={"dossier_pk": dossier.pk, "pk": comite.pk})

    def add(nom, role, organisation=""):
        data = {"membre-nom": nom, "membre-role": role, "membre-organisation": organisation}
        assert client.post(add_url, data).status_code == 302

    add("Maire", "president", mairie.pk)
    missing = _missing(client, url)
    assert not any(commune.nom in item for item in missing) and len(missing) == 3
    organisation = Organisation.objects.get(kind=OrganisationType.COMMUNE)
    assert organisation.commune == commune and organisation.nom == f"Commune de {commune.nom}"

    add("Président de l'EPCI", "president", epci_organisation.pk)
    assert not any(epci.nom in item for item in _missing(client, url))
    assert Organisation.objects.get(kind=OrganisationType.EPCI).epci == epci

    add("Cheffe de projet", "chef_de_projet", mairie.pk)
    assert "Le chef de projet Petites villes de demain" not in _missing(client, url)
    add("Sous-préfet", "prefet")
    assert _missing(client, url) == []
    # The commune's organisation was reused, not duplicated.
    assert Organisation.objects.filter(kind=OrganisationType.COMMUNE).count() == 1
    assert composition_check(comite) == []


def test_member_form_refuses_a_commune_of_another_dossier(client_for, dossier, comite):
    from pvd.territoires.services import commune_organisation
    from pvd.territoires.tests.factories import CommuneFactory

    other = commune_organisation(CommuneFactory())
    client = client_for(dossier, "chef_de_projet")
    url = reverse("gouvernance:membre_add", kwargs={"dossier_pk": dossier.pk, "pk": comite.pk})
    data = {"membre-nom": "X", "membre-role": "president"}
    data["membre-organisation"] = other.pk
    response = client.post(url, data)
    assert response.status_code == 200 and not comite.membres.exists()


def test_existing_local_body_declared_at_creation(client_for, dossier):
    from pvd.gouvernance.models import Instance

    client = client_for(dossier, "chef_de_projet")
    url = reverse("gouvernance:index", kwargs={"dossier_pk": dossier.pk})
    data = {"kind": "comite_technique", "nom": "Comité habitat", "instance_existante": "oui"}
    data["nom_instance_existante"] = "Copil ORT"
    response = client.post(url, data)
    assert response.status_code == 200 and not Instance.objects.exists()
    assert "Seul le comité de projet" in main(response).get_text()
    response = client.post(url, data | {"kind": "comite_projet", "nom_instance_existante": ""})
    assert "nom de l'instance locale existante" in main(response).get_text() and not Instance.objects.exists()
    response = client.post(url, data | {"kind": "comite_projet", "nom": "Comité de projet"})
    instance = Instance.objects.get()
    assert instance.instance_existante and instance.nom_instance_existante == "Copil ORT"
    assert "Copil ORT" in main(client.get(response.url)).select_one("#instance-existante").get_text()


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
        services.instance_create(dossier=dossier, kind=InstanceType.COMITE_PROJET, nom="Bis", by=user)
    assert error.value.message_dict == {"kind": ["Ce dossier a déjà un comité de projet."]}
    # The transaction is still usable and holds a single comité.
    assert list(Instance.objects.filter(dossier=dossier, kind=InstanceType.COMITE_PROJET)) == [comite]


def test_the_pre_check_says_the_same(user, dossier, comite):
    with pytest.raises(ValidationError) as error:
        services.instance_create(dossier=dossier, kind=InstanceType.COMITE_PROJET, nom="Bis", by=user)
    assert error.value.message_dict == {"kind": ["Ce dossier a déjà un comité de projet."]}


def _messages(response) -> list[str]:
    """The messages shown on the page the response redirects to (follow=True)."""
    return [str(message) for message in response.context["messages"]]


def _fin_fields(client, kw) -> dict:
    """The hidden fields of a member's end-of-mandate form on the instance page (its version)."""
    page = reverse("gouvernance:instance", kwargs={"dossier_pk": kw["dossier_pk"], "pk": kw["pk"]})
    return edit_fields(client, page, reverse("gouvernance:membre_end", kwargs=kw))


def test_member_messages_are_gender_neutral(client_for, dossier, comite):
    client = client_for(dossier, "chef_de_projet")
    url = reverse("gouvernance:membre_add", kwargs={"dossier_pk": dossier.pk, "pk": comite.pk})
    data = {"membre-nom": "Camille Petit", "membre-role": "partenaire"}
    response = client.post(url, data, follow=True)
    assert _messages(response) == ["Membre ajouté à l'instance : Camille Petit."]
    membre = MembreInstance.objects.get(nom="Camille Petit")
    kw = {"dossier_pk": dossier.pk, "pk": comite.pk, "membre_pk": membre.pk}
    data = {"fin": "2020-01-01", **_fin_fields(client, kw)}
    response = client.post(reverse("gouvernance:membre_end", kwargs=kw), data, follow=True)
    assert _messages(response) == ["Fin de participation à l'instance enregistrée : Camille Petit."]
    response = client.post(reverse("gouvernance:membre_remove", kwargs=kw), follow=True)
    assert _messages(response) == ["Membre retiré de l'instance : Camille Petit."]


def test_member_table_is_narrow_and_folds_the_end_of_term_form(client_for, dossier, comite):
    membre = MembreInstanceFactory(instance=comite, nom="Claire Martin", fonction="Cheffe de projet")
    url = reverse("gouvernance:instance", kwargs={"dossier_pk": dossier.pk, "pk": comite.pk})
    response = client_for(dossier, "chef_de_projet").get(url)
    assert "{#" not in response.content.decode()  # a template comment left in the page
    table = main(response).select_one("#membres")
    assert [th.get_text(strip=True) for th in table.select("thead th")] == ["Membre", "Organisation", "Rôle", "Actions"]
    row = table.select_one(f'tr[data-membre="{membre.pk}"]')
    assert "Cheffe de projet" in row.select_one("th").get_text()
    # The date field of the end of term is inside a <details>: rows stay one or two lines high.
    assert row.select_one("details input[type=date]") is not None
    assert all(field.find_parent("details") for field in table.select("input[type=date]"))
    reader = main(client_for(dossier, "lecteur").get(url)).select_one("#membres")
    assert [th.get_text(strip=True) for th in reader.select("thead th")] == ["Membre", "Organisation", "Rôle"]


TEAM = {"chef_de_projet", "equipe"}


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
    data = {"fin": "2020-01-01", **_fin_fields(client, kw)}
    response = client.post(reverse("gouvernance:membre_end", kwargs=kw), data)
    assert response.status_code == 302
    assert MembreInstance.objects.get(pk=membre.pk).is_ancien
    page = main(client.get(reverse("gouvernance:seance", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk})))
    assert "M. Ancien" in page.select_one("#presences").get_text()  # the approved minutes are unchanged
    later = SeanceFactory(instance=seance.instance, passee=True)  # held after the end of term
    page = main(client.get(reverse("gouvernance:seance", kwargs={"dossier_pk": dossier.pk, "pk": later.pk})))
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
    data = {"fin": "2020-01-01", **_fin_fields(client, kw)}
    response = client.post(reverse("gouvernance:membre_end", kwargs=kw), data)
    membre.refresh_from_db()
    if kind in TEAM:
        assert response.status_code == 302 and membre.fin is not None
    else:
        assert response.status_code == refusal_status(kind)
        assert membre.fin is None


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
        assert response.status_code == refusal_status(kind)
        assert exists
