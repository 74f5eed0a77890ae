import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models.fields import BLANK_CHOICE_DASH
from dsfr.forms import DsfrBaseForm

# Django's "---------" as the empty choice of a select says nothing to a reader: the project's one.
EMPTY_CHOICE = "— Choisir —"
_DJANGO_EMPTY = BLANK_CHOICE_DASH[0][1]


class _DsfrContextMixin:
    def get_context(self):
        # Mark optional fields (DSFR's current guidance) without django-dsfr's transition warnings.
        context = forms.BaseForm.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class _FrenchEmptyChoiceMixin:
    """Every select whose empty choice is Django's "---------" shows EMPTY_CHOICE instead.
    A label a form chose itself (e.g. "— Aucune —") is kept; choices a subclass sets after
    this __init__ are its own business."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelMultipleChoiceField):
                continue
            if isinstance(field, forms.ModelChoiceField):
                if field.empty_label == _DJANGO_EMPTY:
                    field.empty_label = EMPTY_CHOICE
                    field.widget.choices = field.choices
            elif isinstance(field, forms.ChoiceField):
                choices = list(field.choices)
                if choices and choices[0] == ("", _DJANGO_EMPTY):
                    field.choices = [("", EMPTY_CHOICE), *choices[1:]]


class BaseForm(_FrenchEmptyChoiceMixin, _DsfrContextMixin, DsfrBaseForm):
    pass


class BaseModelForm(_FrenchEmptyChoiceMixin, _DsfrContextMixin, DsfrBaseForm, forms.ModelForm):
    pass


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def apply_validation_error(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form that triggered it (a StaleVersion on a
    versioned form: the refusal with what the other person changed)."""
    from .concurrency import StaleVersion

    if isinstance(error, StaleVersion) and isinstance(form, VersionedFormMixin):
        form.refuse_stale()
        return
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def validation_message(error: ValidationError) -> str:
    """A service's ValidationError as one French sentence, for a page without a form."""
    return " ".join(error.messages)


def report_validation_error(request, error: ValidationError) -> None:
    """Show a service's ValidationError as an error message of the next page (views without a form)."""
    messages.error(request, validation_message(error))


# --- No lost update (pvd.core.concurrency) -------------------------------------------------

VERSION_FIELD = "version_lue"
READ_FIELD = "valeurs_lues"
INCOMPLETE_MESSAGE = "Formulaire incomplet : rechargez la page, puis saisissez de nouveau vos modifications."
EMPTY_VALUE = "(vide)"
LONG_TEXT = 2000  # a value shown in the conflict table is cut beyond this (a sector's outline, a long text)


def _raw(field, value):
    """A field's value as the form shows it, comparable and storable in JSON: a string, or a
    sorted list of strings for a multiple choice."""
    value = field.prepare_value(value)
    if isinstance(value, list | tuple | set):
        return sorted(str(getattr(item, "pk", item)) for item in value)
    if value is None:
        return ""
    if hasattr(value, "pk"):
        return str(value.pk)
    if isinstance(value, bool):
        return "1" if value else "0"
    if hasattr(value, "isoformat"):
        formatted = field.widget.format_value(value)
        return str(formatted if formatted is not None else value.isoformat())
    if hasattr(value, "name") and hasattr(value, "storage"):  # a stored file
        return value.name or ""
    return str(value)


def _choice_labels(field) -> dict[str, str]:
    labels = {}
    for value, label in getattr(field, "choices", ()):
        if isinstance(label, list | tuple):  # an optgroup
            labels.update({str(v): str(lbl) for v, lbl in label})
        else:
            labels[str(value)] = str(label)
    return labels


def _shown(field, raw) -> str:
    """A raw value (see `_raw`) as a person reads it in the conflict table."""
    from . import formatting

    if raw in ("", []):
        return EMPTY_VALUE
    if isinstance(field, forms.BooleanField):
        return "oui" if raw in ("1", "True", "on") else "non"
    if hasattr(field, "choices"):
        labels = _choice_labels(field)
        values = raw if isinstance(raw, list) else [raw]
        return ", ".join(labels.get(value, value) for value in values)
    if isinstance(field, forms.DateTimeField):
        return formatting.date_longue(raw, heure=True) or raw
    if isinstance(field, forms.DateField):
        return formatting.date_fr(raw) or raw
    if isinstance(field, forms.DecimalField | forms.FloatField):
        return formatting.nombre(formatting.to_decimal(raw)) or raw
    text = str(raw)
    return text if len(text) <= LONG_TEXT else text[:LONG_TEXT] + " […]"


