"""Every write of the journal and the bin: moving a deleted object to the bin, restoring it,
emptying the bin after its retention, and the audit trail's own retention."""

import datetime
import json
from collections import defaultdict

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, models, router, transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone

from .history import DOSSIER_HINT, TRACKED, dossier_ref_of
from .models import Corbeille

RESTORED_REASON = "Restauré depuis la corbeille"


def _label(instance) -> str:
    return str(instance)[:300]


def _dossier_ref(instance) -> int | None:
    records = TRACKED.get(type(instance))
    return dossier_ref_of(instance, records.dossier_path) if records else None


def _serialize(instances) -> list[dict]:
    """The objects as JSON-ready dicts, many-to-many fields left out (their rows are saved
    apart, whichever side the deletion started from)."""
    rows = json.loads(serializers.serialize("json", instances))
    for row, instance in zip(rows, instances, strict=True):
        for field in instance._meta.many_to_many:
            row["fields"].pop(field.name, None)
    return rows


def _files(instances) -> list[str]:
    names = []
    for instance in instances:
        for field in instance._meta.concrete_fields:
            if isinstance(field, models.FileField):
                value = getattr(instance, field.attname)
                if value:
                    names.append(str(value))
    return names


@transaction.atomic
def corbeille_move(*, instance, by, label: str | None = None) -> Corbeille:
    """Delete `instance` and what its deletion takes along, keeping them in the bin (files
    included, left on disk) so that the chef de projet can restore them. The caller has applied
    its own refusals first (e.g. `decidable_delete_check`)."""
    label = label or _label(instance)
    using = router.db_for_write(type(instance))
    collector = Collector(using=using, origin=instance)
    try:
        collector.collect([instance])
    except (ProtectedError, RestrictedError) as error:
        blocking = sorted({obj._meta.verbose_name for obj in error.args[1]})
        raise ValidationError(
            f"« {label} » ne peut pas être supprimé : d'autres éléments en dépendent ({', '.join(blocking)})."
        ) from error
    collector.sort()
    deleted = [obj for instances in collector.data.values() for obj in instances]
    # Parents first: the reverse of the order a deletion takes.
    ordered = [obj for instances in reversed(list(collector.data.values())) for obj in instances]
    links = []
    fast = []
    for queryset in collector.fast_deletes:
        fast.extend(queryset)
    for (field, _value), batches in collector.field_updates.items():
        for batch in batches:
            rows = batch.values_list("pk", field.attname) if isinstance(batch, models.QuerySet) else None
            pairs = list(rows) if rows is not None else [(obj.pk, getattr(obj, field.attname)) for obj in batch]
            links.extend([field.model._meta.label, pk, field.attname, value] for pk, value in pairs)
    dossier_ref = _dossier_ref(instance)
    entry = Corbeille.objects.create(
        dossier_ref=dossier_ref,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        label=label,
        deleted_by=by if by is not None and by.is_authenticated else None,
        payload={
            "objects": _serialize(ordered) + _serialize(fast),
            "links": links,
            "files": _files(deleted),
        },
        item_count=len(deleted) + len(fast),
    )
    for obj in deleted:
        setattr(obj, DOSSIER_HINT, dossier_ref)
        if by is not None and by.is_authenticated:
            obj._history_user = by
    collector.delete()
    return entry


def _missing_parents(objects, restoring: set[tuple[str, str]]) -> list[str]:
    """What the restored objects point to that is neither in the bin entry nor in the database
    (one query per model pointed to)."""
    wanted = defaultdict(set)
    for obj in objects:
        for field in obj._meta.concrete_fields:
            if field.many_to_one or field.one_to_one:
                value = getattr(obj, field.attname)
                target = field.related_model
                if value is not None and (target._meta.label, str(value)) not in restoring:
                    wanted[target].add(value)
    missing = []
    for target, pks in wanted.items():
        found = set(target._base_manager.filter(pk__in=pks).values_list("pk", flat=True))
        if set(pks) - found:
            missing.append(str(target._meta.verbose_name))
    return sorted(set(missing))


