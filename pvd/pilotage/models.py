"""Pilotage of the programme over the data of every app: alerts and their digest, the
dossier's dashboard, the département's and the nation's dashboards, the State's opinions,
the open data of the published fiches, the bilan annuel and the quarterly snapshots.

The highest layer of the platform: it reads every domain app, none reads it.
"""

from .models_bilan import BilanAnnuel, InstantaneTrimestriel  # noqa: E402,F401 - the évaluation's models
