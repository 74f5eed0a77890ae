"""Two years of measured values on the demo's indicators (Langres), entered by the demo chef de
projet: quarterly for what the team counts as it goes (logements rénovés, commerces), yearly for
the statistics; some late on purpose (population, vacance commerciale, émissions), so that the
indicators' statuses and the alerts have something to show. The CRTE's emissions are open to
the State's entry, the commerces to the partners'. Idempotent: a value already there at its date
is left as it is."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pvd.dossiers.perms import access_for

from . import services
from .models import Frequence, Indicateur
from .services_mesures import Saisie, mesures_save
from .values import ANNEE, TRIMESTRE, Periode, current_quarter

# nom → (fréquence, values from the oldest period on; the last one is the latest period's unless
# `late` periods are missing at the end, options)
SERIES = {
    "Taux de logements vacants": (Frequence.ANNUELLE, ["17.9", "17.2"], 0, {}),
    "Nombre de logements rénovés": (Frequence.TRIMESTRIELLE, ["4", "9", "15", "22", "30", "37", "45", "52"], 0, {}),
    "Population municipale": (Frequence.ANNUELLE, ["7618"], 1, {}),
    "Taux de vacance commerciale en centre-ville": (
        Frequence.TRIMESTRIELLE,
        ["15.5", "15.2", "14.8", "14.1", "13.9", "13.2"],
        2,
        {},
    ),
    "Nombre de commerces ouverts ou repris en centre-ville": (
        Frequence.TRIMESTRIELLE,
        ["1", "2", "4", "5", "7", "8", "10", "11"],
        0,
        {"saisie_partenaires": True},
    ),
    "Nombre d'emplois au lieu de travail": (Frequence.ANNUELLE, ["5398", "5431"], 0, {}),
    "Linéaire d'aménagements cyclables (CRTE)": (Frequence.ANNUELLE, ["3.5", "5.2"], 0, {}),
    "Surface d'espaces publics requalifiés": (Frequence.ANNUELLE, ["2500", "6200"], 0, {}),
    "Fréquentation du funiculaire et de la navette gare – ville haute": (
        Frequence.ANNUELLE,
        ["43500", "47800"],
        0,
        {},
    ),
    "Nuitées touristiques": (Frequence.ANNUELLE, ["98200", "104500"], 0, {}),
    "Émissions de gaz à effet de serre du territoire (CRTE)": (
        Frequence.ANNUELLE,
        ["60800"],
        1,
        {"saisie_etat": True},
    ),
    "Bâtiments publics rénovés énergétiquement": (Frequence.ANNUELLE, ["1", "2"], 0, {}),
}


def _periods(frequence: str, count: int, late: int, today) -> list[Periode]:
    """The `count` periods ending `late` periods before the last complete one."""
    if frequence == Frequence.TRIMESTRIELLE:
        current = current_quarter(today)
        index = current.annee * 4 + current.numero - 1  # the quarter before the current one, from 0
        last = index - 1 - late
        return [Periode(TRIMESTRE, i // 4, i % 4 + 1) for i in range(last - count + 1, last + 1)]
    last = today.year - 1 - late
    return [Periode(ANNEE, year) for year in range(last - count + 1, last + 1)]


@transaction.atomic
def seed(context) -> None:
    dossier, chef = context.dossier, context.chef
    access = access_for(chef, dossier)
    today = timezone.localdate()
    indicateurs = {i.nom: i for i in Indicateur.objects.filter(dossier=dossier, nom__in=SERIES)}
    saisies = []
    for nom, (frequence, values, late, flags) in SERIES.items():
        indicateur = indicateurs.get(nom)
        if indicateur is None:
            continue
        changes = {"frequence": frequence, **flags}
        if any(getattr(indicateur, name) != value for name, value in changes.items()):
            indicateur = services.indicateur_update(indicateur=indicateur, by=chef, **changes)
        existing = set(indicateur.mesures.values_list("date", flat=True))
        for periode, value in zip(_periods(frequence, len(values), late, today), values, strict=True):
            if periode.fin in existing:
                continue
            saisies.append(
                Saisie(
                    key=(nom, periode.key),
                    indicateur=indicateur,
                    date=periode.fin,
                    periode=periode.label,
                    valeur=Decimal(value),
                    source=indicateur.source,
                )
            )
    if saisies:
        mesures_save(dossier=dossier, saisies=saisies, access=access, by=chef)
