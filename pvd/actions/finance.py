"""Financial computations of a fiche's financing plan, pure functions (no database).

Definitions used everywhere on the platform:
- accordé: sum of the lines whose status is "accordé" (secured funding);
- sollicité: sum of the lines asked for and not yet decided;
- reste à financer = coût HT − accordé (what is not secured yet, may be negative);
- reste à trouver = coût HT − accordé − sollicité (what nobody has been asked for yet);
- the rate of a funder is its accordé + sollicité over the coût HT, in percent, 2 decimals.
Refused lines count in nothing but the "refusé" total.
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from pvd.core import formatting

ZERO = Decimal("0")
CENT = Decimal("0.01")


def rate(part: Decimal, whole: Decimal | None) -> Decimal | None:
    """part / whole in percent, rounded to 2 decimals; None when the whole is unknown or zero."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class FunderShare:
    nom: str
    accorde: Decimal = ZERO
    sollicite: Decimal = ZERO
    refuse: Decimal = ZERO
    taux: Decimal | None = None
    taux_accorde: Decimal | None = None

    @property
    def total(self) -> Decimal:
        return self.accorde + self.sollicite


@dataclass
class PlanFinancement:
    cout_ht: Decimal | None
    accorde: Decimal = ZERO
    sollicite: Decimal = ZERO
    refuse: Decimal = ZERO
    financeurs: list[FunderShare] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def total_demande(self) -> Decimal:
        return self.accorde + self.sollicite

    @property
    def reste_a_financer(self) -> Decimal | None:
        return None if self.cout_ht is None else self.cout_ht - self.accorde

    @property
    def reste_a_trouver(self) -> Decimal | None:
        return None if self.cout_ht is None else self.cout_ht - self.accorde - self.sollicite

    @property
    def taux_accorde(self) -> Decimal | None:
        return rate(self.accorde, self.cout_ht)

    @property
    def taux_total(self) -> Decimal | None:
        return rate(self.total_demande, self.cout_ht)


def plan_financement(cout_ht: Decimal | None, lignes) -> PlanFinancement:
    """lignes: iterable of objects or dicts with financeur (name), montant and statut."""
    plan = PlanFinancement(cout_ht=cout_ht)
    shares: OrderedDict[str, FunderShare] = OrderedDict()
    for ligne in lignes:
        nom, montant, statut = _unpack(ligne)
        share = shares.setdefault(nom, FunderShare(nom=nom))
        if statut == "accorde":
            plan.accorde += montant
            share.accorde += montant
        elif statut == "sollicite":
            plan.sollicite += montant
            share.sollicite += montant
        else:
            plan.refuse += montant
            share.refuse += montant
    for share in shares.values():
        share.taux = rate(share.total, cout_ht)
        share.taux_accorde = rate(share.accorde, cout_ht)
    plan.financeurs = list(shares.values())
    if cout_ht is not None:
        if plan.accorde > cout_ht:
            plan.warnings.append(
                f"Les financements accordés ({formatting.montant(plan.accorde, True)}) "
                f"dépassent le coût HT ({formatting.montant(cout_ht, True)})."
            )
        elif plan.total_demande > cout_ht:
            plan.warnings.append(
                f"Les financements accordés et sollicités ({formatting.montant(plan.total_demande, True)}) "
                f"dépassent le coût HT ({formatting.montant(cout_ht, True)})."
            )
    elif plan.total_demande:
        plan.warnings.append("Le coût HT n'est pas renseigné : les taux de financement ne peuvent pas être calculés.")
    return plan


def _unpack(ligne) -> tuple[str, Decimal, str]:
    if isinstance(ligne, dict):
        return str(ligne["financeur"]), Decimal(ligne["montant"]), ligne["statut"]
    return ligne.financeur.nom, ligne.montant, ligne.statut
