"""The register of the platform's attack surface: every URL pattern of `config.urls`, who may use
it, and how to build its arguments from the shared world (`tests.attack.world`).

`test_surface.py` fails when a pattern exists without an entry here, or when an entry names a
pattern that no longer exists. Adding a page is one line:

    E("app:name", "perm.name", pk="fiche")                  # GET and POST, a dossier permission
    E("app:name", "perm.name", only="POST", pk="fiche")     # @require_POST
    E("app:name", PUBLIC)                                   # a public page

Who may use it (`who`):
- a permission of `pvd.dossiers.perms.PERMISSIONS` (read from the table, never a list of roles):
  a page of the dossier, allowed to the roles the table gives it; anonymous → login page; who
  cannot see the dossier → 404; who sees it without the permission → 403;
- `state("perm")`: a page outside any dossier asked of `state_access(user)` (a préfecture of any
  département, ANCT), `national("perm")` asked of `national_access_for(user)` (ANCT);
- `LOGGED_IN`: any signed-in user; `PUBLIC`: anybody, anonymous included;
- `ADMIN`: the Django admin, staff only (tested on a few of its pages, not pattern by pattern).

URL arguments: `dossier_pk` is the world's dossier unless given; `kwarg="attr"` is the primary key
of `world.attr`; `kwarg="=text"` is the text itself.
"""

import re
from dataclasses import dataclass, field
from functools import cache

from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC = "public"
LOGGED_IN = "logged-in"
ADMIN = "admin"


def state(perm: str) -> str:
    return f"state:{perm}"


def national(perm: str) -> str:
    return f"national:{perm}"


@dataclass(frozen=True)
class Entry:
    name: str
    who: str
    # "GET" or "POST" when the view answers only that method (405 to the other), else both.
    only: str | None = None
    # Another permission for a POST (a page read by all that only some may change).
    post_who: str | None = None
    # Statuses the allowed viewers get on a GET (a redirect, a file that is not there…).
    ok: frozenset = frozenset({200})
    query: str = ""
    # Statuses a given viewer gets instead of the table's (e.g. a State page of another département).
    special: dict = field(default_factory=dict)
    # A slow page (a PDF, a DOCX, a spreadsheet): one allowed viewer gets it, the others' refusals are all checked.
    heavy: bool = False
    args: dict = field(default_factory=dict)

    @property
    def methods(self) -> tuple[str, ...]:
        return (self.only,) if self.only else ("GET", "POST")

    def who_for(self, method: str) -> str:
        return self.post_who if method == "POST" and self.post_who else self.who

    def kwargs(self, w) -> dict:
        values = {name: source[1:] if source.startswith("=") else _pk(w, source) for name, source in self.args.items()}
        if "dossier_pk" in pattern_params()[self.name]:
            values.setdefault("dossier_pk", w.dossier.pk)
        return values


def _pk(w, path: str):
    obj = w
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj if isinstance(obj, int | str) else obj.pk


