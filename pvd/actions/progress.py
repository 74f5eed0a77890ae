"""A fiche's progress: late or not, étapes done, money planned and spent, completeness.

Pure functions over fiches whose étapes, budgets, financing lines and indicators are already
loaded (`selectors.fiches_progress` prefetches them: a constant number of queries for any
number of fiches).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from .models import FicheStatut, StatutFinancement

ZERO = Decimal("0")

# Said on the fiche page and the plan d'action (and held by tests at today / yesterday).
RETARD_RULE = (
    "Une fiche est « en retard » quand sa fin prévue est passée (la veille ou avant) ou qu'une de ses "
    "étapes non réalisée a une date passée, et qu'elle n'est ni réalisée ni abandonnée. "
    "Une échéance fixée à aujourd'hui n'est pas encore en retard."
)
# The fiche statuses that are "done": never late.
DONE_STATUTS = (FicheStatut.REALISE, FicheStatut.ABANDONNE)

# What makes a fiche complete: (key, label of what is missing, the form's field to edit).
# `fiche_update` edits the fields; the plan de financement and the indicators have their own
# section of the fiche page (the anchor).
COMPLETENESS_ITEMS = [
    ("titre", "le titre", "titre"),
    ("description", "la description", "description"),
    ("pilote", "le pilote", "pilote"),
    ("maitre_ouvrage", "le maître d'ouvrage", "maitre_ouvrage"),
    ("dates", "les dates de début et de fin", "date_debut"),
    ("cout", "le coût HT", "cout_ht"),
    ("financement", "le plan de financement (au moins une ligne)", "#financement"),
    ("indicateur", "un indicateur", "#indicateurs"),
]
COMPLETENESS_RULE = (
    "Une fiche est complète quand elle a un titre, une description, un pilote, un maître d'ouvrage, "
    "des dates de début et de fin, un coût HT, au moins une ligne de financement et au moins un indicateur ; "
    "chaque élément compte pour une part égale."
)


def late_etapes(fiche, today: datetime.date, etapes=None) -> list:
    """The étapes past (before `today`) and not done of a fiche not done."""
    if fiche.statut in DONE_STATUTS:
        return []
    etapes = fiche.etapes.all() if etapes is None else etapes
    return [etape for etape in etapes if not etape.faite and etape.date < today]


def is_late(fiche, today: datetime.date, etapes=None) -> bool:
    """RETARD_RULE: not done (réalisée or abandonnée) and an end date or an undone étape's date
    strictly before `today`. Reads `fiche.etapes.all()` (prefetched) unless given `etapes`.
    `selectors.filter_fiches` says the same in SQL (`late_q`)."""
    if fiche.statut in DONE_STATUTS:
        return False
    if fiche.date_fin is not None and fiche.date_fin < today:
        return True
    return bool(late_etapes(fiche, today, etapes))


@dataclass
class Completeness:
    done: int
    total: int
    missing: list[tuple[str, str, str]] = field(default_factory=list)  # (key, label, field or anchor)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def missing_labels(self) -> str:
        return ", ".join(label for _, label, _ in self.missing)


def completeness(fiche, lignes=None, indicateurs=None) -> Completeness:
    """COMPLETENESS_RULE; reads `financements.all()` and `indicateurs.all()` (prefetched) unless given."""
    lignes = fiche.financements.all() if lignes is None else lignes
    indicateurs = fiche.indicateurs.all() if indicateurs is None else indicateurs
    present = {
        "titre": bool(fiche.titre.strip()),
        "description": bool(fiche.description.strip()),
        "pilote": bool(fiche.pilote.strip()),
        "maitre_ouvrage": bool(fiche.maitre_ouvrage_id or fiche.maitre_ouvrage_texte.strip()),
        "dates": fiche.date_debut is not None and fiche.date_fin is not None,
        "cout": fiche.cout_ht is not None,
        "financement": bool(lignes),
        "indicateur": bool(indicateurs),
    }
    missing = [item for item in COMPLETENESS_ITEMS if not present[item[0]]]
    return Completeness(done=len(COMPLETENESS_ITEMS) - len(missing), total=len(COMPLETENESS_ITEMS), missing=missing)


@dataclass
class Progress:
    """What the plan and the fiche page say of a fiche's progress."""

    statut: str
    statut_label: str
    en_retard: bool
    etapes_faites: int
    etapes_total: int
    etapes_en_retard: list
    prevu: Decimal  # planned yearly budgets (investissement + fonctionnement)
    realise: Decimal  # the actual spending entered (the years « non renseigné » count for nothing)
    annees_sans_realise: list[int]  # past or current years of a budget whose spending is not entered
    accorde: Decimal
    verse: Decimal  # received on the accordé lines
    completude: Completeness

    @property
    def realise_renseigne(self) -> bool:
        return not self.annees_sans_realise


def fiche_progress(
    fiche, today: datetime.date, *, etapes=None, budgets=None, lignes=None, indicateurs=None
) -> Progress:
    """The fiche's progress; its étapes, budgets, lines and indicators are read from the
    prefetched relations unless given (the fiche page has them loaded already)."""
    etapes = list(fiche.etapes.all() if etapes is None else etapes)
    budgets = list(fiche.budgets.all() if budgets is None else budgets)
    all_lignes = list(fiche.financements.all() if lignes is None else lignes)
    lignes = [ligne for ligne in all_lignes if ligne.statut == StatutFinancement.ACCORDE]
    return Progress(
        statut=fiche.statut,
        statut_label=fiche.get_statut_display(),
        en_retard=is_late(fiche, today, etapes),
        etapes_faites=sum(1 for etape in etapes if etape.faite),
        etapes_total=len(etapes),
        etapes_en_retard=late_etapes(fiche, today, etapes),
        prevu=sum((budget.total for budget in budgets), ZERO),
        realise=sum((budget.realise_total or ZERO for budget in budgets), ZERO),
        annees_sans_realise=[b.annee for b in budgets if b.annee <= today.year and not b.realise_renseigne],
        accorde=sum((ligne.montant for ligne in lignes), ZERO),
        verse=sum((ligne.montant_verse or ZERO for ligne in lignes), ZERO),
        completude=completeness(fiche, all_lignes, indicateurs),
    )
