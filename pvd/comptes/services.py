"""Writes of the accounts."""

from django.core.exceptions import ValidationError
from django.db import transaction

from . import double_facteur
from .models import PolitiqueSecurite


def preferences_update(*, user, digest_hebdo: bool) -> None:
    """The user's own preferences: the weekly digest of alerts on or off."""
    with transaction.atomic():
        user.digest_hebdo = digest_hebdo
        user.full_clean()
        user.save(update_fields=["digest_hebdo"])


# --- Two-factor authentication -----------------------------------------------------------------

WRONG_CODE = "Code incorrect ou expiré : saisissez le code à 6 chiffres affiché par votre application."


def double_facteur_confirm(*, user, device, code: str) -> list[str]:
    """Confirms the TOTP device being set up with a code it generated; returns the new recovery codes."""
    # Checked before the transaction: a wrong code counts for the device's throttling (django-otp
    # saves it), which a rollback would undo.
    if device.user_id != user.pk or device.confirmed or not device.verify_token("".join((code or "").split())):
        raise ValidationError({"code": WRONG_CODE})
    with transaction.atomic():
        double_facteur.remove_all(user, keep=device)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return double_facteur.new_recovery_codes(user)


def double_facteur_remove(*, user, code: str) -> None:
    """Removes the user's devices, once a code of them (or a recovery code) is given."""
    if double_facteur.matching_device(user, code) is None:
        raise ValidationError({"code": WRONG_CODE})
    with transaction.atomic():
        double_facteur.remove_all(user)


def politique_securite_update(*, double_facteur_etat: bool, double_facteur_chefs: bool, by) -> PolitiqueSecurite:
    with transaction.atomic():
        politique = PolitiqueSecurite.objects.select_for_update().get_or_create(pk=1)[0]
        politique.double_facteur_etat = double_facteur_etat
        politique.double_facteur_chefs = double_facteur_chefs
        politique.updated_by = by
        politique.full_clean()
        politique.save()
        return politique
