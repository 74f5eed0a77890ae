"""The main pages of the platform, checked in the browser (accessibility, screenshots, narrow screens).

To add a page, add one `MainPage(...)` line to MAIN_PAGES:
- `name`: a slug, used as test id and screenshot file name;
- `url`: a function of the `World` (the data made by `make_world`) returning the path;
- `user`: the attribute of the World to log in as (`None`: anonymous);
- `status`: the HTTP status the page answers with (403/404 pages are main pages too);
- `h1`: (part of) the text of the page's h1, to be sure the right page was checked (required);
- `shows`: a selector that must be visible (e.g. the form the entry is there to check);
- `final_path`: the path the browser must end on when the page redirects on purpose (default: the
  requested path, so that a redirect to the login page cannot pass unnoticed).
If a new page needs data, create it in `make_world` (keep it small: it runs for every page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from pvd.actions.services import fiche_submit
from pvd.actions.tests.factories import FicheFactory, LigneFactory
from pvd.comptes.tests.factories import UserFactory
from pvd.conventions.models import ConventionType
from pvd.conventions.tests.factories import ConventionFactory, SignataireFactory
from pvd.documents.tests.factories import DocumentFactory
from pvd.dossiers.models import Invitation, Role
from pvd.dossiers.tests.factories import DossierFactory, MembreFactory
from pvd.gouvernance.services import point_add
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
    indicateur = IndicateurFactory(axe=axe, nom="Taux de vacance commerciale")
    secteur = SecteurFactory(dossier=dossier, nom="Centre ancien")
    strategie_services.projet_update(dossier=dossier, resume="Une petite ville qui se réinvente.", by=chef)
    strategie_services.projet_publish(dossier=dossier, by=chef)
    fiche = FicheFactory(dossier=dossier, numero=1, titre="Rénover les halles")
    fiche.axes.add(axe)
    LigneFactory(fiche=fiche)
    comite = InstanceFactory(dossier=dossier, nom="Comité de projet PVD Langres")
    MembreInstanceFactory(instance=comite, nom="Marie Maire")
    seance = SeanceFactory(instance=comite, passee=True)  # held: decisions can be recorded
    # A submitted fiche on the séance's agenda: the séance page shows its decision form.
    soumise = FicheFactory(dossier=dossier, numero=2, titre="Créer une maison de santé")
    point_add(seance=seance, pending=fiche_submit(fiche=soumise, by=chef), by=chef)
    PageParticipationFactory(dossier=dossier)
    contribution = ContributionFactory(dossier=dossier, publiee=True, texte="Des bancs sur la place.")
    participation_services.contribution_answer(contribution=contribution, reponse="Merci, c'est prévu.", by=chef)
    ContributionFactory(dossier=dossier, texte="Une proposition en attente de modération.")
    convention = ConventionFactory(dossier=dossier, kind=ConventionType.CADRE)
    signataire = SignataireFactory(convention=convention)
    document = DocumentFactory(
        dossier=dossier, titre="Diagnostic du centre-bourg", kind="diagnostic", created_by=chef, versions=2
    )
    world.extra.update(
        axe=axe,
        indicateur=indicateur,
        secteur=secteur,
        fiche=fiche,
        comite=comite,
        seance=seance,
        contribution=contribution,
        convention=convention,
        signataire=signataire,
        document=document,
    )


def _password_reset_confirm(world: World) -> str:
    uid = urlsafe_base64_encode(force_bytes(world.elu.pk))
    token = default_token_generator.make_token(world.elu)
    # The first visit stores the token in the session and redirects to the form.
    return reverse("comptes:password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def _password_reset_form(world: World) -> str:
    uid = urlsafe_base64_encode(force_bytes(world.elu.pk))
    return reverse("comptes:password_reset_confirm", kwargs={"uidb64": uid, "token": "set-password"})


@dataclass(frozen=True)
class MainPage:
    name: str
    url: Callable[[World], str]
    user: str | None = None
    status: int = 200
    h1: str = ""
    final_path: Callable[[World], str] | None = None
    shows: str = ""  # a selector the page must show (the part of the page this entry is about)


def _d(name: str, **objects) -> Callable[[World], str]:
    """The URL of a dossier page; `objects` maps URL kwargs to keys of `World.extra` (their pk)."""
    return lambda w: w.dossier_url(name, **{kwarg: w.extra[key].pk for kwarg, key in objects.items()})


MAIN_PAGES = [
    # Public pages
    MainPage("accueil", lambda w: reverse("core:home"), h1="Petites villes de demain"),
    MainPage("connexion", lambda w: reverse("comptes:login"), h1="Connexion"),
    MainPage("mot-de-passe-oubli", lambda w: reverse("comptes:password_reset"), h1="Mot de passe oublié"),
    MainPage("mot-de-passe-envoye", lambda w: reverse("comptes:password_reset_done"), h1="Lien envoyé"),
    MainPage(
        "mot-de-passe-nouveau", _password_reset_confirm, h1="Nouveau mot de passe", final_path=_password_reset_form
    ),
    MainPage("mot-de-passe-change", lambda w: reverse("comptes:password_reset_complete"), h1="Mot de passe changé"),
    MainPage("invitation", lambda w: reverse("comptes:invitation", args=[w.invitation.token]), h1="Rejoindre"),
    MainPage("accessibilite", lambda w: reverse("core:accessibilite"), h1="accessibilité"),
    MainPage("mentions-legales", lambda w: reverse("core:mentions"), h1="Mentions légales"),
    MainPage("donnees-personnelles", lambda w: reverse("comptes:donnees_personnelles"), h1="Données personnelles"),
    MainPage("erreur-404", lambda w: "/cette-page-n-existe-pas/", status=404, h1="Page introuvable"),
    # Pages of a chef de projet
    MainPage("dossiers", lambda w: reverse("dossiers:list"), user="chef", h1="Dossiers"),
    MainPage("dossier-nouveau", lambda w: reverse("dossiers:create"), user="prefecture", h1="Ouvrir un dossier"),
    MainPage("dossier-demande", lambda w: reverse("dossiers:demande_create"), user="chef", h1="Demander un dossier"),
    MainPage("demandes", lambda w: reverse("dossiers:demandes"), user="prefecture", h1="Demandes de dossier"),
    MainPage("dossier", _d("dossiers:detail"), user="chef", h1="PVD Langres"),
    MainPage("dossier-modifier", _d("dossiers:update"), user="chef", h1="Modifier"),
    MainPage("membres", _d("dossiers:membres"), user="chef", h1="Membres"),
    # Other ways of seeing a dossier
    MainPage("membres-elu", _d("dossiers:membres"), user="elu", h1="Membres"),
    MainPage("preferences", lambda w: reverse("comptes:preferences"), user="elu", h1="Mes préférences"),
    MainPage("fermer-compte", lambda w: reverse("comptes:fermer"), user="elu", h1="Fermer mon compte", shows="form"),
    MainPage("fermer-compte-seul-chef", lambda w: reverse("comptes:fermer"), user="chef", h1="Fermer mon compte"),
    MainPage("erreur-403", _d("dossiers:update"), user="elu", status=403, h1="Accès refusé"),
    MainPage("dossiers-prefecture", lambda w: reverse("dossiers:list"), user="prefecture", h1="Dossiers"),
    MainPage("dossier-prefecture", _d("dossiers:detail"), user="prefecture", h1="PVD Langres"),
    # Stratégie
    MainPage("strategie", _d("strategie:index"), user="chef", h1="Stratégie"),
    MainPage("strategie-synthese", _d("strategie:projet_edit"), user="chef", h1="Synthèse du projet de territoire"),
    MainPage("strategie-axe-nouveau", _d("strategie:axe_create"), user="chef", h1="Nouvel axe stratégique"),
    MainPage("strategie-axe", _d("strategie:axe_update", axe_pk="axe"), user="chef", h1="Modifier l'axe 1"),
    MainPage("strategie-axe-supprimer", _d("strategie:axe_delete", axe_pk="axe"), user="chef", h1="Supprimer l'axe 1"),
    MainPage(
        "strategie-indicateur-nouveau",
        _d("strategie:indicateur_create", axe_pk="axe"),
        user="chef",
        h1="Nouvel indicateur de l'axe 1",
    ),
    MainPage(
        "strategie-indicateur",
        _d("strategie:indicateur_update", pk="indicateur"),
        user="chef",
        h1="Modifier l'indicateur",
    ),
    MainPage("strategie-secteur-carte", _d("strategie:secteur_create"), user="chef", h1="Nouveau secteur"),
    MainPage("strategie-secteur", _d("strategie:secteur_update", pk="secteur"), user="chef", h1="Centre ancien"),
    MainPage("strategie-secteurs-import", _d("strategie:secteurs_import"), user="chef", h1="Importer des secteurs"),
    MainPage("strategie-versions", _d("strategie:versions"), user="chef", h1="Historique"),
    MainPage(
        "strategie-version-diff",
        lambda w: w.dossier_url("strategie:version_diff") + "?b=1",
        user="chef",
        h1="Modifications de la version 1",
    ),
    MainPage("projet-de-territoire", _d("strategie:projet"), user="chef", h1="Projet de territoire"),
    # Plan d'action
    MainPage("plan-action", _d("actions:plan"), user="chef", h1="Plan d'action"),
    MainPage("fiche-action", _d("actions:fiche", fiche_pk="fiche"), user="chef", h1="Rénover les halles"),
    MainPage("fiche-action-nouvelle", _d("actions:fiche_create"), user="chef", h1="Nouvelle fiche action"),
    MainPage(
        "fiche-action-modifier", _d("actions:fiche_update", fiche_pk="fiche"), user="chef", h1="Modifier la fiche"
    ),
    MainPage(
        "fiche-action-supprimer",
        _d("actions:fiche_delete", fiche_pk="fiche"),
        user="chef",
        h1="Supprimer la fiche action n° 1",
    ),
    MainPage("maquette-financiere", _d("actions:maquette"), user="chef", h1="Maquette financière"),
    MainPage("plan-action-import", _d("actions:import"), user="chef", h1="Importer un plan d'action"),
    # Gouvernance
    MainPage("gouvernance", _d("gouvernance:index"), user="chef", h1="Gouvernance"),
    MainPage("comite-de-projet", _d("gouvernance:instance", pk="comite"), user="chef", h1="Comité de projet"),
    MainPage(
        "seance",
        _d("gouvernance:seance", pk="seance"),
        user="chef",
        h1="séance du",
        shows="form[action*='/decision/']:has-text('Créer une maison de santé')",
    ),
    MainPage("convocation", _d("gouvernance:convocation", pk="seance"), user="chef", h1="Convocation"),
    # Participation
    MainPage("participation-moderation", _d("participation:moderation"), user="chef", h1="Participation"),
    MainPage(
        "participation-publique",
        lambda w: reverse("participation:public", args=[w.dossier.pk]),
        h1="Participez au projet",
    ),
    MainPage(
        "participation-contribution",
        lambda w: reverse("participation:contribution", args=[w.dossier.pk, w.extra["contribution"].pk]),
        h1="n° ",
    ),
    MainPage(
        "projet-de-territoire-public",
        lambda w: reverse("strategie:public", args=[w.dossier.pk]),
        h1="Projet de territoire",
    ),
    # Conventions
    MainPage("conventions", _d("conventions:index"), user="chef", h1="Conventions"),
    MainPage("convention-nouvelle", _d("conventions:create"), user="chef", h1="Nouvelle convention"),
    MainPage("convention", _d("conventions:detail", pk="convention"), user="chef", h1="Convention-cadre"),
    MainPage(
        "convention-modifier", _d("conventions:update", pk="convention"), user="chef", h1="Modifier la convention"
    ),
    MainPage(
        "convention-signataire-nouveau",
        _d("conventions:signataire_create", pk="convention"),
        user="chef",
        h1="Ajouter un signataire",
    ),
    MainPage(
        "convention-signataire",
        _d("conventions:signataire_update", pk="convention", signataire_pk="signataire"),
        user="chef",
        h1="Modifier le signataire",
    ),
    MainPage(
        "convention-version-signee",
        _d("conventions:signed_upload", pk="convention"),
        user="chef",
        h1="Déposer la version signée",
    ),
    # Documents
    MainPage("documents", _d("documents:list"), user="chef", h1="Documents", shows="#documents"),
    MainPage("documents-nouveau", _d("documents:create"), user="chef", h1="Déposer un document"),
    MainPage(
        "documents-detail",
        _d("documents:detail", document_pk="document"),
        user="chef",
        h1="Diagnostic du centre-bourg",
        shows="#versions-liste tr:has-text('(en vigueur)')",
    ),
    MainPage(
        "documents-modifier",
        _d("documents:update", document_pk="document"),
        user="chef",
        h1="Modifier le document",
        shows="form#document-form",
    ),
    MainPage(
        "documents-supprimer",
        _d("documents:delete", document_pk="document"),
        user="chef",
        h1="Supprimer le document",
        shows="form#confirmation",
    ),
]
