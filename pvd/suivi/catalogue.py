"""The catalogue of common indicators, to pick from and then edit per dossier.

The entries are rows of `IndicateurModele`, edited in the Django admin (seeded by the
migration 0003). Only active entries are offered and accepted.
"""

from .models import IndicateurModele


def active_modeles():
    return IndicateurModele.objects.filter(active=True)


def get_modele(key: str) -> IndicateurModele | None:
    """The active entry with this key, or None."""
    if not key:
        return None
    return active_modeles().filter(key=key).first()


def is_known(key: str) -> bool:
    return bool(key) and active_modeles().filter(key=key).exists()


def catalogue_choices() -> list[tuple[str, str]]:
    return [(modele.key, str(modele)) for modele in active_modeles()]


def initial_from(modele: IndicateurModele) -> dict:
    """The indicator form's initial values for a catalogue entry."""
    return {
        "nom": modele.nom,
        "kind": modele.kind,
        "unite": modele.unite,
        "source": modele.source,
        "frequence": modele.frequence,
        "catalogue": modele.key,
    }
