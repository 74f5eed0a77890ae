"""The one table of roles → permissions of the platform.

A user's access to a dossier comes from exactly one of:
- a membership (Membre) with a role: chef de projet, équipe-projet, élu, partenaire, lecteur;
- a State scope: préfecture of the dossier's département, or ANCT (every dossier);
- platform administrators (superusers), who read like ANCT and use the Django admin.
A member keeps their membership role even when they also hold a State scope.

| permission                    | chef | équipe | élu | partenaire | lecteur | préfecture | ANCT |
|-------------------------------|:----:|:------:|:---:|:----------:|:-------:|:----------:|:----:|
| dossier.view                  |  x   |   x    |  x  |     x      |    x    |     x      |  x   |
| dossier.edit                  |  x   |   x    |     |            |         |            |      |
| membres.manage                |  x   |        |     |            |         |            |      |
| diagnostic.edit               |  x   |   x    |     |            |         |            |      |
| strategie.edit                |  x   |   x    |     |            |         |            |      |
| plan.edit                     |  x   |   x    |     |            |         |            |      |
| fiche.view_confidential       |  x   |   x    |     |            |         |            |      |
| fiche.comment                 |  x   |   x    |  x  |     x      |         |     x      |  x   |
| fiche.submit                  |  x   |   x    |     |            |         |            |      |
| gouvernance.edit              |  x   |   x    |     |            |         |            |      |
| decision.record               |  x   |   x    |     |            |         |            |      |
| participation.moderate        |  x   |   x    |     |            |         |            |      |
| participation.view_contact    |  x   |   x    |     |            |         |            |      |
| conventions.edit              |  x   |   x    |     |            |         |            |      |
| conventions.generate          |  x   |        |     |            |         |            |      |
| conventions.sign              |  x   |        |     |            |         |            |      |
| documents.edit                |  x   |   x    |     |            |         |            |      |
| documents.submit              |  x   |   x    |     |            |         |            |      |
| documents.view_confidential   |  x   |   x    |     |            |         |            |      |
| note.delete_own               |  x   |   x    |  x  |     x      |         |     x      |  x   |
| note.delete_any               |  x   |        |     |            |         |            |      |
| suivi.enter                   |  x   |   x    |     |     x      |         |     x      |  x   |
| pilotage.digest               |  x   |   x    |     |            |         |            |      |
| fiche.publish                 |  x   |   x    |     |            |         |            |      |
| avis.view                     |  x   |   x    |     |            |         |     x      |  x   |
| avis.give                     |      |        |     |            |         |     x      |  x   |
| bilan.edit                    |  x   |        |     |            |         |            |      |
| dossier.open                  |      |        |     |            |         |     x      |  x   |
| demande.decide                |      |        |     |            |         |     x      |  x   |
| dossier.designate_chef        |      |        |     |            |         |     x      |  x   |
| financement.decide            |      |        |     |            |         |     x      |  x   |
| organisations.curate          |      |        |     |            |         |            |  x   |
| pilotage.tableau_territorial  |      |        |     |            |         |     x      |  x   |
| dossier.open_hors_programme   |      |        |     |            |         |            |  x   |
| journal.view                  |  x   |        |     |            |         |            |      |
| corbeille.restore             |  x   |        |     |            |         |            |      |

`dossier.open` (open a dossier and invite its chef de projet) and `demande.decide` (accept or
refuse a request to open one) come before any dossier exists: they are asked of
`state_access(user, communes)`, where only the State scope counts, never a membership. A
préfecture holds them for the communes of its département only, ANCT for every commune.
Anybody else (a chef de projet included) may only *request* a dossier (`DemandeDossier`).

`dossier.designate_chef` (see, cancel and resend the chef de projet's invitation, invite another
chef de projet) is asked of `dossier_state_access(user, dossier)`, scoped like `dossier.open`: the
préfecture of the département of all the dossier's communes, or ANCT. It only serves while the
dossier has no chef de projet (the services refuse otherwise): once a chef has joined, the chef
manages the members and the State gets no other member-management power.

`financement.decide` (record the State's decision, accordé or refusé, amount and date, on a
financing line of a scheme it instructs: DETR, DSIL, Fonds vert) is asked of the dossier's
access: the préfecture of the dossier's département (a préfecture of another département does
not see the dossier) or ANCT. Once recorded, the team keeps `plan.edit` on the line but no
longer changes its statut nor its amount (`pvd.actions.services.ligne_financement_decider`).

`fiche.view_confidential` and `documents.view_confidential` are asked only by the models'
`visible_to(access)` querysets (and `FicheAction.is_visible_to`): every read of fiches or
documents goes through them; `access=None` stands for the public and for what leaves the
platform (a generated convention, the participation pages), which never see a confidential one.

`suivi.enter` (enter, correct and delete the measured values of indicators) names the roles that
*may* be allowed; `pvd.suivi.rules.may_enter(access, indicateur)`, the one place of that rule,
adds the indicator's own allowance: the équipe-projet always, the State (préfecture, ANCT) only
on an indicator with `saisie_etat`, a partenaire only on one with `saisie_partenaires` (the
équipe ticks them on the indicator). Élus and lecteurs never enter values.

`pilotage.digest` (receive the weekly e-mail of the dossier's alerts, `pvd.pilotage.digest`) is
read over the memberships, never asked of a page: the alerts themselves and the tableau de bord de
suivi are read with `dossier.view`, confidential fiches left out by `visible_to(access)`.

`fiche.publish` puts a fiche on the national open-data page (or takes it off); a confidential
fiche is never published. `avis.give` records an opinion of the State on a fiche action or a
convention (the préfecture of the dossier's département, or ANCT), which nobody changes nor
deletes afterwards; `avis.view` shows those opinions to the équipe-projet and the State.

`participation.view_contact` (read the e-mail address a resident left with a contribution, to
answer them) is the équipe-projet's alone: never the élus, partenaires, lecteurs nor the State,
who see no résident's address on any page, export or API. The moderation page and its CSV
export ask it for the address column, the public pages never show an address (the register of
personal data, `pvd.comptes.rgpd`, says so).

`bilan.edit` (write the assessment of a bilan annuel and submit it to the comité de projet) is
the chef de projet's: the programme asks the chef for the yearly review. Every viewer of the
dossier reads and downloads the bilan, which never holds a confidential fiche.

`note.delete_own` (delete a note of suivi one wrote) and `note.delete_any` (any note of the
dossier) are asked together by `Note.deletable_by(access, user)`, the one place of that rule.

Every view and endpoint asks `access_for(user, dossier).can("…")` (or uses the
`dossier_view` decorator of `pvd.dossiers.views_utils`), after scoping the lookup with
`Dossier.objects.visible_to(user)`. `organisations.curate` (the national list of
organisations) belongs to no dossier: pages ask `national_access_for(user)`, and so does the
opening of a dossier for a commune outside the programme (`dossier.open_hors_programme`).
`pilotage.tableau_territorial` (the dashboard of the dossiers of a département, or of all of them)
is asked of `state_access(user)`: a préfecture sees its département's dossiers, ANCT all of them.

`journal.view` (read and export the dossier's journal: who changed what, when, before and after)
and `corbeille.restore` (see the dossier's bin and restore what was deleted) are the chef de
projet's: nobody changes the journal, and the bin holds what the whole team deleted.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from .models import Membre, Role

PREFECTURE = "prefecture"
ANCT = "anct"

ROLE_LABELS = dict(Role.choices) | {PREFECTURE: "Préfecture", ANCT: "ANCT"}

_ALL = {Role.CHEF_DE_PROJET, Role.EQUIPE, Role.ELU, Role.PARTENAIRE, Role.LECTEUR, PREFECTURE, ANCT}
_TEAM = {Role.CHEF_DE_PROJET, Role.EQUIPE}
_CHEF = {Role.CHEF_DE_PROJET}

PERMISSIONS: dict[str, set[str]] = {
    "dossier.view": _ALL,
    "dossier.edit": _TEAM,
    "membres.manage": _CHEF,
    "diagnostic.edit": _TEAM,
    "strategie.edit": _TEAM,
    "plan.edit": _TEAM,
    "fiche.view_confidential": _TEAM,
    "fiche.comment": _TEAM | {Role.ELU, Role.PARTENAIRE, PREFECTURE, ANCT},
    "fiche.submit": _TEAM,
    "gouvernance.edit": _TEAM,
    "decision.record": _TEAM,
    "participation.moderate": _TEAM,
    "participation.view_contact": _TEAM,
    "conventions.edit": _TEAM,
    "conventions.generate": _CHEF,
    "conventions.sign": _CHEF,
    "documents.edit": _TEAM,
    "documents.submit": _TEAM,
    "documents.view_confidential": _TEAM,
    "note.delete_own": _TEAM | {Role.ELU, Role.PARTENAIRE, PREFECTURE, ANCT},
    "note.delete_any": _CHEF,
    "suivi.enter": _TEAM | {Role.PARTENAIRE, PREFECTURE, ANCT},
    "pilotage.digest": _TEAM,
    "fiche.publish": _TEAM,
    "avis.view": _TEAM | {PREFECTURE, ANCT},
    "avis.give": {PREFECTURE, ANCT},
    "bilan.edit": _CHEF,
    "dossier.open": {PREFECTURE, ANCT},
    "demande.decide": {PREFECTURE, ANCT},
    "dossier.designate_chef": {PREFECTURE, ANCT},
    "financement.decide": {PREFECTURE, ANCT},
    "organisations.curate": {ANCT},
    "pilotage.tableau_territorial": {PREFECTURE, ANCT},
    "dossier.open_hors_programme": {ANCT},
    "journal.view": _CHEF,
    "corbeille.restore": _CHEF,
}


@dataclass(frozen=True)
class Access:
    role: str | None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, "") if self.role else ""

    def can(self, perm: str) -> bool:
        if perm not in PERMISSIONS:
            raise KeyError(f"Permission inconnue : {perm}")
        return self.role is not None and self.role in PERMISSIONS[perm]

    def require(self, perm: str) -> None:
        if not self.can(perm):
            raise PermissionDenied("Vous n'avez pas les droits nécessaires pour cette action.")

    @property
    def perms(self) -> dict[str, bool]:
        """For templates: `{% if access.perms.plan_edit %}`."""
        return {name.replace(".", "_"): self.can(name) for name in PERMISSIONS}


NO_ACCESS = Access(role=None)


def role_for(user, dossier) -> str | None:
    if not user.is_authenticated or not user.is_active:
        return None
    membership = Membre.objects.filter(dossier=dossier, user=user).values_list("role", flat=True).first()
    if membership:
        return membership
    if user.state_scope == ANCT or user.is_superuser:
        return ANCT
    if (
        user.state_scope == PREFECTURE
        and user.departement_id
        and dossier.communes.filter(departement_id=user.departement_id).exists()
    ):
        return PREFECTURE
    return None


def national_access_for(user) -> Access:
    """Access outside any dossier: ANCT's role for ANCT accounts and administrators, else none."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    return Access(role=ANCT) if user.state_scope == ANCT or user.is_superuser else NO_ACCESS


def access_for(user, dossier) -> Access:
    return Access(role=role_for(user, dossier))


def state_role_for(user, communes=None) -> str | None:
    """The State role of `user` for these communes (all of them), or in general when `communes` is None.

    A membership never counts here: being a member of a dossier gives no right over another commune."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser or user.state_scope == ANCT:
        return ANCT
    in_departement = communes is None or all(c.departement_id == user.departement_id for c in communes)
    if user.state_scope == PREFECTURE and user.departement_id and in_departement:
        return PREFECTURE
    return None


def state_access(user, communes=None) -> Access:
    return Access(role=state_role_for(user, communes))


def dossier_state_access(user, dossier) -> Access:
    """The State role of `user` over this dossier as its opener: `state_access` over all its communes
    (a membership never counts, and a préfecture that sees the dossier through only some of its
    communes is not its opener)."""
    if state_role_for(user) is None:
        return NO_ACCESS
    return state_access(user, list(dossier.communes.all()))
