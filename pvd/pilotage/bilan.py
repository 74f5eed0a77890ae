"""The bilan annuel of a dossier: its services (the chef de projet's assessment, the submission
to the comité de projet) and the content of its documents (`bilan_content`), read from the live
data in a fixed number of queries whatever the number of fiches, indicators or decisions.

What leaves the platform never holds a confidential fiche: every read of fiches and indicators
goes through `visible_to(None)`, and a decision on a confidential object reads its
confidential label (`gouvernance.selectors.label_points` with access=None).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Prefetch
from django.utils import timezone

from pvd.actions.models import BudgetAnnuel, Etape, FicheAction, FicheStatut, LigneFinancement, StatutFinancement
from pvd.core.concurrency import StaleVersion, claim_version
from pvd.core.formatting import date_fr, montant, nombre
from pvd.diagnostic.charts import Chart, Serie
from pvd.gouvernance.models import Decision
from pvd.gouvernance.selectors import label_points, validation_state
from pvd.gouvernance.services import object_submit
from pvd.suivi.models import Indicateur, Mesure

from .models_bilan import BilanAnnuel, InstantaneTrimestriel

# The programme started in 2020: no bilan before.
PREMIERE_ANNEE = 2020
# A fiche done or abandoned is never late.
TERMINEES = {FicheStatut.REALISE, FicheStatut.ABANDONNE}


def annees_possibles(today: datetime.date | None = None) -> range:
    """The years a bilan may be written for: from the programme's start to the current year."""
    today = today or timezone.localdate()
    return range(today.year, PREMIERE_ANNEE - 1, -1)


# --- Services -------------------------------------------------------------------------------


def _check_annee(annee: int) -> None:
    if annee not in annees_possibles():
        raise ValidationError(
            {"annee": f"Un bilan annuel porte sur une année de {PREMIERE_ANNEE} à {timezone.localdate().year}."}
        )


@transaction.atomic
def bilan_save(*, dossier, annee: int, appreciation: str, by, expected_version: int | None = None) -> BilanAnnuel:
    """Write (or rewrite) the chef de projet's assessment of `annee`. A bilan the comité de
    projet validated stays as validated: changing its text needs a new submission, which the
    page offers once the text changed (like the diagnostic). `expected_version`: the version the
    caller read, 0 when it read no bilan yet (see pvd.core.concurrency)."""
    _check_annee(annee)
    bilan = BilanAnnuel.objects.select_for_update().filter(dossier=dossier, annee=annee).first()
    if bilan is None:
        bilan = BilanAnnuel(dossier=dossier, annee=annee)
    else:
        if expected_version == 0:
            raise StaleVersion()  # written by someone else since this caller read none
        claim_version(bilan, expected_version)
        if bilan.appreciation == appreciation:
            return bilan
    bilan.appreciation = appreciation
    bilan.updated_by = by
    bilan.full_clean()
    bilan.save()
    return bilan


@transaction.atomic
def bilan_submit(*, bilan: BilanAnnuel, by):
    """Submit the bilan to the comité de projet (the one decision mechanism of the platform)."""
    if not bilan.appreciation.strip():
        raise ValidationError("Rédigez l'appréciation du bilan avant de le soumettre au comité de projet.")
    return object_submit(
        dossier=bilan.dossier,
        target=bilan,
        titre=f"Bilan annuel {bilan.annee} — {bilan.dossier.nom}",
        by=by,
    )


# --- Content of the documents ----------------------------------------------------------------


@dataclass(frozen=True)
class EtatIndicateur:
    code: str
    label: str


AUCUNE_VALEUR = EtatIndicateur("aucune_valeur", "Aucune valeur dans l'année")
SANS_CIBLE = EtatIndicateur("sans_cible", "Pas de cible")
ATTEINTE = EtatIndicateur("atteinte", "Cible atteinte")
NON_ATTEINTE = EtatIndicateur("non_atteinte", "Cible non atteinte")


def etat_indicateur(indicateur, derniere: Decimal | None) -> EtatIndicateur:
    """The bilan's own reading of an indicator at the end of the year (the suivi's status rule,
    with its « en retard » and « pas de valeur récente », is the indicator pages'):
    - no value measured up to the end of the year: « Aucune valeur dans l'année »;
    - no target: « Pas de cible »;
    - the target reached by the last value: « Cible atteinte ». Reached means at or above the
      target when the target is at or above the baseline (or there is no baseline), at or below
      it when the target is below the baseline (a vacancy rate to bring down);
    - otherwise « Cible non atteinte »."""
    if derniere is None:
        return AUCUNE_VALEUR
    if indicateur.cible is None:
        return SANS_CIBLE
    baisse = indicateur.valeur_initiale is not None and indicateur.cible < indicateur.valeur_initiale
    atteinte = derniere <= indicateur.cible if baisse else derniere >= indicateur.cible
    return ATTEINTE if atteinte else NON_ATTEINTE


