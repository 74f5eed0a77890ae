import pytest
from django.urls import reverse

from pvd.comptes.models import User
from pvd.dossiers.tests.factories import MembreFactory
from pvd.territoires.tests.factories import CommuneFactory, OrganisationFactory

from .factories import UserFactory

MODELS = [
    "comptes/user",
    "territoires/region",
    "territoires/departement",
    "territoires/epci",
    "territoires/commune",
    "territoires/organisation",
    "dossiers/dossier",
    "dossiers/membre",
    "dossiers/invitation",
]


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("admin@exemple.fr", "mot-de-passe-admin"))
    MembreFactory()
    CommuneFactory()
    OrganisationFactory()
    return client


@pytest.mark.parametrize("model", MODELS)
def test_superuser_opens_changelists(admin_client, model):
    app_label, model_name = model.split("/")
    response = admin_client.get(reverse(f"admin:{app_label}_{model_name}_changelist"), {"q": "a"})
    assert response.status_code == 200
    response = admin_client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1 or model_name == "invitation"


def test_superuser_opens_change_pages(admin_client):
    membre = MembreFactory()
    commune = CommuneFactory()
    for url in [
        reverse("admin:comptes_user_change", args=[membre.user.pk]),
        reverse("admin:comptes_user_add"),
        reverse("admin:dossiers_dossier_change", args=[membre.dossier.pk]),
        reverse("admin:territoires_commune_change", args=[commune.pk]),
    ]:
        assert admin_client.get(url).status_code == 200, url
    # Reference data are not created by hand.
    assert admin_client.get(reverse("admin:territoires_commune_add")).status_code == 403


def test_admin_creates_user_by_email(admin_client):
    response = admin_client.post(
        reverse("admin:comptes_user_add"),
        {
            "email": "Nouvelle@Exemple.fr",
            "usable_password": "true",
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="nouvelle@exemple.fr").exists()
    response = admin_client.post(
        reverse("admin:comptes_user_add"),
        {"email": "NOUVELLE@exemple.fr", "usable_password": "false"},
    )
    assert response.status_code == 200
    assert "Un compte existe déjà" in response.content.decode()


def test_admin_refused_to_non_staff(client, db):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:comptes_user_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
