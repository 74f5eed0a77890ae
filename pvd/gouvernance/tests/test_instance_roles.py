"""Each type of instance has its own roles: the équipe-projet has a chef de projet and
services, not the comité de projet's président and invités."""

import importlib

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from pvd.gouvernance import services
from pvd.gouvernance.models import ROLES_BY_TYPE, InstanceType, MembreInstance
from pvd.gouvernance.selectors import composition_check

from .factories import InstanceFactory, MembreInstanceFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("pvd.gouvernance.migrations.0008_roles_par_type_instance")


def _role_options(client, dossier, instance):
    url = reverse("gouvernance:instance", kwargs={"dossier_pk": dossier.pk, "pk": instance.pk})
    page = BeautifulSoup(client.get(url).content, "html.parser")
    return {o["value"]: o.get_text(strip=True) for o in page.select("#id_membre-role option") if o["value"]}


def test_the_member_form_offers_only_the_roles_of_the_instance_type(client_for, dossier, comite):
    equipe = InstanceFactory(dossier=dossier, equipe=True, nom="Équipe-projet")
    client = client_for(dossier, "chef_de_projet")
    equipe_roles = _role_options(client, dossier, equipe)
    assert list(equipe_roles) == ROLES_BY_TYPE[InstanceType.EQUIPE_PROJET]
    assert equipe_roles["referent_partenaire"] == "Référent technique d'un partenaire"
    assert equipe_roles["dev_economique"] == "Commerce et développement économique"
    assert "president" not in equipe_roles and "invite" not in equipe_roles
    comite_roles = _role_options(client, dossier, comite)
    assert {"president", "prefet", "chef_de_projet"} <= set(comite_roles)
    assert "urbanisme" not in comite_roles
    participatif = InstanceFactory(dossier=dossier, kind=InstanceType.COMITE_PARTICIPATIF)
    assert {"habitant", "association"} <= set(_role_options(client, dossier, participatif))


def test_the_page_refuses_a_role_of_another_instance_type(client_for, dossier):
    equipe = InstanceFactory(dossier=dossier, equipe=True)
    client = client_for(dossier, "chef_de_projet")
    url = reverse("gouvernance:membre_add", kwargs={"dossier_pk": dossier.pk, "pk": equipe.pk})
    response = client.post(url, {"membre-nom": "M. Dupont", "membre-role": "president"})
    assert response.status_code == 200
    assert not MembreInstance.objects.exists()
    client.post(url, {"membre-nom": "Mme Urba", "membre-role": "urbanisme"})
    assert MembreInstance.objects.get().get_role_display() == "Urbanisme"


def test_the_service_refuses_a_role_not_allowed_for_the_type_in_french(dossier, user):
    equipe = InstanceFactory(dossier=dossier, equipe=True)
    with pytest.raises(ValidationError) as error:
        services.membre_instance_add(instance=equipe, nom="M. Dupont", role="president", by=user)
    message = error.value.message_dict["role"][0]
    assert message.startswith("Ce rôle n'existe pas dans l'équipe-projet. Rôles possibles : Chef de projet,")
    comite = InstanceFactory(dossier=dossier)
    with pytest.raises(ValidationError, match="le comité de projet"):
        services.membre_instance_add(instance=comite, nom="Mme Urba", role="urbanisme", by=user)
    assert not MembreInstance.objects.exists()
    membre = services.membre_instance_add(instance=equipe, nom="Mme Urba", role="urbanisme", by=user)
    assert membre.role == "urbanisme"


def test_the_model_refuses_a_role_of_another_type_too(dossier):
    membre = MembreInstanceFactory.build(instance=InstanceFactory(dossier=dossier, equipe=True), role="invite")
    with pytest.raises(ValidationError) as error:
        membre.full_clean()
    assert "role" in error.value.message_dict


def test_the_composition_check_still_reads_the_comite_roles(dossier, comite, user):
    commune = dossier.communes.get()
    for nom, role, extra in [
        ("Maire", "president", {"commune": commune}),
        ("Président de l'EPCI", "president", {"epci": dossier.epci}),
        ("Cheffe de projet", "chef_de_projet", {}),
        ("Sous-préfet", "prefet", {}),
    ]:
        services.membre_instance_add(instance=comite, nom=nom, role=role, by=user, **extra)
    assert composition_check(comite) == []


def test_the_migration_knows_the_same_roles_as_the_model():
    assert {key: set(roles) for key, roles in ROLES_BY_TYPE.items()} == migration.ROLES_BY_TYPE
    assert set(migration.BACKWARDS.values()) <= set(ROLES_BY_TYPE[InstanceType.COMITE_PROJET])


@pytest.mark.parametrize(
    ("instance_type", "role", "text", "expected"),
    [
        ("equipe_projet", "chef_de_projet", "Cheffe de projet Claire Martin", "chef_de_projet"),
        ("equipe_projet", "partenaire", "Service urbanisme de la ville", "urbanisme"),
        ("equipe_projet", "partenaire", "Chargé de mission habitat", "habitat"),
        ("equipe_projet", "partenaire", "Manager de commerce", "dev_economique"),
        ("equipe_projet", "invite", "Directeur des services techniques", "services_techniques"),
        ("equipe_projet", "financeur", "Banque des Territoires", "referent_partenaire"),
        ("equipe_projet", "president", "Maire", "autre"),
        ("comite_technique", "financeur", "Anah", "financeur"),
        ("comite_technique", "partenaire", "CAUE", "referent_partenaire"),
        ("comite_participatif", "partenaire", "Association des commerçants", "association"),
        ("comite_participatif", "invite", "Conseil citoyen", "habitant"),
        ("comite_participatif", "president", "Maire", "elu"),
        ("comite_projet", "invite", "Architecte", "invite"),
    ],
)
def test_the_migration_maps_existing_members_to_the_new_roles(instance_type, role, text, expected):
    assert migration.new_role(instance_type, role, text) == expected
    assert expected in migration.ROLES_BY_TYPE[instance_type]


def test_the_migration_updates_the_stored_members(dossier, transactional_db):
    # The migration runs on the historical models (`Instance.type`, renamed `kind` later).
    equipe = InstanceFactory(dossier=dossier, equipe=True)
    comite = InstanceFactory(dossier=dossier)
    old = MembreInstanceFactory(instance=equipe, nom="Service urbanisme", role="partenaire")
    kept = MembreInstanceFactory(instance=comite, nom="Invité", role="invite")
    executor = MigrationExecutor(connection)
    before_rename = [("gouvernance", "0009_seance_compte_rendu_approved_by")]
    executor.migrate(before_rename)
    migration.forwards(executor.loader.project_state(before_rename).apps, None)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    old.refresh_from_db(), kept.refresh_from_db()
    assert (old.role, kept.role) == ("urbanisme", "invite")