def fiche_en_retard(fiche, etapes, reference: datetime.date) -> bool:
    """A fiche not done nor abandoned is late at `reference` when its end date is past, or one of
    its étapes is past and not done."""
    if fiche.statut in TERMINEES:
        return False
    if fiche.date_fin is not None and fiche.date_fin < reference:
        return True
    return any(not e.faite and e.date < reference for e in etapes)


def _indicateur_chart(indicateur, mesures) -> Chart:
    """Baseline, the values measured up to the end of the year, target: one bar each (the
    `diagnostic.charts` contract, drawn by `chart_svg` in the PDF)."""
    labels, values = [], []
    if indicateur.valeur_initiale is not None:
        labels.append(f"Référence{' (' + date_fr(indicateur.date_initiale) + ')' if indicateur.date_initiale else ''}")
        values.append(indicateur.valeur_initiale)
    for mesure in mesures:
        labels.append(date_fr(mesure.date))
        values.append(mesure.valeur)
    if indicateur.cible is not None:
        labels.append(f"Cible{' (' + date_fr(indicateur.echeance) + ')' if indicateur.echeance else ''}")
        values.append(indicateur.cible)
    return Chart(
        key=f"indicateur-{indicateur.pk}",
        title=indicateur.nom,
        theme="suivi",
        unit=indicateur.unite,
        labels=labels,
        series=[Serie(label=indicateur.nom, values=values)],
        sources=[indicateur.source] if indicateur.source else [],
    )


def _fiches(dossier, annee: int, reference: datetime.date) -> dict:
    fiches = list(
        FicheAction.objects.visible_to(None)
        .filter(dossier=dossier)
        .prefetch_related(Prefetch("etapes", queryset=Etape.objects.order_by("date", "pk")))
        .order_by("numero")
    )
    par_statut = dict.fromkeys(FicheStatut.values, 0)
    rows, faites, prevues = [], 0, 0
    for fiche in fiches:
        etapes = list(fiche.etapes.all())
        de_l_annee = [e for e in etapes if e.date.year == annee]
        par_statut[fiche.statut] += 1
        faites += sum(1 for e in de_l_annee if e.faite)
        prevues += len(de_l_annee)
        rows.append(
            {
                "numero": fiche.numero,
                "titre": fiche.titre,
                "statut": fiche.get_statut_display(),
                "fin": date_fr(fiche.date_fin, empty="—"),
                "en_retard": fiche_en_retard(fiche, etapes, reference),
                "etapes_faites": sum(1 for e in de_l_annee if e.faite),
                "etapes_prevues": len(de_l_annee),
            }
        )
    return {
        "fiches": rows,
        "par_statut": [
            {"statut": label, "nombre": par_statut[value]} for value, label in FicheStatut.choices if par_statut[value]
        ],
        "en_retard": [row for row in rows if row["en_retard"]],
        "etapes_faites": faites,
        "etapes_prevues": prevues,
        "nombre": len(rows),
    }


def _indicateurs(dossier, fin: datetime.date) -> list[dict]:
    indicateurs = (
        Indicateur.objects.visible_to(None)
        .filter(dossier=dossier)
        .select_related("axe", "fiche")
        .prefetch_related(Prefetch("mesures", queryset=Mesure.objects.filter(date__lte=fin).order_by("date")))
        .order_by(F("fiche__numero").asc(nulls_first=True), "axe__numero", "nom", "pk")
    )
    out = []
    for indicateur in indicateurs:
        mesures = list(indicateur.mesures.all())
        de_l_annee = [m for m in mesures if m.date.year == fin.year]
        derniere = mesures[-1].valeur if mesures else None
        etat = etat_indicateur(indicateur, derniere if de_l_annee else None)
        if indicateur.axe_id:
            rattachement = f"Axe {indicateur.axe.numero}"
        elif indicateur.fiche_id:
            rattachement = f"Fiche action n° {indicateur.fiche.numero}"
        else:
            rattachement = "Projet de territoire"
        out.append(
            {
                "indicateur": indicateur,
                "nom": indicateur.nom,
                "unite": indicateur.unite,
                "rattachement": rattachement,
                "frequence": indicateur.get_frequence_display().lower(),
                "reference": nombre(indicateur.valeur_initiale),
                "date_reference": date_fr(indicateur.date_initiale, empty="—"),
                "cible": nombre(indicateur.cible),
                "echeance": date_fr(indicateur.echeance, empty="—"),
                "valeurs": [
                    {"date": date_fr(m.date), "valeur": nombre(m.valeur), "source": m.source} for m in de_l_annee
                ],
                "derniere": nombre(derniere),
                "etat": etat.label,
                "chart": _indicateur_chart(indicateur, de_l_annee),
            }
        )
    return out


