"""Ask a running server for EVERY URL pattern of config.urls, as a visitor and as the demo user concerned.

Usage: python scripts/smoke_production.py http://127.0.0.1:8765
Run by scripts/check_production.sh in the virtualenv of the production requirements alone, with the
server's environment (settings, database): the ids of each page come from the demo data (seed_demo,
completed by `complete_demo` with what it lacks; the script writes only to a throw-away base).
Each pattern of config.urls is listed in PAGES (a pattern missing there makes the smoke fail with its
name, so a new page gets listed) with the user who may open it and the answer expected: 200, or the
documented refusal (405 for an action that only accepts POST, a redirection). An anonymous visitor gets
the login page for every page but the public ones. A 500 always fails.
Requests carry X-Forwarded-Proto: https, as the reverse proxy of production does; users log in through
the login form with its CSRF token, as a browser does.
"""

import datetime
import http.cookies
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

PASSWORD = "demo-pvd-2026"  # noqa: S105 - the demo accounts' password, printed by `make run`
USERS = {
    "chef": "chef@demo.pvd.fr",
    "prefecture": "prefecture@demo.pvd.fr",
    "anct": "anct@demo.pvd.fr",
}
ADMIN = ("smoke-admin@pvd.local", "smoke-admin-mot-de-passe")  # made by this script on the throw-away base
LOGIN = "/comptes/connexion/"


@dataclass
class Page:
    """How to open one URL pattern: its ids (a key of `demo_ids`, or "=value" as it is), who, and what answers."""

    ids: dict = field(default_factory=dict)
    user: str = "chef"  # a key of USERS, or None for a public page (anonymous only)
    status: int = 200
    anonymous: object = "login"  # "login" (redirected to the login page) or a status
    query: str = ""
    needle: str | None = None  # a text the answer must contain


POST = 405  # an action that only accepts POST answers a GET with 405
PUBLIC = {"user": None, "anonymous": 200}

