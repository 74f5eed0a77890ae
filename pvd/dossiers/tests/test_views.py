import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.urls import reverse

from conftest import ALL_VIEWERS
from pvd.dossiers.models import Invitation, Membre, Role
from pvd.dossiers.tests.factories import DossierFactory, MembreFactory

pytestmark = pytest.mark.django_db

CAN_VIEW = {"chef_de_projet", "equipe", "elu", "partenaire", "lecteur", "prefecture", "anct"}
CAN_EDIT = {"chef_de_projet", "equipe"}


def main(response):
    return BeautifulSoup(response.content, "html.parser").select_one("#content")


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_dossier_detail_per_viewer(client_for, dossier, kind):
    client = client_for(dossier, kind)
    response = client.get(reverse("dossiers:detail", kwargs={"dossier_pk": dossier.pk}))
    if kind == "anonymous":
        assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]
    elif kind in CAN_VIEW:
        assert response.status_code == 200
        content = main(response)
        assert content.h1.get_text(strip=True) == dossier.nom
        assert len(content.select("#etapes li")) == 8
    else:  # another dossier's member, or a préfecture elsewhere: the dossier does not exist for them
        assert response.status_code == 404


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_dossier_update_per_viewer(client_for, dossier, kind):
    client = client_for(dossier, kind)
    url = reverse("dossiers:update", kwargs={"dossier_pk": dossier.pk})
    response = client.post(url, {"nom": "Nouveau nom"})
    dossier.refresh_from_db()
    if kind in CAN_EDIT:
        assert response.status_code == 302
        assert dossier.nom == "Nouveau nom"
    else:
        assert response.status_code in {302, 403, 404}
        assert dossier.nom != "Nouveau nom"
        if kind in CAN_VIEW:
            assert response.status_code == 403


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_invite_only_by_chef_de_projet(client_for, dossier, kind):
    client = client_for(dossier, kind)
    url = reverse("dossiers:membres", kwargs={"dossier_pk": dossier.pk})
    response = client.post(url, {"email": "nouvel.elu@exemple.fr", "role": "elu"})
    invited = Invitation.objects.filter(dossier=dossier, email="nouvel.elu@exemple.fr").exists()
    if kind == "chef_de_projet":
        assert response.status_code == 302 and invited
        assert len(mail.outbox) == 1
        assert "/comptes/invitation/" in mail.outbox[0].body
    else:
        assert not invited and not mail.outbox
        assert response.status_code == {"anonymous": 302, "outsider": 404, "prefecture_autre": 404}.get(kind, 403)


def test_invitation_accept_creates_account_and_membership(client, dossier):
    chef = MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET).user
    client.force_login(chef)
    client.post(reverse("dossiers:membres", kwargs={"dossier_pk": dossier.pk}), {"email": "elu@exemple.fr", "role": "elu"})
    client.logout()
    invitation = Invitation.objects.get(email="elu@exemple.fr")
    url = reverse("comptes:invitation", args=[invitation.token])
    response = client.post(url, {"first_name": "Élise", "last_name": "Durand", "password": "court"})
    assert response.status_code == 200  # password refused: nothing created
    assert not Membre.objects.filter(user__email="elu@exemple.fr").exists()
    response = client.post(url, {"first_name": "Élise", "last_name": "Durand", "password": "un mot de passe solide"})
    assert response.status_code == 302
    membre = Membre.objects.get(dossier=dossier, user__email="elu@exemple.fr")
    assert membre.role == Role.ELU
    assert client.get(reverse("dossiers:detail", kwargs={"dossier_pk": dossier.pk})).status_code == 200


def test_role_change_keeps_one_chef(client, dossier):
    chef = MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET)
    client.force_login(chef.user)
    url = reverse("dossiers:membre_role", kwargs={"dossier_pk": dossier.pk, "membre_pk": chef.pk})
    client.post(url, {"role": "lecteur"})
    chef.refresh_from_db()
    assert chef.role == Role.CHEF_DE_PROJET
    other = MembreFactory(dossier=dossier, role=Role.LECTEUR)
    client.post(reverse("dossiers:membre_role", kwargs={"dossier_pk": dossier.pk, "membre_pk": other.pk}), {"role": "equipe"})
    other.refresh_from_db()
    assert other.role == Role.EQUIPE


def test_role_change_refused_to_equipe(client, dossier):
    equipe = MembreFactory(dossier=dossier, role=Role.EQUIPE)
    lecteur = MembreFactory(dossier=dossier, role=Role.LECTEUR)
    client.force_login(equipe.user)
    url = reverse("dossiers:membre_role", kwargs={"dossier_pk": dossier.pk, "membre_pk": lecteur.pk})
    assert client.post(url, {"role": "chef_de_projet"}).status_code == 403
    lecteur.refresh_from_db()
    assert lecteur.role == Role.LECTEUR


def test_list_shows_only_visible_dossiers(client, dossier):
    membre = MembreFactory(dossier=dossier, role=Role.ELU)
    hidden = DossierFactory()
    client.force_login(membre.user)
    table = main(client.get(reverse("dossiers:list"))).select_one("#dossiers-table")
    text = table.get_text()
    assert dossier.nom in text and hidden.nom not in text




@pytest.mark.parametrize("size", [2, 50])
def test_list_query_count_does_not_grow(client, django_assert_num_queries, size):
    user = MembreFactory().user
    for _ in range(size - 1):
        MembreFactory(user=user, role=Role.LECTEUR)
    client.force_login(user)
    # session, user, dossiers, communes (prefetch), départements (filter)
    with django_assert_num_queries(5):
        response = client.get(reverse("dossiers:list"))
    assert len(main(response).select("#dossiers-table tbody tr")) == size


def test_create_dossier_makes_creator_chef(client, db):
    from pvd.comptes.tests.factories import UserFactory
    from pvd.territoires.tests.factories import CommuneFactory

    user = UserFactory()
    commune = CommuneFactory()
    client.force_login(user)
    response = client.post(reverse("dossiers:create"), {"nom": "PVD Test", "communes": commune.code})
    assert response.status_code == 302
    membre = Membre.objects.get(user=user)
    assert membre.role == Role.CHEF_DE_PROJET and membre.dossier.epci == commune.epci


def test_create_dossier_rejects_unknown_code_and_foreign_commune(client, db):
    from pvd.comptes.tests.factories import UserFactory
    from pvd.territoires.tests.factories import CommuneFactory

    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("dossiers:create"), {"nom": "X", "communes": "99999"})
    assert "Codes de commune inconnus : 99999" in response.content.decode()
    a, b = CommuneFactory(), CommuneFactory()  # two different EPCI
    response = client.post(reverse("dossiers:create"), {"nom": "X", "communes": f"{a.code},{b.code}"})
    assert "n&#x27;appartiennent pas à l&#x27;EPCI" in response.content.decode()
    assert not Membre.objects.filter(user=user).exists()
