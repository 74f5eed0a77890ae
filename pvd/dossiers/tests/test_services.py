import pytest
from django.core.exceptions import ValidationError

from pvd.comptes.tests.factories import UserFactory
from pvd.dossiers import services
from pvd.dossiers.models import Dossier, Invitation, Membre, Role
from pvd.dossiers.tests.factories import MembreFactory

pytestmark = pytest.mark.django_db


def test_dossier_create_refuses_a_commune_of_another_dossier_in_progress(dossier):
    commune = dossier.communes.get()
    with pytest.raises(ValidationError) as error:
        services.dossier_create(nom="Doublon", communes=[commune], epci=commune.epci, by=UserFactory())
    assert f"{commune} (dossier « {dossier.nom} »)" in error.value.message_dict["communes"][0]
    assert Dossier.objects.count() == 1 and not Membre.objects.exists()


def test_dossier_create_validates_the_chef_membership(dossier, monkeypatch):
    from pvd.territoires.tests.factories import CommuneFactory

    def refuse(self, *args, **kwargs):
        raise ValidationError({"role": "Refusé par la validation."})

    monkeypatch.setattr(Membre, "full_clean", refuse)
    commune = CommuneFactory()
    with pytest.raises(ValidationError, match="Refusé par la validation"):
        services.dossier_create(
            nom="Nouveau", communes=[commune], epci=commune.epci, by=UserFactory(anct=True), chef=UserFactory()
        )
    assert not commune.dossiers.exists()


def test_invitation_create_is_validated(dossier):
    chef = MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET).user
    with pytest.raises(ValidationError) as error:
        services.invitation_create(
            dossier=dossier, email="pas-une-adresse", role=Role.ELU, by=chef, base_url="http://testserver/"
        )
    assert "email" in error.value.message_dict
    assert not Invitation.objects.exists()


def test_membre_set_role_is_validated(dossier):
    chef = MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET)
    lecteur = MembreFactory(dossier=dossier, role=Role.LECTEUR)
    # Full validation of the row: a stale membership pointing at a user who is already a member is refused.
    lecteur.user = chef.user
    with pytest.raises(ValidationError):
        services.membre_set_role(membre=lecteur, role=Role.EQUIPE, by=chef.user)
    lecteur.refresh_from_db()
    assert lecteur.role == Role.LECTEUR
    services.membre_set_role(membre=lecteur, role=Role.EQUIPE, by=chef.user)
    lecteur.refresh_from_db()
    assert lecteur.role == Role.EQUIPE


def test_dossier_update_refused_leaves_the_instance_unchanged(dossier):
    nom = dossier.nom
    with pytest.raises(ValidationError):
        services.dossier_update(dossier=dossier, nom="   ", pvd_id="x" * 30)
    assert (dossier.nom, dossier.pvd_id) == (nom, "")  # the page title still shows the saved name
    dossier.refresh_from_db()
    assert dossier.nom == nom
    services.dossier_update(dossier=dossier, nom=" Nouveau nom ", pvd_id="pvd-1")
    assert (dossier.nom, dossier.pvd_id) == ("Nouveau nom", "pvd-1")
    dossier.refresh_from_db()
    assert (dossier.nom, dossier.pvd_id) == ("Nouveau nom", "pvd-1")


def test_optional_provider_tolerates_only_an_app_not_built(tmp_path, monkeypatch):
    from pvd.dossiers.steps import optional_provider

    assert optional_provider("pvd.bilan.steps.bilan") is None  # no app
    assert optional_provider("pvd.territoires.steps.territoires") is None  # the app, without such a module
    assert optional_provider("pvd.dossiers.steps.dossier_steps").__name__ == "dossier_steps"
    with pytest.raises(AttributeError):
        optional_provider("pvd.dossiers.steps.fonction_absente")
    package = tmp_path / "appli_cassee"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "steps.py").write_text("import module_absent_de_la_plateforme\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError, match="module_absent_de_la_plateforme"):
        optional_provider("appli_cassee.steps.etat")


def test_dossier_list_order_is_stable_for_same_names(dossier):
    from pvd.dossiers import selectors

    qs = selectors.dossier_list(user=UserFactory(anct=True))
    assert qs.query.order_by == ("nom", "pk")
