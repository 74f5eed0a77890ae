"""Writes on the measured values of indicators (mesures): one value, or many at once (the saisie
grid and the import), all or nothing.

Who may write is `rules.may_enter`, asked here again: a view that forgot it, or a form that
smuggled the indicator of another dossier, is refused by the service itself.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from pvd.core.concurrency import claim_version
from pvd.journal.history import history_bulk_record
from pvd.journal.services import corbeille_move

from .models import Indicateur, Mesure
from .rules import may_enter

CORRECTABLE_FIELDS = ("date", "periode", "valeur", "source", "commentaire")
DUPLICATE_DATE = "Cet indicateur a déjà une valeur à cette date : corrigez-la plutôt."
REFUSED = "Vous ne pouvez pas saisir les valeurs de cet indicateur."


def _require(access, indicateur) -> None:
    if not may_enter(access, indicateur):
        raise PermissionDenied(REFUSED)


def _date_taken(indicateur, date, *, exclude_pk=None) -> bool:
    return Mesure.objects.filter(indicateur=indicateur, date=date).exclude(pk=exclude_pk).exists()


@transaction.atomic
def mesure_create(
    *,
    indicateur: Indicateur,
    date: datetime.date,
    valeur: Decimal,
    access,
    by,
    periode: str = "",
    source: str = "",
    commentaire: str = "",
) -> Mesure:
    _require(access, indicateur)
    mesure = Mesure(
        indicateur=indicateur,
        date=date,
        periode=periode,
        valeur=valeur,
        source=source,
        commentaire=commentaire,
        entered_by=by,
    )
    if date is not None and _date_taken(indicateur, date):
        raise ValidationError({"date": DUPLICATE_DATE})
    mesure.full_clean()
    mesure.save()
    return mesure


@transaction.atomic
def mesure_update(*, mesure: Mesure, access, by, expected_version: int | None = None, **changes) -> Mesure:
    """Correct a value: any of CORRECTABLE_FIELDS; who corrected and when are kept.
    `expected_version`: the version the caller read (see pvd.core.concurrency)."""
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValueError(f"Champs non modifiables : {', '.join(sorted(unknown))}")
    _require(access, mesure.indicateur)
    claim_version(mesure, expected_version)
    if not any(getattr(mesure, name) != value for name, value in changes.items()):
        return mesure  # nothing changed: no correction recorded
    for name, value in changes.items():
        setattr(mesure, name, value)
    if mesure.date is not None and _date_taken(mesure.indicateur, mesure.date, exclude_pk=mesure.pk):
        raise ValidationError({"date": DUPLICATE_DATE})
    mesure.updated_by, mesure.updated_at = by, timezone.now()
    mesure.full_clean()
    mesure.save()
    return mesure


@transaction.atomic
def mesure_delete(*, mesure: Mesure, access, by) -> None:
    _require(access, mesure.indicateur)
    corbeille_move(instance=mesure, by=by, label=f"{mesure.indicateur.nom} : {mesure}")


# --- Many values at once ---------------------------------------------------------------------


@dataclass
class Saisie:
    """One value to save, from a row of the grid or a line of a file (`key` names it in errors)."""

    key: object
    indicateur: Indicateur
    date: datetime.date
    valeur: Decimal
    periode: str = ""
    source: str = ""
    commentaire: str = ""
    existing: Mesure | None = None  # the value already there at that date (filled by `compare`)

    @property
    def changes(self) -> bool:
        if self.existing is None:
            return True
        return any(getattr(self.existing, name) != getattr(self, name) for name in ("valeur", "source", "commentaire"))


@dataclass
class SaisieResult:
    created: list[Saisie] = field(default_factory=list)
    updated: list[Saisie] = field(default_factory=list)
    unchanged: list[Saisie] = field(default_factory=list)


class SaisieRefused(ValidationError):
    """Some values cannot be saved: `errors` maps a Saisie's key to its [(field, French message)]."""

    def __init__(self, errors: dict):
        self.errors = errors
        super().__init__([message for faults in errors.values() for _field, message in faults])


