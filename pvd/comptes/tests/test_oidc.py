"""ProConnect login (OpenID Connect) against a fake provider: its token, userinfo and JWKS endpoints
answer through a patched `requests`, with an RSA key made for the test (no network)."""

import json
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
from bs4 import BeautifulSoup
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from mozilla_django_oidc import auth as oidc_auth

from .factories import UserFactory

pytestmark = pytest.mark.django_db

ISSUER = "https://proconnect.test"
CLIENT_ID = "pvd-client"


class FakeResponse:
    def __init__(self, body, content_type="application/json", status_code=200, url=""):
        self.status_code, self.url = status_code, url
        self.text = body if isinstance(body, str) else json.dumps(body)
        self.headers = {"content-type": content_type}

    def json(self):
        return json.loads(self.text)

    def raise_for_status(self):
        if self.status_code >= 400:
            raise oidc_auth.requests.HTTPError(self.text)


class FakeProvider:
    """Issues a code for the login it was asked for (its nonce), then tokens and a signed userinfo."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, dict] = {}
        self.email = "claire.martin@exemple.fr"
        self.tamper_nonce = False

    def sign(self, claims) -> str:
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "cle-1"})

    def authorize(self, location: str) -> dict:
        """The person logs in at the provider: the answer sent back to the callback."""
        query = parse_qs(urlsplit(location).query)
        assert query["client_id"] == [CLIENT_ID] and query["acr_values"] == ["eidas1"]
        code = f"code-{len(self.codes)}"
        self.codes[code] = {"nonce": query["nonce"][0]}
        return {"code": code, "state": query["state"][0]}

    def post(self, url, data=None, **kwargs):
        assert url == f"{ISSUER}/token" and data["client_secret"] == "secret"
        grant = self.codes.pop(data["code"])
        now = int(time.time())
        id_token = self.sign(
            {
                "iss": ISSUER,
                "aud": CLIENT_ID,
                "sub": "agent-42",
                "iat": now,
                "exp": now + 60,
                "nonce": "autre" if self.tamper_nonce else grant["nonce"],
                "acr": "eidas1",
            }
        )
        return FakeResponse({"access_token": "jeton-acces", "id_token": id_token, "token_type": "Bearer"})

    def get(self, url, headers=None, **kwargs):
        if url == f"{ISSUER}/jwks":
            public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
            return FakeResponse({"keys": [public | {"kid": "cle-1", "alg": "RS256", "use": "sig"}]})
        assert url == f"{ISSUER}/userinfo" and headers["Authorization"] == "Bearer jeton-acces"
        # ProConnect answers the userinfo as a signed JWT.
        claims = {"sub": "agent-42", "email": self.email, "given_name": "Claire", "usual_name": "Martin"}
        return FakeResponse(self.sign(claims), content_type="application/jwt")


@pytest.fixture
def provider(settings, monkeypatch):
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{ISSUER}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{ISSUER}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{ISSUER}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{ISSUER}/jwks"
    settings.OIDC_OP_LOGOUT_ENDPOINT = f"{ISSUER}/session/end"
    settings.PVD_OIDC_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "pvd.comptes.oidc.ProConnectBackend"]
    fake = FakeProvider()
    monkeypatch.setattr(oidc_auth.requests, "post", fake.post)
    monkeypatch.setattr(oidc_auth.requests, "get", fake.get)
    return fake


def _start(client, next_url="/dossiers/"):
    response = client.get(reverse("comptes:oidc_authenticate"), {"next": next_url})
    assert response.status_code == 302 and response["Location"].startswith(f"{ISSUER}/authorize?")
    return response["Location"]


def _alerts(client, response) -> str:
    assert response.status_code == 302 and response["Location"] == reverse("comptes:login")
    page = client.get(response["Location"])
    return " ".join(a.get_text(" ", strip=True) for a in BeautifulSoup(page.content, "html.parser").select(".fr-alert"))


def test_the_login_page_offers_proconnect_only_when_configured(client, settings):
    def button(response):
        return BeautifulSoup(response.content, "html.parser").find("a", string="S'identifier avec ProConnect")

    assert button(client.get(reverse("comptes:login"))) is None
    assert client.get(reverse("comptes:oidc_authenticate")).status_code == 404
    assert client.get(reverse("comptes:oidc_callback"), {"code": "x", "state": "y"}).status_code == 404
    settings.PVD_OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_OP_AUTHORIZATION_ENDPOINT = CLIENT_ID, f"{ISSUER}/authorize"
    link = button(client.get(reverse("comptes:login"), {"next": "/dossiers/"}))
    assert link["href"] == f"{reverse('comptes:oidc_authenticate')}?next=/dossiers/"


def test_a_known_email_logs_in_through_the_provider(client, provider):
    user = UserFactory(email="Claire.Martin@exemple.fr")
    answer = provider.authorize(_start(client))
    response = client.get(f"{reverse('comptes:oidc_callback')}?{urlencode(answer)}")
    assert response.status_code == 302 and response["Location"] == "/dossiers/"
    assert client.session[SESSION_KEY] == str(user.pk)
    assert client.get("/dossiers/").status_code == 200
    # The logout goes through ProConnect's end of session, with the id_token of the login.
    response = client.post(reverse("comptes:logout"))
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{ISSUER}/session/end"
    query = parse_qs(location.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/"] and query["id_token_hint"]
    assert SESSION_KEY not in client.session


def test_an_unknown_email_is_refused_with_a_french_message(client, provider):
    provider.email = "inconnu@exemple.fr"
    UserFactory(email="claire.martin@exemple.fr")
    answer = provider.authorize(_start(client))
    response = client.get(f"{reverse('comptes:oidc_callback')}?{urlencode(answer)}")
    assert SESSION_KEY not in client.session
    text = _alerts(client, response)
    assert "Aucun compte actif de la plateforme n'est associé à l'adresse inconnu@exemple.fr" in text
    assert "Les comptes sont créés sur invitation" in text


def test_an_inactive_account_is_refused(client, provider):
    UserFactory(email="claire.martin@exemple.fr", is_active=False)
    answer = provider.authorize(_start(client))
    response = client.get(f"{reverse('comptes:oidc_callback')}?{urlencode(answer)}")
    assert SESSION_KEY not in client.session
    assert "Aucun compte actif" in _alerts(client, response)


def test_a_state_this_session_did_not_ask_for_is_refused(client, provider):
    UserFactory(email="claire.martin@exemple.fr")
    answer = provider.authorize(_start(client))
    response = client.get(f"{reverse('comptes:oidc_callback')}?{urlencode(answer | {'state': 'forge'})}")
    assert SESSION_KEY not in client.session
    assert "La connexion avec ProConnect a échoué." in _alerts(client, response)
    # A callback in another browser (no state at all in its session) is refused too.
    other = client.__class__()
    response = other.get(f"{reverse('comptes:oidc_callback')}?{urlencode(answer)}")
    assert SESSION_KEY not in other.session
    assert "La connexion avec ProConnect a échoué." in _alerts(other, response)


def test_a_wrong_nonce_is_refused(client, provider):
    UserFactory(email="claire.martin@exemple.fr")
    provider.tamper_nonce = True
    answer = provider.authorize(_start(client))
    response = client.get(f"{reverse('comptes:oidc_callback')}?{urlencode(answer)}")
    assert SESSION_KEY not in client.session
    assert "La connexion avec ProConnect a échoué." in _alerts(client, response)


def test_a_token_signed_by_another_key_is_refused(client, provider, monkeypatch):
    UserFactory(email="claire.martin@exemple.fr")
    answer = provider.authorize(_start(client))
    genuine = provider.key
    provider.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    real_get = provider.get

    def jwks_of_the_genuine_key(url, **kwargs):
        if url.endswith("/jwks"):
            forged, provider.key = provider.key, genuine
            try:
                return real_get(url, **kwargs)
            finally:
                provider.key = forged
        return real_get(url, **kwargs)

    monkeypatch.setattr(oidc_auth.requests, "get", jwks_of_the_genuine_key)
    response = client.get(f"{reverse('comptes:oidc_callback')}?{urlencode(answer)}")
    assert SESSION_KEY not in client.session
    assert "La connexion avec ProConnect a échoué." in _alerts(client, response)
