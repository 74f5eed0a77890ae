"""Reads of the journal and the bin: a fixed number of queries whatever the number of rows (one
query for a page of the journal, then two per kind of object shown on it)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.db.models import CharField, OuterRef, Subquery, Value

from pvd.comptes.models import User
from pvd.core import formatting

from .history import TRACKED
from .models import Corbeille

ACTIONS = {"+": "Création", "~": "Modification", "-": "Suppression"}
# What changes on every save or says nothing to a reader.
HIDDEN_FIELDS = {"updated_at", "created_at", "version", "search_vector"}
LABEL_FIELDS = ("titre", "nom", "intitule", "libelle", "label", "objet", "texte", "email")


def kinds() -> list[tuple[str, str]]:
    """(key, French name) of every model the journal follows, by name."""
    return sorted(
        ((model._meta.label_lower, str(model._meta.verbose_name).capitalize()) for model in TRACKED),
        key=lambda item: item[1],
    )


def _model_for(key: str):
    return next((model for model in TRACKED if model._meta.label_lower == key), None)


def _filtered(model, dossier, filters: dict):
    queryset = model.history.model.objects.filter(dossier_ref=dossier.pk)
    if filters.get("personne"):
        queryset = queryset.filter(history_user=filters["personne"])
    if filters.get("action"):
        queryset = queryset.filter(history_type=filters["action"])
    if filters.get("du"):
        queryset = queryset.filter(history_date__date__gte=filters["du"])
    if filters.get("au"):
        queryset = queryset.filter(history_date__date__lte=filters["au"])
    return queryset


def journal_rows(dossier, filters: dict | None = None):
    """(history_id, history_date, kind) of the dossier's journal, newest first: one query
    (a UNION over the historical models), that a Paginator slices and counts."""
    filters = filters or {}
    models_ = [_model_for(filters["type"])] if filters.get("type") else list(TRACKED)
    parts = [
        _filtered(model, dossier, filters)
        .annotate(journal_kind=Value(model._meta.label_lower, output_field=CharField()))
        .values_list("history_id", "history_date", "journal_kind")
        .order_by()
        for model in models_
        if model is not None
    ]
    return parts[0].union(*parts[1:], all=True).order_by("-history_date", "-history_id")


def journal_people(dossier):
    """Who appears in the dossier's journal (for the filter): one query, then the users'."""
    parts = [
        model.history.model.objects.filter(dossier_ref=dossier.pk, history_user__isnull=False)
        .values_list("history_user_id")
        .order_by()
        for model in TRACKED
    ]
    ids = {row[0] for row in parts[0].union(*parts[1:])}
    return User.objects.filter(pk__in=ids).order_by("last_name", "first_name", "email")


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Entry:
    date: object
    action: str
    action_code: str
    kind: str
    label: str
    user: object
    reason: str
    changes: list[Change] = field(default_factory=list)


def _display(model_field, value) -> str:
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return "oui" if value else "non"
    if isinstance(model_field, models.DateTimeField):
        return formatting.date_longue(value, heure=True)
    if isinstance(model_field, models.DateField):
        return formatting.date_fr(value)
    if isinstance(model_field, (models.DecimalField, models.FloatField, models.IntegerField)) and not (
        model_field.is_relation
    ):
        return formatting.nombre(value)
    if model_field.is_relation:
        return f"n° {value}"
    text = str(value)
    return text if len(text) <= 300 else text[:299] + "…"


def _label_of(model, record) -> str:
    for name in LABEL_FIELDS:
        value = getattr(record, name, None)
        if value:
            text = str(value)
            return text if len(text) <= 120 else text[:119] + "…"
    return f"n° {record.id}"


def _m2m_fields(model) -> list:
    return list(model.history.model._history_m2m_fields)


def _changes(model, record, previous) -> list[Change]:
    if previous is None:
        return []
    # The many-to-many fields are compared apart, for the whole page at once (`_m2m_changes`).
    excluded = [m2m.name for m2m in _m2m_fields(model)]
    delta = record.diff_against(previous, excluded_fields=excluded, foreign_keys_are_objs=False)
    changes = []
    for change in delta.changes:
        if change.field in HIDDEN_FIELDS:
            continue
        model_field = model._meta.get_field(change.field)
        changes.append(
            Change(
                label=str(model_field.verbose_name).capitalize(),
                before=_display(model_field, change.old),
                after=_display(model_field, change.new),
            )
        )
    return changes


def _m2m_links(model, history_ids) -> dict:
    """{(field, history_id): {pk of the related object}} of the many-to-many fields the history
    keeps: one query per field."""
    links = defaultdict(set)
    records = TRACKED[model]
    for m2m in _m2m_fields(model):
        target = m2m.m2m_reverse_field_name()
        rows = records.m2m_models[m2m].objects.filter(history_id__in=history_ids)
        for history_id, pk in rows.values_list("history_id", f"{target}_id"):
            links[m2m, history_id].add(pk)
    return links


def _add_m2m_changes(pending) -> None:
    """Append to the entries their many-to-many changes, named: one query per related model."""
    wanted = defaultdict(set)
    for _entry, m2m, before, after in pending:
        wanted[m2m.related_model] |= before | after
    names = {
        related: {pk: str(obj) for pk, obj in related._base_manager.order_by().in_bulk(pks).items()}
        for related, pks in wanted.items()
    }

    def named(related, pks) -> str:
        labels = sorted(names[related].get(pk, f"n° {pk} (supprimé)") for pk in pks)
        return ", ".join(labels) or "—"

    for entry, m2m, before, after in pending:
        entry.changes.append(
            Change(
                label=str(m2m.verbose_name).capitalize(),
                before=named(m2m.related_model, before),
                after=named(m2m.related_model, after),
            )
        )


def journal_entries(rows) -> list[Entry]:
    """The entries of a page of `journal_rows`: two queries per kind of object on the page (the
    rows with their author, then the rows just before them, for the before/after), one more per
    many-to-many field the kind's history keeps, and one per model those fields point to."""
    pending = []
    by_kind: dict[str, list[int]] = {}
    for history_id, _date, kind in rows:
        by_kind.setdefault(kind, []).append(history_id)
    found = {}
    for kind, ids in by_kind.items():
        model = _model_for(kind)
        history = model.history.model
        previous_id = (
            history.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
            .order_by("-history_id")
            .values("history_id")[:1]
        )
        records = list(
            history.objects.filter(history_id__in=ids)
            .select_related("history_user")
            .annotate(previous_id=Subquery(previous_id))
        )
        previous = history.objects.in_bulk([r.previous_id for r in records if r.previous_id], field_name="history_id")
        changed = [r for r in records if r.history_type == "~" and r.previous_id in previous]
        links = _m2m_links(model, [r.history_id for r in changed] + [r.previous_id for r in changed])
        for record in records:
            before = previous.get(record.previous_id) if record.history_type == "~" else None
            entry = found[kind, record.history_id] = Entry(
                date=record.history_date,
                action=ACTIONS.get(record.history_type, record.history_type),
                action_code=record.history_type,
                kind=str(model._meta.verbose_name).capitalize(),
                label=_label_of(model, record),
                user=record.history_user,
                reason=record.history_change_reason or "",
                changes=_changes(model, record, before),
            )
            if before is not None:
                for m2m in _m2m_fields(model):
                    old_pks, new_pks = links[m2m, before.history_id], links[m2m, record.history_id]
                    if old_pks != new_pks:
                        pending.append((entry, m2m, old_pks, new_pks))
    _add_m2m_changes(pending)
    return [found[kind, history_id] for history_id, _date, kind in rows if (kind, history_id) in found]


def corbeille_entries(dossier):
    return Corbeille.objects.filter(dossier_ref=dossier.pk).select_related("content_type", "deleted_by")