class VersionedFormMixin:
    """The edit form of a versioned object (`pvd.core.concurrency`): carries, in hidden fields,
    the version it was read at and the values it showed. A save of an object changed since is
    refused: the form then says, field by field, what the other person changed (`conflict`:
    the value read, the value now saved), keeps what this person typed and carries the new
    version, so that saving again after merging succeeds. When nothing the form shows was
    changed (another form of the same object), the save goes ahead on the new version.

    `versioned`: the object edited (a ModelForm's instance by default); None for a creation,
    which nothing checks (or an unsaved one of version 0 with `refetch`, a callable giving the
    object as saved now: a form that creates its object on the first save).
    `initial_for(obj)`: the form's initial values read from an object (for a form that is not a
    ModelForm); the same function gives the values now saved. The view passes
    `form.read_version` to the service as `expected_version`; a service's
    StaleVersion given to `apply_validation_error` shows the same refusal."""

    def __new__(cls, *args, **kwargs):
        form = super().__new__(cls)
        # The constructor's keyword arguments as the view gave them (a subclass's own ones
        # included, e.g. `dossier`): the twin form of `_twin` is built with the same.
        form._call_kwargs = kwargs
        return form

    def __init__(self, *args, versioned=None, initial_for=None, refetch=None, **kwargs):
        if versioned is None and kwargs.get("instance") is not None and kwargs["instance"].pk is not None:
            versioned = kwargs["instance"]
        if versioned is not None and initial_for is not None:
            kwargs["initial"] = {**initial_for(versioned), **kwargs.get("initial", {})}
        self._initial_for = initial_for
        self._refetch = refetch
        super().__init__(*args, **kwargs)
        self.versioned = versioned
        self.conflict = []
        self._read_version = None
        if versioned is None:
            return
        self.fields[VERSION_FIELD] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, initial=versioned.version, min_value=0
        )
        self.fields[READ_FIELD] = forms.JSONField(widget=forms.HiddenInput, required=False, initial=self.snapshot())

    def snapshot(self) -> dict:
        """The form's initial values (see `_raw`), by field name."""
        return {
            name: _raw(field, self.get_initial_for_field(field, name))
            for name, field in self.fields.items()
            if name not in (VERSION_FIELD, READ_FIELD) and not isinstance(field, forms.FileField)
        }

    @property
    def read_version(self) -> int | None:
        """The version to pass to the service as `expected_version` (after `is_valid()`)."""
        return self._read_version

    def _fresh(self):
        """The object as saved now (`refetch()` for an object the view may not have created yet)."""
        if self._refetch is not None:
            return self._refetch()
        return type(self.versioned)._default_manager.get(pk=self.versioned.pk)

    def _twin(self, fresh):
        """The same form, unbound, for the object as it is saved now."""
        kwargs = {k: v for k, v in self._call_kwargs.items() if k not in ("data", "files", "instance", "initial")}
        kwargs.update(versioned=fresh, initial_for=self._initial_for, refetch=self._refetch)
        if isinstance(self, forms.BaseModelForm):
            kwargs["instance"] = fresh
        return type(self)(**kwargs)

    def clean(self):
        cleaned = super().clean()
        if self.versioned is None:
            return cleaned
        # Out of cleaned_data: a view passes `**form.cleaned_data` to its service.
        version, read = cleaned.pop(VERSION_FIELD, None), cleaned.pop(READ_FIELD, None)
        if version is None or not isinstance(read, dict):
            raise forms.ValidationError(INCOMPLETE_MESSAGE, code="incomplete")
        self._read_version, self._read_values = version, read
        fresh = self._fresh()
        if fresh.version != version:
            self._refuse(fresh, read, rebase=True)
        return cleaned

    def refuse_stale(self) -> None:
        """The service found the object changed (a save between this form's check and its own):
        the refusal, with what changed."""
        self._refuse(self._fresh(), getattr(self, "_read_values", {}), rebase=False)

    def _refuse(self, fresh, read: dict, *, rebase: bool) -> None:
        twin = self._twin(fresh)
        now = twin.snapshot()
        changed = [name for name in now if name in self.fields and read.get(name, now[name]) != now[name]]
        if not changed and rebase:
            self._read_version = fresh.version  # nothing shown here changed: save on the new version
            return
        from .concurrency import STALE_MESSAGE

        self.conflict = [
            {
                "label": self.fields[name].label or name,
                "read": _shown(self.fields[name], read[name]),
                "now": _shown(self.fields[name], now[name]),
            }
            for name in changed
        ]
        self.add_error(None, forms.ValidationError(STALE_MESSAGE, code="stale"))
        for name in changed:
            self.add_error(
                name,
                f"Modifié entre-temps par quelqu'un d'autre : « {_shown(self.fields[name], now[name])} » "
                "est enregistré maintenant. Ce champ garde votre saisie.",
            )
        # The page shown again carries the new version and the values now saved.
        self.data = self.data.copy()
        self.data[self.add_prefix(VERSION_FIELD)] = str(fresh.version)
        self.data[self.add_prefix(READ_FIELD)] = json.dumps(now)