# Every pattern of config.urls (admin apart: its patterns are opened for each model, see `admin_pages`).
PAGES = {
    "core:home": Page(**PUBLIC, needle="Petites villes de demain"),
    "core:healthz": Page(**PUBLIC, needle='"ok"'),
    "core:accessibilite": Page(**PUBLIC, needle="Accessibilit"),
    "core:mentions": Page(**PUBLIC),
    "comptes:login": Page(**PUBLIC, needle="Connexion"),
    "comptes:logout": Page(status=POST),
    "comptes:preferences": Page(),
    "comptes:mes_donnees": Page(needle="chef@demo.pvd.fr"),
    "comptes:donnees_personnelles": Page(**PUBLIC, needle="Données personnelles"),
    "comptes:fermer": Page(),  # the page only: the smoke never closes an account
    "comptes:password_change": Page(needle="Changer mon mot de passe"),
    "comptes:double_facteur": Page(needle="double authentification"),
    "comptes:double_facteur_verifier": Page(status=302),  # no device: nothing to verify
    "comptes:politique_securite": Page(user="anct"),
    # ProConnect is off unless its OIDC_* settings are given: both answer 404.
    "comptes:oidc_authenticate": Page(user=None, anonymous=404),
    "comptes:oidc_callback": Page(user=None, anonymous=404),
    "journal:journal": Page(needle="Journal"),
    "journal:corbeille": Page(needle="Corbeille"),
    "journal:corbeille_restore": Page(ids={"pk": "corbeille"}, status=POST),
    "comptes:password_reset": Page(**PUBLIC),
    "comptes:password_reset_done": Page(**PUBLIC),
    "comptes:password_reset_confirm": Page(ids={"uidb64": "uidb64", "token": "reset_token"}, user=None, anonymous=302),
    "comptes:password_reset_complete": Page(**PUBLIC),
    "comptes:invitation": Page(ids={"token": "invitation_token"}, **PUBLIC),
    "dossiers:list": Page(),
    "dossiers:create": Page(user="prefecture"),
    "dossiers:demandes": Page(user="prefecture"),
    "dossiers:demande_create": Page(),
    "dossiers:demande_accept": Page(ids={"demande_pk": "demande"}, user="prefecture", status=POST),
    "dossiers:demande_refuse": Page(ids={"demande_pk": "demande"}, user="prefecture"),
    "dossiers:detail": Page(needle="Tableau de bord"),
    "dossiers:update": Page(),
    "dossiers:membres": Page(needle="Membres"),
    "dossiers:membre_role": Page(ids={"membre_pk": "membre"}, status=POST),
    "dossiers:membre_remove": Page(ids={"membre_pk": "membre"}, status=POST),
    "dossiers:invitation_cancel": Page(ids={"invitation_pk": "invitation"}, status=POST),
    "dossiers:chef_invite": Page(user="prefecture", status=POST),
    "dossiers:chef_invitation_cancel": Page(ids={"invitation_pk": "invitation"}, user="prefecture", status=POST),
    "dossiers:chef_invitation_resend": Page(ids={"invitation_pk": "invitation"}, user="prefecture", status=POST),
    "territoires:commune_search": Page(query="?q=Langres", needle="Langres"),
    "territoires:epci_search": Page(query="?q=Langres"),
    "territoires:organisations": Page(user="anct"),
    "territoires:organisation_update": Page(ids={"pk": "organisation"}, user="anct"),
    "gouvernance:index": Page(needle="Gouvernance"),
    "gouvernance:feed": Page(needle="BEGIN:VCALENDAR"),
    "gouvernance:feed_token_create": Page(status=POST),
    "gouvernance:feed_token": Page(ids={"token": "feed_token"}, **PUBLIC, needle="BEGIN:VCALENDAR"),
    "gouvernance:instance": Page(ids={"pk": "instance"}),
    "gouvernance:instance_update": Page(ids={"pk": "instance"}, status=POST),
    "gouvernance:membre_add": Page(ids={"pk": "instance"}, status=POST),
    "gouvernance:seance_create": Page(ids={"pk": "instance"}, status=POST),
    "gouvernance:membre_remove": Page(ids={"pk": "instance", "membre_pk": "membre_instance"}, status=POST),
    "gouvernance:membre_end": Page(ids={"pk": "instance", "membre_pk": "membre_instance"}, status=POST),
    "gouvernance:seance": Page(ids={"pk": "seance"}),
    "gouvernance:seance_update": Page(ids={"pk": "seance"}, status=POST),
    "gouvernance:seance_delete": Page(ids={"pk": "seance"}),
    "gouvernance:decision_delete": Page(ids={"pk": "decision_seance", "decision_pk": "decision"}),
    "gouvernance:point_add": Page(ids={"pk": "seance"}, status=POST),
    "gouvernance:compte_rendu": Page(ids={"pk": "seance"}, status=POST),
    "gouvernance:pending_schedule": Page(ids={"pk": "seance"}, status=POST),
    "gouvernance:point_move": Page(ids={"pk": "seance", "point_pk": "point"}, status=POST),
    "gouvernance:decision": Page(ids={"pk": "seance", "point_pk": "point"}, status=POST),
    "gouvernance:presences": Page(ids={"pk": "seance"}, status=POST),
    "gouvernance:approve": Page(ids={"pk": "seance"}, status=POST),
    "gouvernance:convocation": Page(ids={"pk": "seance"}),
    "gouvernance:convocation_pdf": Page(ids={"pk": "seance"}, needle="%PDF"),
    "gouvernance:convocation_send": Page(ids={"pk": "seance"}, status=POST),
    "gouvernance:compte_rendu_pdf": Page(ids={"pk": "seance"}, needle="%PDF"),
    "gouvernance:seance_ics": Page(ids={"pk": "seance"}, needle="BEGIN:VCALENDAR"),
    "strategie:index": Page(needle="Stratégie"),
    "strategie:projet_edit": Page(),
    "strategie:publish": Page(status=POST),
    "strategie:unpublish": Page(status=POST),
    "strategie:submit": Page(status=POST),
    "strategie:projet": Page(),
    "strategie:versions": Page(),
    "strategie:version_diff": Page(query="?b=1"),
    "strategie:axe_create": Page(),
    "strategie:axe_update": Page(ids={"axe_pk": "axe"}),
    "strategie:axe_delete": Page(ids={"axe_pk": "axe"}),
    "strategie:axe_move": Page(ids={"axe_pk": "axe", "direction": "=down"}, status=POST),
    "strategie:axe_submit": Page(ids={"axe_pk": "axe"}, status=POST),
    "strategie:sous_objectif_create": Page(ids={"axe_pk": "axe"}, status=POST),
    "strategie:sous_objectif_update": Page(ids={"pk": "sous_objectif"}, status=POST),
    "strategie:sous_objectif_delete": Page(ids={"pk": "sous_objectif"}, status=POST),
    "strategie:indicateur_create": Page(ids={"axe_pk": "axe"}),
    "strategie:indicateur_update": Page(ids={"pk": "indicateur_axe"}),
    "strategie:indicateur_delete": Page(ids={"pk": "indicateur_axe"}),
    "strategie:secteur_create": Page(),
    "strategie:secteurs_import": Page(),
    "strategie:secteurs_export": Page(needle="FeatureCollection"),
    "strategie:secteur_update": Page(ids={"pk": "secteur"}),
    "strategie:secteur_delete": Page(ids={"pk": "secteur"}),
    "strategie:public": Page(**PUBLIC),
    "diagnostic:index": Page(),
    "diagnostic:edit": Page(),
    "diagnostic:submit": Page(status=POST),
    "diagnostic:chiffres": Page(),
    "diagnostic:chiffres_sync": Page(status=POST),
    "diagnostic:donnee_create": Page(),
    "diagnostic:donnee_edit": Page(ids={"donnee_pk": "donnee"}),
    "diagnostic:donnee_delete": Page(ids={"donnee_pk": "donnee"}),
    "diagnostic:chart_csv": Page(ids={"key": "chart"}),
    "diagnostic:imports": Page(),
    "diagnostic:import_delete": Page(ids={"import_pk": "donnee_import"}),
    "diagnostic:import_exemple": Page(ids={"nom": "import_exemple"}),
    "diagnostic:afom": Page(),
    "diagnostic:afom_create": Page(),
    "diagnostic:afom_update": Page(ids={"pk": "afom"}),
    "diagnostic:afom_delete": Page(ids={"pk": "afom"}),
    "diagnostic:afom_move": Page(ids={"pk": "afom", "direction": "=down"}, status=POST),
    "diagnostic:references": Page(),
    "diagnostic:plan_create": Page(),
    "diagnostic:plan_update": Page(ids={"pk": "plan"}),
    "diagnostic:plan_delete": Page(ids={"pk": "plan"}),
    "diagnostic:plan_download": Page(ids={"pk": "plan"}),
    "diagnostic:etude_create": Page(),
    "diagnostic:etude_update": Page(ids={"pk": "etude"}),
    "diagnostic:etude_delete": Page(ids={"pk": "etude"}),
    "diagnostic:initiative_create": Page(),
    "diagnostic:initiative_update": Page(ids={"pk": "initiative"}),
    "diagnostic:initiative_delete": Page(ids={"pk": "initiative"}),
    "diagnostic:carte": Page(),
    "diagnostic:point_create": Page(),
    "diagnostic:point_update": Page(ids={"pk": "point_interet"}),
    "diagnostic:point_delete": Page(ids={"pk": "point_interet"}),
    "diagnostic:points_import": Page(),
    "diagnostic:points_export": Page(needle="FeatureCollection"),
    "diagnostic:communes_export": Page(needle="FeatureCollection"),
    "diagnostic:export_pdf": Page(needle="%PDF"),
    "diagnostic:export_xlsx": Page(),
    "actions:plan": Page(needle="Plan d"),
    "actions:plan_xlsx": Page(),
    "actions:plan_csv": Page(),
    "actions:crte_export": Page(),
    "actions:import": Page(),
    "actions:import_template": Page(),
    "actions:maquette": Page(needle="Maquette"),
    "actions:maquette_xlsx": Page(),
    "actions:fiche_create": Page(),
    "actions:fiche": Page(ids={"fiche_pk": "fiche"}),
    "actions:fiche_update": Page(ids={"fiche_pk": "fiche"}),
    "actions:fiche_delete": Page(ids={"fiche_pk": "fiche"}),
    "actions:budget_delete": Page(ids={"fiche_pk": "fiche", "budget_pk": "budget"}, status=POST),
    "actions:etape_delete": Page(ids={"fiche_pk": "fiche", "etape_pk": "etape"}, status=POST),
    "actions:note_delete": Page(ids={"fiche_pk": "fiche", "note_pk": "note"}, status=POST),
    "actions:fiche_submit": Page(ids={"fiche_pk": "fiche"}, status=POST),
    "actions:fiche_publication": Page(ids={"fiche_pk": "fiche"}, status=POST),
    "actions:fiche_pdf": Page(ids={"fiche_pk": "fiche"}, needle="%PDF"),
    "actions:fiche_docx": Page(ids={"fiche_pk": "fiche"}),
    "actions:ligne_add": Page(ids={"fiche_pk": "fiche"}, status=POST),
    "actions:ligne_statut": Page(ids={"fiche_pk": "fiche", "ligne_pk": "ligne"}, status=POST),
    "actions:ligne_update": Page(ids={"fiche_pk": "fiche", "ligne_pk": "ligne"}),
    "actions:ligne_delete": Page(ids={"fiche_pk": "fiche", "ligne_pk": "ligne"}, status=POST),
    "actions:ligne_verser": Page(ids={"fiche_pk": "fiche", "ligne_pk": "ligne"}),
    "actions:ligne_decision": Page(ids={"fiche_pk": "fiche", "ligne_pk": "ligne"}, user="prefecture"),
    "actions:budget_add": Page(ids={"fiche_pk": "fiche"}, status=POST),
    "actions:etape_add": Page(ids={"fiche_pk": "fiche"}, status=POST),
    "actions:etape_toggle": Page(ids={"fiche_pk": "fiche", "etape_pk": "etape"}, status=POST),
    "actions:note_add": Page(ids={"fiche_pk": "fiche"}, status=POST),
    "actions:piece_add": Page(ids={"fiche_pk": "fiche"}, status=POST),
    "actions:piece_download": Page(ids={"fiche_pk": "piece_fiche", "piece_pk": "piece"}),
    "actions:piece_delete": Page(ids={"fiche_pk": "piece_fiche", "piece_pk": "piece"}, status=POST),
    "actions:indicateur_add": Page(ids={"fiche_pk": "fiche"}, status=POST),
    "actions:indicateur_update": Page(ids={"fiche_pk": "indicateur_fiche_fiche", "indicateur_pk": "indicateur_fiche"}),
    "actions:indicateur_delete": Page(
        ids={"fiche_pk": "indicateur_fiche_fiche", "indicateur_pk": "indicateur_fiche"}, status=POST
    ),
    "suivi:grille": Page(),
    "suivi:valeurs_import": Page(),
    "suivi:valeurs_import_modele": Page(),
    "suivi:valeurs": Page(ids={"pk": "indicateur_mesure"}),
    "suivi:valeur_update": Page(ids={"pk": "indicateur_mesure", "mesure_pk": "mesure"}),
    "suivi:valeur_delete": Page(ids={"pk": "indicateur_mesure", "mesure_pk": "mesure"}),
    "suivi:indicateurs": Page(),
    "suivi:indicateur": Page(ids={"pk": "indicateur_mesure"}),
    "conventions:index": Page(needle="Conventions"),
    "conventions:create": Page(),
    "conventions:detail": Page(ids={"pk": "convention"}),
    "conventions:update": Page(ids={"pk": "convention"}),
    "conventions:resilier": Page(ids={"pk": "convention"}),
    "conventions:delete": Page(ids={"pk": "convention"}),
    "conventions:submit": Page(ids={"pk": "convention"}, status=POST),
    "conventions:signataire_create": Page(ids={"pk": "convention"}),
    "conventions:signataire_update": Page(ids={"pk": "convention", "signataire_pk": "signataire"}),
    "conventions:signataire_delete": Page(ids={"pk": "convention", "signataire_pk": "signataire"}, status=POST),
    "conventions:signature": Page(ids={"pk": "convention", "signataire_pk": "signataire"}, status=POST),
    "conventions:generate": Page(ids={"pk": "convention", "fmt": "=docx"}, status=POST),
    "conventions:signed_upload": Page(ids={"pk": "convention"}),
    "conventions:document": Page(ids={"pk": "document_convention", "document_pk": "convention_document"}),
    "participation:public": Page(**PUBLIC, needle="Participation"),
    "participation:contribution": Page(ids={"pk": "contribution_publiee"}, **PUBLIC),
    "participation:moderation": Page(needle="Participation"),
    "participation:page_update": Page(status=POST),
    "participation:consultation_create": Page(status=POST),
    "participation:export": Page(),
    "participation:moderate": Page(ids={"pk": "contribution", "action": "=publier"}, status=POST),
    "documents:list": Page(needle="Documents"),
    "documents:create": Page(),
    "documents:detail": Page(ids={"document_pk": "document"}),
    "documents:update": Page(ids={"document_pk": "document"}),
    "documents:version_add": Page(ids={"document_pk": "document"}, status=POST),
    "documents:download": Page(ids={"document_pk": "document", "version_pk": "version"}),
    "documents:delete": Page(ids={"document_pk": "document"}),
    "documents:submit": Page(ids={"document_pk": "document"}, status=POST),
    "pilotage:national": Page(user="anct"),
    "pilotage:national_xlsx": Page(user="anct"),
    "pilotage:tableau_de_bord": Page(),
    "pilotage:avis_create": Page(ids={"kind": "=fiche", "pk": "fiche"}, user="prefecture"),
    "pilotage:opendata": Page(**PUBLIC),
    "pilotage:opendata_csv": Page(**PUBLIC),
    "pilotage:opendata_geojson": Page(**PUBLIC, needle="FeatureCollection"),
    "pilotage:bilans": Page(),
    "pilotage:bilan": Page(ids={"annee": "annee"}),
    "pilotage:bilan_edit": Page(ids={"annee": "annee"}),
    "pilotage:bilan_submit": Page(ids={"annee": "annee"}, status=POST),
    "pilotage:bilan_pdf": Page(ids={"annee": "annee"}, needle="%PDF"),
    "pilotage:bilan_docx": Page(ids={"annee": "annee"}),
}
# Values written as they are in the URL, not looked up.
LITERALS = {"down", "docx", "fiche", "=publier"}