def _argent(dossier, annee: int) -> dict:
    """Money of the year: the planned and the actual budget (BudgetAnnuel of `annee`: actual
    spending left blank is « non renseigné », not 0) and the financing lines (granted, requested,
    paid) of each fiche."""
    fiches = FicheAction.objects.visible_to(None).filter(dossier=dossier)
    budgets = {
        b.fiche_id: b
        for b in BudgetAnnuel.objects.filter(fiche__in=fiches, annee=annee)
        .select_related("fiche")
        .order_by("fiche__numero")
    }
    lignes = list(
        LigneFinancement.objects.filter(fiche__in=fiches)
        .exclude(statut=StatutFinancement.REFUSE)
        .select_related("fiche", "financeur")
        .order_by("fiche__numero", "pk")
    )
    rows: dict[int, dict] = {}

    def row(fiche):
        return rows.setdefault(
            fiche.pk,
            {
                "numero": fiche.numero,
                "titre": fiche.titre,
                "prevu": Decimal(0),
                "realise": None,
                "accorde": Decimal(0),
                "verse": Decimal(0),
                "sollicite": Decimal(0),
            },
        )

    for budget in budgets.values():
        r = row(budget.fiche)
        r["prevu"] += budget.total
        spent = [v for v in (budget.realise_investissement, budget.realise_fonctionnement) if v is not None]
        if spent:
            r["realise"] = (r["realise"] or Decimal(0)) + sum(spent, Decimal(0))
    for ligne in lignes:
        key = "accorde" if ligne.statut == StatutFinancement.ACCORDE else "sollicite"
        r = row(ligne.fiche)
        r[key] += ligne.montant
        r["verse"] += ligne.montant_verse or 0
    ordered = sorted(rows.values(), key=lambda r: r["numero"])
    totals = {key: sum((r[key] for r in ordered), Decimal(0)) for key in ("prevu", "accorde", "sollicite", "verse")}
    totals["realise"] = sum((r["realise"] for r in ordered if r["realise"] is not None), Decimal(0))
    de_l_annee = [ligne for ligne in lignes if ligne.date and ligne.date.year == annee]
    return {
        "fiches": [
            {
                **r,
                **{k: montant(r[k]) for k in ("prevu", "accorde", "sollicite", "verse")},
                "realise": montant(r["realise"]) if r["realise"] is not None else "non renseigné",
            }
            for r in ordered
        ],
        "total": {k: montant(v) for k, v in totals.items()},
        "sans_budget": [r["numero"] for r in ordered if not r["prevu"]],
        "lignes_de_l_annee": [
            {
                "fiche": ligne.fiche.numero,
                "financeur": ligne.financeur.nom,
                "dispositif": ligne.get_dispositif_display(),
                "montant": montant(ligne.montant),
                "statut": ligne.get_statut_display().lower(),
                "date": date_fr(ligne.date),
            }
            for ligne in de_l_annee
        ],
    }


def _decisions(dossier, annee: int) -> list[dict]:
    """The comité's decisions of the year (séances held in `annee`), corrected ones replaced by
    their correction; a decision on a confidential object reads its confidential label only."""
    decisions = list(
        Decision.objects.filter(point__dossier=dossier, point__seance__date__year=annee, correction__isnull=True)
        .select_related("point__seance__instance")
        .order_by("point__seance__date", "point__ordre", "pk")
    )
    points = label_points([d.point for d in decisions], dossier, access=None)
    return [
        {
            "date": date_fr(d.point.seance.date),
            "instance": d.point.seance.instance.nom,
            "objet": point.libelle,
            "resultat": d.get_resultat_display(),
            "texte": "" if point.confidentiel else d.texte,
        }
        for d, point in zip(decisions, points, strict=True)
    ]


def bilan_content(dossier, annee: int, bilan: BilanAnnuel | None = None, *, today: datetime.date | None = None) -> dict:
    """Everything the bilan of `annee` shows, as the PDF, the DOCX and the page read it. Fiches
    are late as of the end of the year, or today for the current year."""
    from .snapshots import instantanes_rows

    today = today or timezone.localdate()
    debut, fin = datetime.date(annee, 1, 1), datetime.date(annee, 12, 31)
    reference = min(today, fin)
    validation = validation_state(bilan) if bilan is not None and bilan.pk else None
    instantanes = InstantaneTrimestriel.objects.filter(
        dossier=dossier, trimestre__gte=debut - datetime.timedelta(days=1), trimestre__lte=fin
    ).order_by("trimestre")
    return {
        "dossier": dossier,
        "annee": annee,
        "debut": debut,
        "fin": fin,
        "reference": reference,
        "bilan": bilan,
        "appreciation": bilan.appreciation if bilan is not None else "",
        "validation": validation,
        **{f"fiches_{k}": v for k, v in _fiches(dossier, annee, reference).items()},
        "indicateurs": _indicateurs(dossier, fin),
        "argent": _argent(dossier, annee),
        "decisions": _decisions(dossier, annee),
        "instantanes": instantanes_rows(instantanes),
    }
