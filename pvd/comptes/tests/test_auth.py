import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from pvd.comptes.models import User

from .factories import PASSWORD, UserFactory


@pytest.fixture
def user(db):
    return UserFactory(email="claire.martin@exemple.fr")


@pytest.mark.parametrize("typed", ["claire.martin@exemple.fr", "Claire.Martin@EXEMPLE.fr"])
def test_login_by_email_case_insensitive(client, user, typed):
    response = client.post(reverse("comptes:login"), {"username": typed, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("dossiers:list")
    assert client.session[SESSION_KEY] == str(user.pk)


def test_login_wrong_password_shows_french_error(client, user):
    response = client.post(reverse("comptes:login"), {"username": user.email, "password": "faux"})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    content = BeautifulSoup(response.content, "html.parser").select_one("#content").get_text()
    assert "Adresse électronique ou mot de passe incorrect." in content


def test_create_user_lowercases_email(db):
    user = User.objects.create_user("Anne.Rousseau@Exemple.FR", "x")
    assert user.email == "anne.rousseau@exemple.fr"
    with pytest.raises(ValueError, match="obligatoire"):
        User.objects.create_user("", "x")


def test_logout_is_a_post(client, user):
    client.force_login(user)
    assert client.get(reverse("comptes:logout")).status_code == 405
    assert SESSION_KEY in client.session
    response = client.post(reverse("comptes:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert SESSION_KEY not in client.session


def test_password_reset_mail_and_link(client, user):
    response = client.post(reverse("comptes:password_reset"), {"email": "CLAIRE.martin@exemple.fr"})
    assert response.status_code == 302
    assert response["Location"] == reverse("comptes:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["claire.martin@exemple.fr"]
    link = re.search(r"http://testserver(/comptes/mot-de-passe/nouveau/\S+/)", message.body).group(1)

    # The token link redirects to a session URL that shows the form.
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    new_password = "un-nouveau-mot-de-passe-2026"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    assert response["Location"] == reverse("comptes:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(new_password)
    # Through the login form (django-axes counts attempts per request: no client.login()).
    response = client.post(reverse("comptes:login"), {"username": user.email, "password": new_password})
    assert response.status_code == 302 and client.session[SESSION_KEY] == str(user.pk)


def test_password_reset_unknown_address_sends_nothing(client, db):
    response = client.post(reverse("comptes:password_reset"), {"email": "personne@exemple.fr"})
    assert response.status_code == 302  # same answer: no way to probe accounts
    assert mail.outbox == []


def test_password_reset_bad_token(client, user):
    response = client.get(reverse("comptes:password_reset_confirm", args=["MQ", "mauvais-jeton"]))
    assert response.status_code == 200
    assert response.context["validlink"] is False


def test_login_required_by_default(client, dossier):
    url = reverse("dossiers:detail", kwargs={"dossier_pk": dossier.pk})
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('comptes:login')}?next={url}"
    response = client.get(reverse("dossiers:list"))
    assert response["Location"].startswith(reverse("comptes:login"))


@pytest.mark.parametrize(
    ("name", "h1"),
    [
        ("core:home", None),
        ("core:accessibilite", "Déclaration d'accessibilité"),
        ("core:mentions", None),
        ("comptes:login", "Connexion"),
        ("comptes:password_reset", "Mot de passe oublié"),
    ],
)
def test_public_pages_open(client, db, name, h1):
    response = client.get(reverse(name))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    headings = soup.select("#content h1")
    assert len(headings) == 1
    if h1:
        assert headings[0].get_text(strip=True) == h1


def test_home_redirects_logged_in_user(client, user):
    client.force_login(user)
    response = client.get(reverse("core:home"))
    assert response["Location"] == reverse("dossiers:list")