def compare(saisies: list[Saisie]) -> SaisieResult:
    """Which values would be created, corrected or left as they are (one query): a value of the
    same indicator at the same date is corrected."""
    result = SaisieResult()
    if not saisies:
        return result
    existing = {
        (mesure.indicateur_id, mesure.date): mesure
        for mesure in Mesure.objects.filter(
            indicateur__in={s.indicateur.pk for s in saisies}, date__in={s.date for s in saisies}
        )
    }
    for saisie in saisies:
        saisie.existing = existing.get((saisie.indicateur.pk, saisie.date))
        bucket = result.created if saisie.existing is None else result.updated if saisie.changes else result.unchanged
        bucket.append(saisie)
    return result


def check(saisies: list[Saisie], *, dossier, access) -> dict:
    """The faults of each Saisie, without writing: key → [(field or "", French message)]. The
    indicator of another dossier or one `access` may not enter, two values of one indicator at one
    date, a value the model refuses. No query: the caller loaded the indicators."""
    errors: dict = {}
    first: dict = {}
    for saisie in saisies:
        faults = []
        if saisie.indicateur.dossier_id != dossier.pk:
            faults.append(("indicateur", "Cet indicateur n'appartient pas à ce dossier."))
        elif not may_enter(access, saisie.indicateur):
            faults.append(("indicateur", REFUSED))
        duplicate = first.setdefault((saisie.indicateur.pk, saisie.date), saisie.key)
        if duplicate != saisie.key:
            faults.append(("date", f"Même indicateur et même date que {_name(duplicate)}."))
        mesure = Mesure(
            indicateur=saisie.indicateur,
            date=saisie.date,
            periode=saisie.periode,
            valeur=saisie.valeur,
            source=saisie.source,
            commentaire=saisie.commentaire,
        )
        try:
            # The indicator is checked above and the author is the request's user: their foreign
            # keys are not looked up again; the date's uniqueness is `compare`'s (the constraint
            # in the database stays the last word).
            mesure.full_clean(
                exclude=["indicateur", "entered_by", "updated_by"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                faults.extend((name if name in CORRECTABLE_FIELDS else "", message) for message in messages)
        if faults:
            errors[saisie.key] = faults
    return errors


def _name(key) -> str:
    return f"la ligne {key}" if isinstance(key, int) else "une autre ligne"


@transaction.atomic
def mesures_save(*, dossier, saisies: list[Saisie], access, by) -> SaisieResult:
    """Save every value, or none: SaisieRefused with the faults of each row otherwise. A value of
    an indicator at a date that already has one corrects it (who and when kept); an unchanged one
    is left. A constant number of queries whatever the number of values."""
    errors = check(saisies, dossier=dossier, access=access)
    if errors:
        raise SaisieRefused(errors)
    result = compare(saisies)
    now = timezone.now()
    created = Mesure.objects.bulk_create(
        [
            Mesure(
                indicateur=s.indicateur,
                date=s.date,
                periode=s.periode,
                valeur=s.valeur,
                source=s.source,
                commentaire=s.commentaire,
                entered_by=by,
            )
            for s in result.created
        ]
    )
    corrected = []
    for saisie in result.updated:
        mesure = saisie.existing
        mesure.valeur, mesure.source, mesure.commentaire = saisie.valeur, saisie.source, saisie.commentaire
        mesure.periode = saisie.periode or mesure.periode
        mesure.updated_by, mesure.updated_at = by, now
        corrected.append(mesure)
    if corrected:
        Mesure.objects.bulk_update(
            corrected, ["valeur", "source", "commentaire", "periode", "updated_by", "updated_at"]
        )
        # Each corrected value's version moves on (pvd.core.concurrency): a correction form
        # opened before this save is refused rather than overwriting it.
        written = Mesure.objects.filter(pk__in=[m.pk for m in corrected])
        written.update(version=F("version") + 1)
        versions = dict(written.values_list("pk", "version"))
        for mesure in corrected:
            mesure.version = versions[mesure.pk]
    history_bulk_record(instances=created, history_type="+", by=by, dossier_ref=dossier.pk)
    history_bulk_record(instances=corrected, history_type="~", by=by, dossier_ref=dossier.pk)
    return result


def mesures_save_or_refuse(**kwargs) -> SaisieResult:
    """`mesures_save`, with a value saved meanwhile at the same date (another tab) reported as a
    refusal rather than a server error."""
    try:
        return mesures_save(**kwargs)
    except IntegrityError as error:
        raise ValidationError(
            "Une valeur a été saisie entre-temps à l'une de ces dates : rechargez la page et recommencez."
        ) from error
