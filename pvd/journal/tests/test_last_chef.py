"""A dossier never ends up without a chef de projet, whatever the path (pages, admin)."""

import html

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pvd.dossiers.models import Membre, Role
from pvd.dossiers.services import last_chef_check, membre_remove, membre_set_role
from pvd.dossiers.tests.factories import MembreFactory

pytestmark = pytest.mark.django_db

MESSAGE = "nommez d'abord un autre chef de projet"


def test_services_refuse_the_last_chef():
    chef = MembreFactory(role=Role.CHEF_DE_PROJET)
    with pytest.raises(ValidationError):
        membre_remove(membre=chef, by=chef.user)
    with pytest.raises(ValidationError):
        membre_set_role(membre=chef, role=Role.EQUIPE, by=chef.user)
    other = MembreFactory(dossier=chef.dossier, role=Role.CHEF_DE_PROJET)
    membre_remove(membre=other, by=chef.user)
    assert list(Membre.objects.filter(role=Role.CHEF_DE_PROJET)) == [chef]


def test_last_chef_check_for_users():
    chef = MembreFactory(role=Role.CHEF_DE_PROJET)
    with pytest.raises(ValidationError, match=MESSAGE):
        last_chef_check(users=[chef.user])
    MembreFactory(dossier=chef.dossier, role=Role.CHEF_DE_PROJET)
    last_chef_check(users=[chef.user])


def test_admin_refuses_deleting_the_last_chef_user(admin_client):
    chef = MembreFactory(role=Role.CHEF_DE_PROJET)
    url = reverse("admin:comptes_user_delete", args=[chef.user.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert MESSAGE in html.unescape(response.content.decode())
    assert Membre.objects.filter(pk=chef.pk).exists()


def test_admin_refuses_deleting_the_last_chef_membre(admin_client):
    chef = MembreFactory(role=Role.CHEF_DE_PROJET)
    response = admin_client.post(reverse("admin:dossiers_membre_delete", args=[chef.pk]), {"post": "yes"})
    assert MESSAGE in html.unescape(response.content.decode())
    assert Membre.objects.filter(pk=chef.pk).exists()


def test_admin_refuses_deactivating_the_last_chef(admin_client):
    chef = MembreFactory(role=Role.CHEF_DE_PROJET)
    user = chef.user
    url = reverse("admin:comptes_user_change", args=[user.pk])
    data = {
        "email": user.email, "first_name": user.first_name, "last_name": user.last_name, "organisation": "",
        "state_scope": "", "departement": "", "is_staff": "", "is_superuser": "", "is_active": "",
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01", "date_joined_1": "10:00:00",
    }  # fmt: skip
    response = admin_client.post(url, data)
    assert MESSAGE in html.unescape(response.content.decode())
    user.refresh_from_db()
    assert user.is_active


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite locks the whole database on write")
def test_the_chef_rows_are_locked_before_the_check():
    """Two chefs removing each other at once: the second waits for the first, then sees no other chef."""
    chef = MembreFactory(role=Role.CHEF_DE_PROJET)
    other = MembreFactory(dossier=chef.dossier, role=Role.CHEF_DE_PROJET)
    with CaptureQueriesContext(connection) as captured:
        membre_remove(membre=other, by=chef.user)
    locking = [q["sql"] for q in captured.captured_queries if "FOR UPDATE" in q["sql"]]
    assert locking and "dossiers_membre" in locking[0]