def walk(patterns=None, prefix="", namespace=""):
    """(name, route, pattern) for every URL pattern of the project, through every include()."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            child = ":".join(filter(None, [namespace, entry.namespace]))
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), child)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            yield (f"{namespace}:{entry.name}" if namespace else entry.name or route), route, entry


@cache
def pattern_params() -> dict[str, set[str]]:
    return {name: set(PARAMETER.findall(route)) for name, route, _pattern in walk()}


PARAMETER = re.compile(r"<(?:[^>:]+:)?([^>]+)>")


def E(name: str, who: str, *, only=None, post_who=None, ok=(200,), query="", special=None, heavy=False, **args):
    return Entry(name, who, only, post_who, frozenset(ok), query, special or {}, heavy, args)


VIEW = "dossier.view"
# A request to open a dossier does not exist for the préfecture of another département.
OTHER_DEPARTEMENT = {"prefecture_autre": 404}
# ProConnect is off unless its OIDC_* settings are given: its two addresses answer 404 to all.
OFF = dict.fromkeys(
    (
        "anonymous",
        "outsider",
        "chef_de_projet",
        "equipe",
        "elu",
        "partenaire",
        "lecteur",
        "prefecture",
        "prefecture_autre",
        "anct",
    ),
    404,
)
G, P = "GET", "POST"

REGISTER = [
    # --- core and accounts --------------------------------------------------------------------
    E("core:home", PUBLIC, ok=(200, 302)),  # a signed-in user goes to their dossiers
    E("core:healthz", PUBLIC, only=G),
    E("core:accessibilite", PUBLIC),
    E("core:mentions", PUBLIC),
    E("comptes:login", PUBLIC, ok=(200, 302)),
    E("comptes:logout", LOGGED_IN, only=P, ok=(302,)),
    E("comptes:preferences", LOGGED_IN),
    E("comptes:password_reset", PUBLIC),
    E("comptes:password_reset_done", PUBLIC, only=G),
    E("comptes:password_reset_confirm", PUBLIC, uidb64="=MQ", token="=x-y"),
    E("comptes:password_reset_complete", PUBLIC, only=G),
    E("comptes:donnees_personnelles", PUBLIC, only=G),
    E("comptes:mes_donnees", LOGGED_IN, only=G),
    E("comptes:fermer", LOGGED_IN),
    E("comptes:password_change", LOGGED_IN),
    E("comptes:double_facteur", LOGGED_IN),
    E("comptes:double_facteur_verifier", LOGGED_IN, ok=(200, 302)),
    E("comptes:politique_securite", national("securite.politique")),
    E("comptes:oidc_authenticate", PUBLIC, special=OFF),
    E("comptes:oidc_callback", PUBLIC, special=OFF),
    E("comptes:invitation", PUBLIC, ok=(200, 302), token="invitation.token"),
    # --- dossiers -----------------------------------------------------------------------------
    E("dossiers:list", LOGGED_IN),
    E("dossiers:create", state("dossier.open")),
    E("dossiers:demandes", LOGGED_IN),
    E("dossiers:demande_create", LOGGED_IN, ok=(200, 302)),  # the State opens, it does not ask
    E("dossiers:demande_accept", state("demande.decide"), only=P, special=OTHER_DEPARTEMENT, demande_pk="demande"),
    E("dossiers:demande_refuse", state("demande.decide"), special=OTHER_DEPARTEMENT, demande_pk="demande"),
    E("dossiers:detail", VIEW),
    E("dossiers:update", "dossier.edit"),
    E("dossiers:membres", VIEW, post_who="membres.manage"),
    E("dossiers:membre_role", "membres.manage", only=P, membre_pk="membre_dossier"),
    E("dossiers:membre_remove", "membres.manage", only=P, membre_pk="membre_dossier"),
    E("dossiers:invitation_cancel", "membres.manage", only=P, invitation_pk="invitation"),
    E("dossiers:chef_invite", "dossier.designate_chef", only=P),
    E("dossiers:chef_invitation_cancel", "dossier.designate_chef", only=P, invitation_pk="chef_invitation"),
    E("dossiers:chef_invitation_resend", "dossier.designate_chef", only=P, invitation_pk="chef_invitation"),
    # --- territoires --------------------------------------------------------------------------
    E("territoires:commune_search", LOGGED_IN, only=G, query="?q=Lan"),
    E("territoires:epci_search", LOGGED_IN, only=G, query="?q=Lan"),
    E("territoires:organisations", national("organisations.curate")),
    E("territoires:organisation_update", national("organisations.curate"), pk="organisation"),
    # --- gouvernance --------------------------------------------------------------------------
    E("gouvernance:index", VIEW, post_who="gouvernance.edit"),
    E("gouvernance:feed", VIEW),
    E("gouvernance:feed_token_create", VIEW, only=P),
    E("gouvernance:feed_token", PUBLIC, token="calendrier.token"),
    E("gouvernance:instance", VIEW, only=G, pk="instance"),
    E("gouvernance:instance_update", "gouvernance.edit", only=P, pk="instance"),
    E("gouvernance:membre_add", "gouvernance.edit", only=P, pk="instance"),
    E("gouvernance:seance_create", "gouvernance.edit", only=P, pk="instance"),
    E("gouvernance:membre_remove", "gouvernance.edit", only=P, pk="instance", membre_pk="membre"),
    E("gouvernance:membre_end", "gouvernance.edit", only=P, pk="instance", membre_pk="membre"),
    E("gouvernance:seance", VIEW, only=G, pk="seance"),
    E("gouvernance:seance_update", "gouvernance.edit", only=P, pk="seance"),
    E("gouvernance:seance_delete", "gouvernance.edit", pk="seance"),
    E("gouvernance:decision_delete", "decision.record", pk="seance", decision_pk="decision"),
    E("gouvernance:point_add", "gouvernance.edit", only=P, pk="seance"),
    E("gouvernance:compte_rendu", "gouvernance.edit", only=P, pk="seance"),
    E("gouvernance:pending_schedule", "gouvernance.edit", only=P, pk="seance"),
    E("gouvernance:point_move", "gouvernance.edit", only=P, pk="seance", point_pk="point"),
    E("gouvernance:decision", "decision.record", only=P, pk="seance", point_pk="point"),
    E("gouvernance:presences", "gouvernance.edit", only=P, pk="seance"),
    E("gouvernance:approve", "decision.record", only=P, pk="seance"),
    E("gouvernance:convocation", VIEW, pk="seance"),
    E("gouvernance:convocation_pdf", VIEW, pk="seance", heavy=True),
    E("gouvernance:convocation_send", "gouvernance.edit", only=P, pk="future"),
    E("gouvernance:compte_rendu_pdf", VIEW, pk="seance", heavy=True),
    E("gouvernance:seance_ics", VIEW, pk="seance"),
    # --- stratégie ----------------------------------------------------------------------------
    E("strategie:index", VIEW),
    E("strategie:projet_edit", "strategie.edit"),
    E("strategie:publish", "strategie.edit", only=P),
    E("strategie:unpublish", "strategie.edit", only=P),
    E("strategie:submit", "strategie.edit", only=P),
    E("strategie:projet", VIEW),
    E("strategie:versions", VIEW),
    E("strategie:version_diff", VIEW, query="?b=1"),
    E("strategie:axe_create", "strategie.edit"),
    E("strategie:axe_update", "strategie.edit", axe_pk="axe"),
    E("strategie:axe_delete", "strategie.edit", axe_pk="axe"),
    E("strategie:axe_move", "strategie.edit", only=P, axe_pk="axe", direction="=down"),
    E("strategie:axe_submit", "strategie.edit", only=P, axe_pk="axe"),
    E("strategie:sous_objectif_create", "strategie.edit", only=P, axe_pk="axe"),
    E("strategie:sous_objectif_update", "strategie.edit", only=P, pk="sous"),
    E("strategie:sous_objectif_delete", "strategie.edit", only=P, pk="sous"),
    E("strategie:indicateur_create", "strategie.edit", axe_pk="axe"),
    E("strategie:indicateur_update", "strategie.edit", pk="axe_indicateur"),
    E("strategie:indicateur_delete", "strategie.edit", pk="axe_indicateur"),
    E("strategie:secteur_create", "strategie.edit"),
    E("strategie:secteurs_import", "strategie.edit"),
    E("strategie:secteurs_export", VIEW),
    E("strategie:secteur_update", "strategie.edit", pk="secteur"),
    E("strategie:secteur_delete", "strategie.edit", pk="secteur"),
    E("strategie:public", PUBLIC),
    # --- diagnostic ---------------------------------------------------------------------------
    E("diagnostic:index", VIEW),
    E("diagnostic:edit", "diagnostic.edit"),
    E("diagnostic:submit", "diagnostic.edit", only=P),
    E("diagnostic:chiffres", VIEW),
    E("diagnostic:chiffres_sync", "diagnostic.edit", only=P),
    E("diagnostic:donnee_create", "diagnostic.edit"),
    E("diagnostic:donnee_edit", "diagnostic.edit", donnee_pk="donnee"),
    E("diagnostic:donnee_delete", "diagnostic.edit", donnee_pk="donnee"),
    E("diagnostic:chart_csv", VIEW, key="chart_key"),
    E("diagnostic:imports", "diagnostic.edit"),
    E("diagnostic:import_delete", "diagnostic.edit", import_pk="donnee_import"),
    E("diagnostic:import_exemple", "diagnostic.edit", nom="=donnees_exemple.csv"),
    E("diagnostic:afom", VIEW),
    E("diagnostic:afom_create", "diagnostic.edit"),
    E("diagnostic:afom_update", "diagnostic.edit", pk="afom"),
    E("diagnostic:afom_delete", "diagnostic.edit", pk="afom"),
    E("diagnostic:afom_move", "diagnostic.edit", only=P, pk="afom", direction="=down"),
    E("diagnostic:references", VIEW),
    E("diagnostic:plan_create", "diagnostic.edit"),
    E("diagnostic:plan_update", "diagnostic.edit", pk="plan"),
    E("diagnostic:plan_delete", "diagnostic.edit", pk="plan"),
    E("diagnostic:plan_download", VIEW, pk="plan"),
    E("diagnostic:etude_create", "diagnostic.edit"),
    E("diagnostic:etude_update", "diagnostic.edit", pk="etude"),
    E("diagnostic:etude_delete", "diagnostic.edit", pk="etude"),
    E("diagnostic:initiative_create", "diagnostic.edit"),
    E("diagnostic:initiative_update", "diagnostic.edit", pk="initiative"),
    E("diagnostic:initiative_delete", "diagnostic.edit", pk="initiative"),
    E("diagnostic:carte", VIEW),
    E("diagnostic:point_create", "diagnostic.edit"),
    E("diagnostic:point_update", "diagnostic.edit", pk="point_interet"),
    E("diagnostic:point_delete", "diagnostic.edit", pk="point_interet"),
    E("diagnostic:points_import", "diagnostic.edit"),
    E("diagnostic:points_export", VIEW),
    E("diagnostic:communes_export", VIEW),
    E("diagnostic:export_pdf", VIEW, heavy=True),
    E("diagnostic:export_xlsx", VIEW, heavy=True),
    # --- plan d'action ------------------------------------------------------------------------
    E("actions:plan", VIEW),
    E("actions:plan_xlsx", VIEW, heavy=True),
    E("actions:plan_csv", VIEW),
    E("actions:crte_export", VIEW, heavy=True),
    E("actions:import", "plan.edit"),
    E("actions:import_template", "plan.edit", heavy=True),
    E("actions:maquette", VIEW),
    E("actions:maquette_xlsx", VIEW, heavy=True),
    E("actions:fiche_create", "plan.edit"),
    E("actions:fiche", VIEW, fiche_pk="fiche"),
    E("actions:fiche_update", "plan.edit", fiche_pk="fiche"),
    E("actions:fiche_delete", "plan.edit", fiche_pk="fiche"),
    E("actions:budget_delete", "plan.edit", only=P, fiche_pk="fiche", budget_pk="budget"),
    E("actions:etape_delete", "plan.edit", only=P, fiche_pk="fiche", etape_pk="etape"),
    # The world's note is the chef's: deleting another's note asks `note.delete_any`.
    E("actions:note_delete", "note.delete_any", only=P, fiche_pk="fiche", note_pk="note"),
    E("actions:fiche_submit", "fiche.submit", only=P, fiche_pk="fiche"),
    E("actions:fiche_publication", "fiche.publish", only=P, fiche_pk="fiche"),
    E("actions:fiche_pdf", VIEW, fiche_pk="fiche", heavy=True),
    E("actions:fiche_docx", VIEW, fiche_pk="fiche", heavy=True),
    E("actions:ligne_add", "plan.edit", only=P, fiche_pk="fiche"),
    E("actions:ligne_statut", "plan.edit", only=P, fiche_pk="fiche", ligne_pk="ligne"),
    E("actions:ligne_update", "plan.edit", fiche_pk="fiche", ligne_pk="ligne"),
    E("actions:ligne_delete", "plan.edit", only=P, fiche_pk="fiche", ligne_pk="ligne"),
    E("actions:ligne_verser", "plan.edit", fiche_pk="fiche", ligne_pk="ligne"),
    E("actions:ligne_decision", "financement.decide", fiche_pk="fiche", ligne_pk="ligne"),
    E("actions:budget_add", "plan.edit", only=P, fiche_pk="fiche"),
    E("actions:etape_add", "plan.edit", only=P, fiche_pk="fiche"),
    E("actions:etape_toggle", "plan.edit", only=P, fiche_pk="fiche", etape_pk="etape"),
    E("actions:note_add", "fiche.comment", only=P, fiche_pk="fiche"),
    E("actions:piece_add", "plan.edit", only=P, fiche_pk="fiche"),
    E("actions:piece_download", VIEW, fiche_pk="fiche", piece_pk="piece"),
    E("actions:piece_delete", "plan.edit", only=P, fiche_pk="fiche", piece_pk="piece"),
    E("actions:indicateur_add", "plan.edit", only=P, fiche_pk="fiche"),
    E("actions:indicateur_update", "plan.edit", fiche_pk="fiche", indicateur_pk="fiche_indicateur"),
    E("actions:indicateur_delete", "plan.edit", only=P, fiche_pk="fiche", indicateur_pk="fiche_indicateur"),
    # --- suivi --------------------------------------------------------------------------------
    E("suivi:grille", "suivi.enter"),
    E("suivi:valeurs_import", "suivi.enter"),
    E("suivi:valeurs_import_modele", "suivi.enter"),
    E("suivi:valeurs", VIEW, post_who="suivi.enter", pk="suivi_indicateur"),
    E("suivi:valeur_update", "suivi.enter", pk="suivi_indicateur", mesure_pk="mesure"),
    E("suivi:valeur_delete", "suivi.enter", pk="suivi_indicateur", mesure_pk="mesure"),
    E("suivi:indicateurs", VIEW),
    E("suivi:indicateur", VIEW, pk="suivi_indicateur"),
    # --- conventions --------------------------------------------------------------------------
    E("conventions:index", VIEW),
    E("conventions:create", "conventions.edit"),
    E("conventions:detail", VIEW, pk="convention"),
    E("conventions:update", "conventions.edit", pk="convention"),
    E("conventions:resilier", "conventions.sign", pk="convention"),
    E("conventions:delete", "conventions.edit", pk="convention"),
    E("conventions:submit", "conventions.edit", only=P, pk="convention"),
    E("conventions:signataire_create", "conventions.edit", pk="convention"),
    E("conventions:signataire_update", "conventions.edit", pk="convention", signataire_pk="signataire"),
    E("conventions:signataire_delete", "conventions.edit", only=P, pk="convention", signataire_pk="signataire"),
    E("conventions:signature", "conventions.sign", only=P, pk="convention", signataire_pk="signataire"),
    E("conventions:generate", "conventions.generate", only=P, pk="convention", fmt="=pdf", heavy=True),
    E("conventions:signed_upload", "conventions.sign", pk="convention"),
    E("conventions:document", VIEW, pk="convention", document_pk="convention_document"),
    # --- participation ------------------------------------------------------------------------
    E("participation:public", PUBLIC),
    E("participation:contribution", PUBLIC, pk="published_contribution"),
    E("participation:moderation", "participation.moderate"),
    E("participation:page_update", "participation.moderate", only=P),
    E("participation:consultation_create", "participation.moderate", only=P),
    E("participation:export", "participation.moderate"),
    E("participation:moderate", "participation.moderate", only=P, pk="contribution", action="=publier"),
    # --- documents ----------------------------------------------------------------------------
    E("documents:list", VIEW),
    E("documents:create", "documents.edit"),
    E("documents:detail", VIEW, document_pk="document"),
    E("documents:update", "documents.edit", document_pk="document"),
    E("documents:version_add", "documents.edit", only=P, document_pk="document"),
    E("documents:download", VIEW, document_pk="document", version_pk="version"),
    E("documents:delete", "documents.edit", document_pk="document"),
    E("documents:submit", "documents.submit", only=P, document_pk="document"),
    # --- journal and bin (corbeille) ----------------------------------------------------------
    E("journal:journal", "journal.view"),
    E("journal:corbeille", "corbeille.restore"),
    # The world's bin is empty: the chef's restore of a missing item is a 404.
    E("journal:corbeille_restore", "corbeille.restore", only=P, ok=(404,), pk="=999999"),
    # --- pilotage -----------------------------------------------------------------------------
    E("pilotage:national", state("pilotage.tableau_territorial")),
    E("pilotage:national_xlsx", state("pilotage.tableau_territorial"), heavy=True),
    E("pilotage:tableau_de_bord", VIEW),
    E("pilotage:avis_create", "avis.give", kind="=fiche", pk="fiche"),
    E("pilotage:opendata", PUBLIC),
    E("pilotage:opendata_csv", PUBLIC),
    E("pilotage:opendata_geojson", PUBLIC),
    E("pilotage:bilans", VIEW),
    E("pilotage:bilan", VIEW, annee="bilan.annee"),
    E("pilotage:bilan_edit", "bilan.edit", annee="bilan.annee"),
    E("pilotage:bilan_submit", "bilan.edit", only=P, annee="bilan.annee"),
    E("pilotage:bilan_pdf", VIEW, annee="bilan.annee", heavy=True),
    E("pilotage:bilan_docx", VIEW, annee="bilan.annee", heavy=True),
]

# The Django admin: staff only, every pattern under /admin/ (checked on a few of its pages).
ADMIN_ENTRY = E("admin:*", ADMIN)

BY_NAME = {entry.name: entry for entry in REGISTER}
