"""The main menu's « Organismes nationaux » entry shows to who may curate the national list
(`organisations.curate`, asked through `national_perms`), and to nobody else."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from pvd.comptes.tests.factories import UserFactory
from pvd.dossiers.models import Role
from pvd.dossiers.tests.factories import DossierFactory, MembreFactory

pytestmark = pytest.mark.django_db

USERS = {
    "anonymous": lambda: None,
    "anct": lambda: UserFactory(anct=True),
    "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
    "prefecture": lambda: UserFactory(prefecture=True, departement=DossierFactory().communes.get().departement),
    "chef_de_projet": lambda: MembreFactory(role=Role.CHEF_DE_PROJET).user,
}


@pytest.mark.parametrize("kind", USERS)
def test_national_organisations_entry_only_for_who_curates_them(client, kind):
    user = USERS[kind]()
    if user is not None:
        client.force_login(user)
    menu = BeautifulSoup(client.get(reverse("core:accessibilite")).content, "html.parser").select_one("#fr-navigation")
    entries = [a.get_text(strip=True) for a in menu.select("a.fr-nav__link")]
    assert ("Organismes nationaux" in entries) is (kind in {"anct", "superuser"})
