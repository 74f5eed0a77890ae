"""A user closes their own account (page « Fermer mon compte », issue 14 point 7).

The account is anonymised (pvd.comptes.rgpd.account_anonymise): everything the person wrote
(notes, values, decisions, opinions, the audit trail…) stays, under « Compte fermé n° <id> ».
Here, a layer above comptes, what the memberships require: a dossier never loses its last chef
de projet that way (they must name another one first), and the closed account leaves the
dossiers it was a member of.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from pvd.comptes.rgpd import account_anonymise

from .models import Dossier, Membre, Role


def sole_chef_dossiers(user) -> list[Dossier]:
    """The dossiers of which `user` is the only (active) chef de projet. One query."""
    other_chefs = Membre.objects.filter(role=Role.CHEF_DE_PROJET, user__is_active=True).exclude(user=user)
    return list(
        Dossier.objects.filter(membres__user=user, membres__role=Role.CHEF_DE_PROJET)
        .exclude(pk__in=other_chefs.values("dossier_id"))
        .order_by("nom", "pk")
        .distinct()
    )


def sole_chef_message(dossiers) -> str:
    names = ", ".join(f"« {d.nom} »" for d in dossiers)
    noun = "du dossier" if len(dossiers) == 1 else "des dossiers"
    return (
        f"Vous êtes le seul chef de projet {noun} {names}. Nommez d'abord un autre chef de projet "
        "(page « Membres » du dossier), puis fermez votre compte."
    )


def account_close(*, user, password: str) -> None:
    """Close `user`'s account after checking their password; refused while they are the only
    chef de projet of a dossier. Nothing changes on a refusal."""
    if not password or not user.check_password(password):
        raise ValidationError({"password": "Mot de passe incorrect."})
    with transaction.atomic():
        # The memberships are locked first: a colleague who leaves at the same time waits.
        list(
            Membre.objects.select_for_update(of=("self",)).filter(dossier__membres__user=user, role=Role.CHEF_DE_PROJET)
        )
        dossiers = sole_chef_dossiers(user)
        if dossiers:
            raise ValidationError(sole_chef_message(dossiers))
        Membre.objects.filter(user=user).delete()
        account_anonymise(user=user)
