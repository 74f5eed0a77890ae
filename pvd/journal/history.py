"""The audit trail's one mechanism: django-simple-history, with each historical row tagged by the
dossier it belongs to (`dossier_ref`) so that a dossier's journal reads one query per historical
model, whatever the number of rows.

An app declares the history of a model in its `models.py`::

    history = DossierHistory(dossier="fiche.dossier_id")

`dossier` is the dotted path from an instance to its dossier's id. The journal and the bin find
every tracked model in `TRACKED`, without importing the apps above this one.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from simple_history.models import HistoricalRecords

# tracked model → its DossierHistory (filled as the models load).
TRACKED: dict[type[models.Model], "DossierHistory"] = {}

# Set on an instance by the bin before it deletes a cascade: the dossier is known, no query.
DOSSIER_HINT = "_journal_dossier_ref"
# Set on an instance when its history row is written: the row its many-to-many fields fold into.
LAST_RECORD = "_journal_last_record"


FRENCH_LABELS = {
    "history_id": "n° dans le journal",
    "history_date": "date du changement",
    "history_change_reason": "motif",
    "history_type": "action",
    "history_user": "auteur",
}


class DossierHistoricalModel(models.Model):
    """The base of every historical model: the dossier the row belongs to, indexed."""

    dossier_ref = models.IntegerField("dossier", null=True, db_index=True, editable=False)

    class Meta:
        abstract = True


def _record_str(record) -> str:
    """ "<object> (date)". A past version lacks the fields the history leaves out (a séance's
    instance): its own name may then be unreadable, the kind and number stand for it."""
    try:
        name = str(record.history_object)
    except ObjectDoesNotExist:
        name = f"{record.instance_type._meta.verbose_name} n° {record.id}"
    return f"{name} ({record.history_date:%d/%m/%Y %H:%M})"


class DossierHistory(HistoricalRecords):
    def __init__(self, *, dossier: str, **kwargs):
        self.dossier_path = dossier
        kwargs.setdefault("bases", [DossierHistoricalModel])
        kwargs.setdefault("excluded_fields", [])
        super().__init__(**kwargs)

    def get_extra_fields(self, model, fields):
        extra = super().get_extra_fields(model, fields)
        for name, label in FRENCH_LABELS.items():
            if isinstance(extra.get(name), models.Field):
                extra[name].verbose_name = label
        extra["__str__"] = _record_str
        return extra

    def create_history_model(self, model, inherited):
        history_model = super().create_history_model(model, inherited)
        history_model.dossier_path = self.dossier_path
        TRACKED[model] = self
        return history_model

    def restored(self, instance, *, reason: str) -> None:
        """A `+` row for an instance the bin has put back (its raw save wrote no history)."""
        instance._change_reason = reason
        self.create_historical_record(instance, "+")


def dossier_ref_of(instance, path: str) -> int | None:
    hint = getattr(instance, DOSSIER_HINT, None)
    if hint is not None:
        return hint
    value = instance
    for name in path.split("."):
        if value is None:
            return None
        value = getattr(value, name)
    return value


def history_m2m_set(instance, **values) -> None:
    """Set many-to-many fields of `instance` right after its save, in the history row that save
    wrote: one row per change (a `.set()` alone writes a row for its removals and another for its
    additions, through `m2m_changed`)."""
    instance.skip_history_when_saving = True
    try:
        for name, value in values.items():
            getattr(instance, name).set(value)
    finally:
        del instance.skip_history_when_saving
    records = TRACKED.get(type(instance))
    last = getattr(instance, LAST_RECORD, None)
    if records is None or last is None:
        return
    for m2m in last._history_m2m_fields:
        records.m2m_models[m2m].objects.filter(history_id=last.pk).delete()
    records.create_historical_record_m2ms(last, instance)


def history_bulk_record(*, instances, history_type: str, by=None, dossier_ref: int | None = None) -> None:
    """The history rows of a bulk write (`bulk_create`, `bulk_update`, `update()`), which sends
    no signal: one INSERT per model. `history_type` is "+", "~" or "-"; the instances all belong
    to the dossier `dossier_ref`."""
    from django.utils import timezone

    now = timezone.now()
    user = by if by is not None and getattr(by, "is_authenticated", False) else None
    by_model: dict[type, list] = {}
    for instance in instances:
        by_model.setdefault(type(instance), []).append(instance)
    for model, objs in by_model.items():
        records = TRACKED.get(model)
        if records is None:
            continue
        history_model = model.history.model
        if history_model._history_m2m_fields:
            raise ValueError(f"{model._meta.label} garde ses liens multiples : enregistrez-le un par un.")
        fields = records.fields_included(objs[0])
        history_model.objects.bulk_create(
            [
                history_model(
                    history_date=now,
                    history_type=history_type,
                    history_user=user,
                    dossier_ref=dossier_ref if dossier_ref is not None else dossier_ref_of(obj, records.dossier_path),
                    **{field.attname: getattr(obj, field.attname) for field in fields},
                )
                for obj in objs
            ]
        )