@transaction.atomic
def corbeille_restore(*, entry: Corbeille, by):
    """Put the entry's objects back, with their links and a `+` row in their history; all or
    nothing, with a French refusal when it cannot be done."""
    entry = Corbeille.objects.select_for_update().get(pk=entry.pk)
    payload = entry.payload
    deserialized = list(serializers.deserialize("json", json.dumps(payload["objects"])))
    objects = [item.object for item in deserialized]
    restoring = {(obj._meta.label, str(obj.pk)) for obj in objects}
    missing = _missing_parents(objects, restoring)
    if missing:
        raise ValidationError(
            f"« {entry.label} » ne peut pas être restauré : ce dont il dépend n'existe plus "
            f"({', '.join(missing)}). Restaurez-le d'abord s'il est dans la corbeille."
        )
    try:
        with transaction.atomic():
            for item in deserialized:
                obj = item.object
                try:
                    obj.validate_unique()
                    obj.validate_constraints()
                except ValidationError as error:
                    raise ValidationError(
                        f"« {entry.label} » ne peut pas être restauré : {obj._meta.verbose_name} « {obj} » "
                        f"entre en conflit avec un élément existant ({' '.join(error.messages)})"
                    ) from error
                item.save(force_insert=True)
            relinked = defaultdict(list)
            for model_label, pk, attname, value in payload["links"]:
                relinked[model_label, attname, value].append(pk)
            for (model_label, attname, value), pks in relinked.items():
                model = apps.get_model(model_label)
                model._base_manager.filter(pk__in=pks, **{attname: None}).update(**{attname: value})
            connection.check_constraints()
    except IntegrityError as error:
        raise ValidationError(
            f"« {entry.label} » ne peut pas être restauré : une valeur qui doit être unique est déjà prise, "
            "ou un élément dont il dépend a disparu."
        ) from error
    for obj in objects:
        records = TRACKED.get(type(obj))
        if records is not None:
            setattr(obj, DOSSIER_HINT, entry.dossier_ref)
            if by is not None and by.is_authenticated:
                obj._history_user = by
            records.restored(obj, reason=RESTORED_REASON)
    root = next(
        (obj for obj in objects if type(obj) is entry.content_type.model_class() and str(obj.pk) == entry.object_id),
        None,
    )
    entry.delete()
    return root


def _delete_files_on_commit(names: list[str]) -> None:
    if names:
        transaction.on_commit(lambda: [default_storage.delete(name) for name in names])


@transaction.atomic
def corbeille_purge(*, now=None) -> int:
    """Empty the bin of what stayed longer than `PVD_CORBEILLE_JOURS`; their files go then
    (once the purge is committed). Returns how many entries went."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.PVD_CORBEILLE_JOURS)
    expired = list(Corbeille.objects.select_for_update().filter(deleted_at__lt=cutoff))
    names = [name for entry in expired for name in entry.payload.get("files", [])]
    Corbeille.objects.filter(pk__in=[entry.pk for entry in expired]).delete()
    _delete_files_on_commit(names)
    return len(expired)


def _file_fields(model) -> list:
    return [field for field in model._meta.concrete_fields if isinstance(field, models.FileField)]


def _referenced_files(names: set[str]) -> set[str]:
    """Which of `names` an object, a row of the audit trail or an entry of the bin still refers
    to (two queries per tracked model with a file, one for the bin)."""
    found = set()
    for model in TRACKED:
        for field in _file_fields(model):
            for manager in (model._base_manager, model.history.model.objects):
                rows = manager.filter(**{f"{field.attname}__in": names}).values_list(field.attname, flat=True)
                found.update(rows)
    for files in Corbeille.objects.values_list("payload__files", flat=True):
        found.update(set(files or ()) & names)
    return found


@transaction.atomic
def purge_old_history(*, now=None, dry_run: bool = False) -> int:
    """Delete the audit trail's rows older than `PVD_CONSERVATION_JOURNAL_JOURS` (one query per
    historical model), then the files only those rows referred to (a file a change replaced stays
    while the history points to it). Returns how many rows went (or would go, with `dry_run`)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.PVD_CONSERVATION_JOURNAL_JOURS)
    total = 0
    names = set()
    for model, records in TRACKED.items():
        old = model.history.model.objects.filter(history_date__lt=cutoff)
        if not dry_run:
            for field in _file_fields(model):
                names.update(old.exclude(**{field.attname: ""}).values_list(field.attname, flat=True))
        if not dry_run:
            # Their many-to-many snapshots first (no foreign key in the database to cascade).
            for m2m in model.history.model._history_m2m_fields:
                records.m2m_models[m2m].objects.filter(history_id__in=old.values("history_id")).delete()
        total += old.count() if dry_run else old.delete()[0]
    if names:
        _delete_files_on_commit(sorted(names - _referenced_files(names)))
    return total
