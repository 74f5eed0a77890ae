"""Demo data of the pilotage: what makes the demo dossier's alerts and tableau de bord speak."""

from .demo_alertes import seed as seed_alertes


def seed(context) -> None:
    seed_alertes(context)
