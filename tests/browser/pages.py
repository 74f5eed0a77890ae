"""The main pages of the platform, checked in the browser (accessibility, screenshots, narrow screens).

To add a page, add one `MainPage(...)` line to MAIN_PAGES:
- `name`: a slug, used as test id and screenshot file name;
- `url`: a function of the `World` (the data made by `make_world`) returning the path;
- `user`: the attribute of the World to log in as (`None`: anonymous);
- `status`: the HTTP status the page answers with (403/404 pages are main pages too);
- `h1`: (part of) the text of the page's h1, to be sure the right page was checked.
If a new page needs data, create it in `make_world` (keep it small: it runs for every page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from pvd.comptes.tests.factories import UserFactory
from pvd.dossiers.models import Invitation, Role
from pvd.dossiers.tests.factories import DossierFactory, MembreFactory


@dataclass
class World:
    """The data the main pages are shown with: one dossier, its members, a State agent."""

    dossier: object
    chef: object
    elu: object
    prefecture: object
    invitation: object
    extra: dict = field(default_factory=dict)

    def dossier_url(self, name: str, **kwargs) -> str:
        return reverse(name, kwargs={"dossier_pk": self.dossier.pk, **kwargs})


def make_world() -> World:
    dossier = DossierFactory(nom="PVD Langres")
    chef = UserFactory(first_name="Claire", last_name="Chef")
    elu = UserFactory(first_name="Éric", last_name="Élu")
    MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET, user=chef)
    MembreFactory(dossier=dossier, role=Role.EQUIPE, user=UserFactory(first_name="Emma", last_name="Équipe"))
    MembreFactory(dossier=dossier, role=Role.ELU, user=elu)
    prefecture = UserFactory(prefecture=True, departement=dossier.communes.first().departement)
    invitation = Invitation.objects.create(
        dossier=dossier, email="invitee@exemple.fr", role=Role.PARTENAIRE, invited_by=chef
    )
    return World(dossier=dossier, chef=chef, elu=elu, prefecture=prefecture, invitation=invitation)


def _password_reset_confirm(world: World) -> str:
    uid = urlsafe_base64_encode(force_bytes(world.elu.pk))
    token = default_token_generator.make_token(world.elu)
    # The first visit stores the token in the session and redirects to the form.
    return reverse("comptes:password_reset_confirm", kwargs={"uidb64": uid, "token": token})


@dataclass(frozen=True)
class MainPage:
    name: str
    url: Callable[[World], str]
    user: str | None = None
    status: int = 200
    h1: str = ""


MAIN_PAGES = [
    # Public pages
    MainPage("accueil", lambda w: reverse("core:home")),
    MainPage("connexion", lambda w: reverse("comptes:login"), h1="Connexion"),
    MainPage("mot-de-passe-oubli", lambda w: reverse("comptes:password_reset"), h1="Mot de passe oublié"),
    MainPage("mot-de-passe-envoye", lambda w: reverse("comptes:password_reset_done")),
    MainPage("mot-de-passe-nouveau", _password_reset_confirm, h1="Nouveau mot de passe"),
    MainPage("invitation", lambda w: reverse("comptes:invitation", args=[w.invitation.token]), h1="Rejoindre"),
    MainPage("accessibilite", lambda w: reverse("core:accessibilite"), h1="accessibilité"),
    MainPage("mentions-legales", lambda w: reverse("core:mentions")),
    MainPage("erreur-404", lambda w: "/cette-page-n-existe-pas/", status=404),
    # Pages of a chef de projet
    MainPage("dossiers", lambda w: reverse("dossiers:list"), user="chef", h1="Dossiers"),
    MainPage("dossier-nouveau", lambda w: reverse("dossiers:create"), user="chef", h1="Nouveau dossier"),
    MainPage("dossier", lambda w: w.dossier_url("dossiers:detail"), user="chef", h1="PVD Langres"),
    MainPage("dossier-modifier", lambda w: w.dossier_url("dossiers:update"), user="chef", h1="Modifier"),
    MainPage("membres", lambda w: w.dossier_url("dossiers:membres"), user="chef", h1="Membres"),
    # Other ways of seeing a dossier
    MainPage("membres-elu", lambda w: w.dossier_url("dossiers:membres"), user="elu", h1="Membres"),
    MainPage("erreur-403", lambda w: w.dossier_url("dossiers:update"), user="elu", status=403),
    MainPage("dossiers-prefecture", lambda w: reverse("dossiers:list"), user="prefecture", h1="Dossiers"),
]
