"""Who may enter the measured values of an indicator: the one place of that rule.

`suivi.enter` (pvd/dossiers/perms.py) names the roles that may be allowed; the indicator says
whether it is:

| role                       | may enter the values of an indicator          |
|----------------------------|-----------------------------------------------|
| chef de projet, équipe     | always                                        |
| préfecture, ANCT           | when the indicator has `saisie_etat`          |
| partenaire                 | when the indicator has `saisie_partenaires`   |
| élu, lecteur, anyone else  | never                                         |

The indicator must also be one the viewer sees (`Indicateur.objects.visible_to(access)`: the
indicators of a confidential fiche only for the équipe-projet); the views look it up there.
"""

from django.db.models import Q

from pvd.dossiers.models import Role
from pvd.dossiers.perms import ANCT, PREFECTURE

# role → the indicator's field that must be ticked for it (None: no condition).
_CONDITIONS = {
    Role.CHEF_DE_PROJET: None,
    Role.EQUIPE: None,
    Role.PARTENAIRE: "saisie_partenaires",
    PREFECTURE: "saisie_etat",
    ANCT: "saisie_etat",
}


def _condition(access) -> tuple[bool, str | None]:
    """(may `access` enter values at all, the indicator's flag that must be ticked or None)."""
    if access is None or not access.can("suivi.enter") or access.role not in _CONDITIONS:
        return False, None
    return True, _CONDITIONS[access.role]


def may_enter(access, indicateur) -> bool:
    allowed, flag = _condition(access)
    return allowed and (flag is None or bool(getattr(indicateur, flag)))


def may_enter_some(access) -> bool:
    """Whether `access` may enter values of some indicator (the saisie grid's link and step 8's action)."""
    return _condition(access)[0]


def enterable(indicateurs, access):
    """The indicators of the queryset `indicateurs` whose values `access` may enter (the same rule
    as `may_enter`, as a filter)."""
    allowed, flag = _condition(access)
    if not allowed:
        return indicateurs.none()
    return indicateurs if flag is None else indicateurs.filter(Q(**{flag: True}))
