"""Writes of the accounts."""

from django.db import transaction


def preferences_update(*, user, digest_hebdo: bool) -> None:
    """The user's own preferences: the weekly digest of alerts on or off."""
    with transaction.atomic():
        user.digest_hebdo = digest_hebdo
        user.full_clean()
        user.save(update_fields=["digest_hebdo"])
