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

from pvd.actions.tests.factories import FicheFactory, LigneFactory
from pvd.comptes.tests.factories import UserFactory
from pvd.conventions.models import ConventionType
from pvd.conventions.tests.factories import ConventionFactory, SignataireFactory
from pvd.dossiers.models import Invitation, Role
from pvd.dossiers.tests.factories import DossierFactory, MembreFactory
from pvd.gouvernance.tests.factories import InstanceFactory, MembreInstanceFactory, SeanceFactory
from pvd.participation import services as participation_services
from pvd.participation.tests.factories import ContributionFactory, PageParticipationFactory
from pvd.strategie import services as strategie_services
from pvd.strategie.tests.factories import AxeFactory, IndicateurFactory, SecteurFactory


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
    world = World(dossier=dossier, chef=chef, elu=elu, prefecture=prefecture, invitation=invitation)
    _make_programme(world)
    return world


def _make_programme(world: World) -> None:
    """A little of every part of the programme: strategy, fiches, governance, participation, conventions."""
    dossier, chef = world.dossier, world.chef
    axe = AxeFactory(dossier=dossier, numero=1, titre="Revitaliser le centre-bourg")
    IndicateurFactory(axe=axe, nom="Taux de vacance commerciale")
    SecteurFactory(dossier=dossier, nom="Centre ancien")
    strategie_services.projet_update(dossier=dossier, resume="Une petite ville qui se réinvente.", by=chef)
    strategie_services.projet_publish(dossier=dossier, by=chef)
    fiche = FicheFactory(dossier=dossier, numero=1, titre="Rénover les halles")
    fiche.axes.add(axe)
    LigneFactory(fiche=fiche)
    comite = InstanceFactory(dossier=dossier, nom="Comité de projet PVD Langres")
    MembreInstanceFactory(instance=comite, nom="Marie Maire")
    seance = SeanceFactory(instance=comite)
    PageParticipationFactory(dossier=dossier)
    contribution = ContributionFactory(dossier=dossier, publiee=True, texte="Des bancs sur la place.")
    participation_services.contribution_answer(contribution=contribution, reponse="Merci, c'est prévu.", by=chef)
    ContributionFactory(dossier=dossier, texte="Une proposition en attente de modération.")
    convention = ConventionFactory(dossier=dossier, type=ConventionType.CADRE)
    SignataireFactory(convention=convention)
    world.extra.update(
        axe=axe, fiche=fiche, comite=comite, seance=seance, contribution=contribution, convention=convention
    )


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
    # Stratégie
    MainPage("strategie", lambda w: w.dossier_url("strategie:index"), user="chef", h1="Stratégie"),
    MainPage("strategie-axe", lambda w: w.dossier_url("strategie:axe_update", axe_pk=w.extra["axe"].pk), user="chef"),
    MainPage("strategie-secteur-carte", lambda w: w.dossier_url("strategie:secteur_create"), user="chef"),
    MainPage("strategie-versions", lambda w: w.dossier_url("strategie:versions"), user="chef", h1="Historique"),
    MainPage(
        "projet-de-territoire", lambda w: w.dossier_url("strategie:projet"), user="chef", h1="Projet de territoire"
    ),
    # Plan d'action
    MainPage("plan-action", lambda w: w.dossier_url("actions:plan"), user="chef"),
    MainPage(
        "fiche-action",
        lambda w: w.dossier_url("actions:fiche", fiche_pk=w.extra["fiche"].pk),
        user="chef",
        h1="Rénover les halles",
    ),
    MainPage("fiche-action-nouvelle", lambda w: w.dossier_url("actions:fiche_create"), user="chef"),
    MainPage("maquette-financiere", lambda w: w.dossier_url("actions:maquette"), user="chef"),
    MainPage("plan-action-import", lambda w: w.dossier_url("actions:import"), user="chef"),
    # Gouvernance
    MainPage("gouvernance", lambda w: w.dossier_url("gouvernance:index"), user="chef", h1="Gouvernance"),
    MainPage(
        "comite-de-projet",
        lambda w: w.dossier_url("gouvernance:instance", pk=w.extra["comite"].pk),
        user="chef",
        h1="Comité de projet",
    ),
    MainPage(
        "seance", lambda w: w.dossier_url("gouvernance:seance", pk=w.extra["seance"].pk), user="chef", h1="séance du"
    ),
    # Participation
    MainPage(
        "participation-moderation", lambda w: w.dossier_url("participation:moderation"), user="chef", h1="Participation"
    ),
    MainPage("participation-publique", lambda w: reverse("participation:public", args=[w.dossier.pk])),
    MainPage(
        "participation-contribution",
        lambda w: reverse("participation:contribution", args=[w.dossier.pk, w.extra["contribution"].pk]),
    ),
    MainPage(
        "projet-de-territoire-public",
        lambda w: reverse("strategie:public", args=[w.dossier.pk]),
        h1="Projet de territoire",
    ),
    # Conventions
    MainPage("conventions", lambda w: w.dossier_url("conventions:index"), user="chef", h1="Conventions"),
    MainPage(
        "convention",
        lambda w: w.dossier_url("conventions:detail", pk=w.extra["convention"].pk),
        user="chef",
        h1="Convention-cadre",
    ),
]