# --- the patterns and the demo's ids (Django, with the server's settings and database) -----------


def url_patterns() -> list[tuple[str, object]]:
    """(namespaced name, pattern) of every URL pattern of config.urls."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(part for part in (namespace, pattern.namespace) if part)
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                found.append((f"{namespace}:{pattern.name}" if namespace else str(pattern.name), pattern))

    walk(get_resolver().url_patterns, "")
    return found


def uncovered(names) -> tuple[list[str], list[str]]:
    """Patterns missing from PAGES, and entries of PAGES that are no pattern any more."""
    names = [name for name in names if not name.startswith("admin:")]
    return sorted(set(names) - set(PAGES)), sorted(set(PAGES) - set(names))


def demo_ids() -> dict:
    """The demo dossier's objects, by the keys PAGES uses."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from pvd.actions.models import BudgetAnnuel, Etape, FicheAction, LigneFinancement, Note, PieceJointe
    from pvd.comptes.models import User
    from pvd.conventions.models import Convention, ConventionDocument, Signataire
    from pvd.diagnostic import charts
    from pvd.diagnostic.models import (
        AfomItem,
        DocumentPlanification,
        Donnee,
        DonneeImport,
        Etude,
        Initiative,
        PointInteret,
    )
    from pvd.documents.models import Document, DocumentVersion
    from pvd.dossiers.models import DemandeDossier, Invitation, Membre, Role
    from pvd.gouvernance.models import (
        CalendrierDossier,
        Decision,
        Instance,
        MembreInstance,
        PointOrdreDuJour,
        Seance,
    )
    from pvd.journal.models import Corbeille
    from pvd.participation.models import Contribution
    from pvd.pilotage.models_bilan import BilanAnnuel
    from pvd.strategie.models import AxeStrategique, SecteurIntervention, SousObjectif
    from pvd.suivi.models import Indicateur, Mesure
    from pvd.territoires.selectors import national_organisations

    chef = User.objects.get(email=USERS["chef"])
    membre = Membre.objects.filter(user=chef).select_related("dossier").first()
    dossier = membre.dossier

    def first(queryset, attribute="pk"):
        obj = queryset.order_by("pk").first()
        return None if obj is None else getattr(obj, attribute)

    piece = PieceJointe.objects.filter(fiche__dossier=dossier).order_by("pk").first()
    indicateur_fiche = Indicateur.objects.filter(dossier=dossier, fiche__isnull=False).order_by("pk").first()
    mesure = Mesure.objects.filter(indicateur__dossier=dossier).order_by("pk").first()
    document = ConventionDocument.objects.filter(convention__dossier=dossier).order_by("pk").first()
    decision = Decision.objects.filter(point__dossier=dossier).select_related("point").order_by("pk").first()
    ids = {
        "dossier": dossier.pk,
        "uidb64": urlsafe_base64_encode(force_bytes(chef.pk)),
        "reset_token": default_token_generator.make_token(chef),
        "invitation_token": first(Invitation.objects.all(), "token") or "inconnu",
        "demande": first(DemandeDossier.objects.all()),
        "membre": first(Membre.objects.filter(dossier=dossier).exclude(role=Role.CHEF_DE_PROJET)),
        "invitation": first(Invitation.objects.filter(dossier=dossier)),
        "organisation": first(national_organisations()),
        "feed_token": first(CalendrierDossier.objects.filter(dossier=dossier), "token"),
        "instance": first(Instance.objects.filter(dossier=dossier)),
        "membre_instance": first(MembreInstance.objects.filter(instance__dossier=dossier)),
        "seance": first(Seance.objects.filter(instance__dossier=dossier)),
        "point": first(PointOrdreDuJour.objects.filter(dossier=dossier, seance__isnull=False)),
        "decision": decision and decision.pk,
        "decision_seance": decision and decision.point.seance_id,
        "axe": first(AxeStrategique.objects.filter(dossier=dossier)),
        "sous_objectif": first(SousObjectif.objects.filter(axe__dossier=dossier)),
        "indicateur_axe": first(Indicateur.objects.filter(dossier=dossier, axe__isnull=False)),
        "secteur": first(SecteurIntervention.objects.filter(dossier=dossier)),
        "donnee": first(Donnee.objects.filter(dossier=dossier, origine="saisie")),
        "chart": next((chart.key for chart in charts.charts_for(dossier)), None),
        "donnee_import": first(DonneeImport.objects.filter(dossier=dossier)),
        "import_exemple": "donnees_exemple.csv",
        "afom": first(AfomItem.objects.filter(dossier=dossier)),
        "plan": first(DocumentPlanification.objects.filter(dossier=dossier).exclude(file="")),
        "etude": first(Etude.objects.filter(dossier=dossier)),
        "initiative": first(Initiative.objects.filter(dossier=dossier)),
        "point_interet": first(PointInteret.objects.filter(dossier=dossier)),
        "fiche": first(FicheAction.objects.filter(dossier=dossier)),
        "budget": first(BudgetAnnuel.objects.filter(fiche__dossier=dossier)),
        "etape": first(Etape.objects.filter(fiche__dossier=dossier)),
        "note": first(Note.objects.filter(fiche__dossier=dossier)),
        "ligne": first(LigneFinancement.objects.filter(fiche__dossier=dossier)),
        "piece": piece and piece.pk,
        "piece_fiche": piece and piece.fiche_id,
        "indicateur_fiche": indicateur_fiche and indicateur_fiche.pk,
        "indicateur_fiche_fiche": indicateur_fiche and indicateur_fiche.fiche_id,
        "indicateur_mesure": mesure and mesure.indicateur_id,
        "mesure": mesure and mesure.pk,
        "convention": first(Convention.objects.filter(dossier=dossier)),
        "signataire": first(Signataire.objects.filter(convention__dossier=dossier)),
        "convention_document": document and document.pk,
        "document_convention": document and document.convention_id,
        "contribution": first(Contribution.objects.filter(dossier=dossier)),
        "contribution_publiee": first(Contribution.objects.filter(dossier=dossier, statut="publiee")),
        "document": first(Document.objects.filter(dossier=dossier)),
        "version": first(DocumentVersion.objects.filter(document__dossier=dossier)),
        "annee": first(BilanAnnuel.objects.filter(dossier=dossier), "annee"),
        "corbeille": first(Corbeille.objects.filter(dossier_ref=dossier.pk)),
    }
    # The first fiche's own children, when the demo gives it some.
    for key in ("budget", "etape", "note", "ligne"):
        model = {"budget": BudgetAnnuel, "etape": Etape, "note": Note, "ligne": LigneFinancement}[key]
        ids[key] = first(model.objects.filter(fiche_id=ids["fiche"])) or ids[key]
    return ids


def complete_demo():
    """Add to the throw-away base what the demo lacks for some pages: an invitation waiting, a
    calendar address, a planning document, a fiche's attachment and indicator, a convention's file."""
    from django.core.files.base import ContentFile

    from pvd.actions.models import FicheAction, Note, PieceJointe
    from pvd.comptes.models import User
    from pvd.conventions.models import Convention, ConventionDocument, ConventionDocumentKind
    from pvd.diagnostic.models import DocumentPlanification, PlanKind, PlanStatut
    from pvd.dossiers.models import Invitation, Membre, Role
    from pvd.gouvernance.models import CalendrierDossier
    from pvd.journal.models import Corbeille
    from pvd.journal.services import corbeille_move
    from pvd.suivi.models import Indicateur, IndicateurKind

    chef = User.objects.get(email=USERS["chef"])
    dossier = Membre.objects.filter(user=chef).select_related("dossier").first().dossier
    fiche = FicheAction.objects.filter(dossier=dossier).order_by("pk").first()
    convention = Convention.objects.filter(dossier=dossier).order_by("pk").first()
    pdf = b"%PDF-1.4\n% smoke\n"
    if not Invitation.objects.filter(dossier=dossier).exists():
        Invitation.objects.create(dossier=dossier, email="invitee@pvd.local", role=Role.EQUIPE, invited_by=chef)
    CalendrierDossier.objects.get_or_create(dossier=dossier, user=chef)
    if not DocumentPlanification.objects.filter(dossier=dossier).exclude(file="").exists():
        plan = DocumentPlanification(dossier=dossier, kind=PlanKind.PLU, nom="PLU", statut=PlanStatut.APPROUVE)
        plan.file.save("plu.pdf", ContentFile(pdf))
    if not PieceJointe.objects.filter(fiche__dossier=dossier).exists():
        PieceJointe(fiche=fiche, titre="Devis", added_by=chef).file.save("devis.pdf", ContentFile(pdf))
    if not Indicateur.objects.filter(dossier=dossier, fiche__isnull=False).exists():
        Indicateur.objects.create(
            dossier=dossier, fiche=fiche, nom="Logements", kind=IndicateurKind.RESULTAT, unite="u"
        )
    if not ConventionDocument.objects.filter(convention__dossier=dossier).exists():
        document = ConventionDocument(convention=convention, kind=ConventionDocumentKind.SIGNE_PDF, version=1)
        document.file.save("signee.pdf", ContentFile(pdf))
    if not Corbeille.objects.filter(dossier_ref=dossier.pk).exists():
        note = Note.objects.create(fiche=fiche, auteur=chef, date=datetime.date.today(), texte="Note jetée")
        corbeille_move(instance=note, by=chef)


def admin_pages() -> list[tuple[str, str, int]]:
    """(pattern name, path, status) of the admin for its superuser: its index, and each model's list,
    form, history and deletion; 403 where that model's admin allows no addition or deletion."""
    from django.contrib import admin
    from django.test import RequestFactory
    from django.urls import reverse

    from pvd.comptes.models import User

    request = RequestFactory().get("/")
    request.user = User.objects.get(email=ADMIN[0])
    pages = [("admin:index", reverse("admin:index"), 200)]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        pages.append((f"{prefix}_changelist", reverse(f"{prefix}_changelist"), 200))
        pages.append(
            (f"{prefix}_add", reverse(f"{prefix}_add"), 200 if model_admin.has_add_permission(request) else 403)
        )
        obj = model._base_manager.order_by("pk").first()
        if obj is not None:
            for action in ("change", "history"):
                pages.append((f"{prefix}_{action}", reverse(f"{prefix}_{action}", args=[obj.pk]), 200))
            allowed = model_admin.has_delete_permission(request, obj)
            pages.append((f"{prefix}_delete", reverse(f"{prefix}_delete", args=[obj.pk]), 200 if allowed else 403))
    return pages


def make_admin():
    from pvd.comptes.models import User

    if not User.objects.filter(email=ADMIN[0]).exists():
        User.objects.create_superuser(email=ADMIN[0], password=ADMIN[1])


# --- HTTP, as a browser --------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    def __init__(self, base):
        self.base = base.rstrip("/")
        # Kept by hand: production cookies are Secure, and the proxy's TLS is only pretended here.
        self.cookies = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def fetch(self, path, data=None):
        """One request, no redirection followed: status, headers and body."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if data is not None:
            headers["Referer"] = "https://" + urllib.parse.urlsplit(self.base).netloc + path
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        try:
            response = self.opener.open(request, timeout=120)  # noqa: S310 - a URL given on the command line
        except urllib.error.HTTPError as error:
            response = error
        with response:
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = http.cookies.SimpleCookie(header)
                self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
            return response.status, response.headers, response.read()

    def login(self, email, password, login_path=LOGIN):
        """Through the login form, with the CSRF token of the page; returns the path landed on."""
        status, _, page = self.fetch(login_path)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise RuntimeError(f"{login_path} : pas de formulaire de connexion (HTTP {status})")
        status, headers, _ = self.fetch(
            login_path, {"username": email, "password": password, "csrfmiddlewaretoken": token.group(1).decode()}
        )
        if status != 302:
            raise RuntimeError(f"connexion de {email} refusée (HTTP {status})")
        return urllib.parse.urlsplit(headers["Location"]).path


def expect(client, name, path, status, needle, failures, *, login_path=LOGIN):
    try:
        got, headers, body = client.fetch(path)
    except (OSError, urllib.error.URLError) as error:
        failures.append(f"{name} {path} : {error}")
        return
    where = f"{name} {path}"
    if got >= 500:
        failures.append(f"{where} : HTTP {got} (erreur du serveur)")
    elif status == "login":
        location = headers.get("Location", "")
        if got != 302 or urllib.parse.urlsplit(location).path != login_path:
            failures.append(f"{where} : HTTP {got} {location} au lieu de la page de connexion")
    elif got != status:
        failures.append(f"{where} : HTTP {got} au lieu de {status}")
    elif needle and needle.encode() not in body:
        failures.append(f"{where} : « {needle} » absent de la réponse")


def main(base):
    import django

    django.setup()
    from django.urls import reverse

    patterns = dict(url_patterns())
    missing, stale = uncovered(patterns)
    if missing or stale:
        print("Pages à lister dans PAGES (scripts/smoke_production.py) :\n  " + "\n  ".join(missing))
        if stale:
            print("Entrées de PAGES qui ne sont plus des adresses :\n  " + "\n  ".join(stale))
        return 1
    if os.environ.get("SMOKE_THROWAWAY_DATABASE") != "1":
        print("Ce script écrit dans la base (compte d'administration, compléments de la démonstration) :")
        print("il ne tourne que sur une base jetable, avec SMOKE_THROWAWAY_DATABASE=1 (scripts/check_production.sh).")
        return 2
    complete_demo()
    ids = demo_ids()
    make_admin()
    failures = []
    paths = {}
    for name, page in PAGES.items():
        kwargs = {"dossier_pk": ids["dossier"]} if "dossier_pk" in patterns[name].pattern.converters else {}
        for key, source in page.ids.items():
            value = source[1:] if source.startswith("=") else ids.get(source)  # "=docx": written as it is
            if value is None:
                failures.append(f"{name} : aucun objet « {source} » dans la démonstration (voir complete_demo)")
                break
            kwargs[key] = value
        else:
            paths[name] = reverse(name, kwargs=kwargs) + page.query
    anonymous = Client(base)
    for name, path in paths.items():
        page = PAGES[name]
        expect(anonymous, name, path, page.anonymous, page.needle if page.user is None else None, failures)
    for user, email in USERS.items():
        client = Client(base)
        client.login(email, PASSWORD)
        for name, path in paths.items():
            if PAGES[name].user == user:
                expect(client, name, path, PAGES[name].status, PAGES[name].needle, failures)
    admin_list = admin_pages()
    visitor, staff = Client(base), Client(base)
    staff.login(*ADMIN, login_path=reverse("admin:login"))
    for name, path, status in admin_list:
        # The admin's index sends to its own login page; every other page to the site's.
        login_path = reverse("admin:login") if name == "admin:index" else LOGIN
        expect(visitor, name, path, "login", None, failures, login_path=login_path)
        expect(staff, name, path, status, None, failures)
    covered = len(paths) + len(admin_list)
    if failures:
        print("Échecs avec les seules dépendances de production :\n  " + "\n  ".join(failures))
        return 1
    print(f"{covered} adresses servies avec les seules dépendances de production (anonyme et comptes concernés).")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.exit(main(sys.argv[1]))
