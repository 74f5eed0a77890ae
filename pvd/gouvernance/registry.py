"""What the comité de projet decides on, declared by the apps that own it.

The gouvernance knows no other domain app: each app declares its decidable models in its
`AppConfig.ready()` with `register(...)`, and the gouvernance reads them here (the agenda
form's objects, the validations page, the labels' gender, who may submit, the shared rule
that guards their deletion). A new app (the diagnostic, the bilan annuel…) plugs in the same
way::

    class ActionsConfig(AppConfig):
        def ready(self):
            from pvd.gouvernance import registry

            registry.register(
                self.get_model("FicheAction"),
                key="fiche",
                label="Fiches action",
                noun="cette fiche action",
                feminine=True,
                submit_permission="fiche.submit",
                ...
            )

Models are listed in the order of registration, that is the order of `INSTALLED_APPS`.
A decidable model has a `dossier` foreign key (the comité decides on its own dossier's objects).

The apps may also declare members the comité de projet must count (`register_required_members`),
e.g. the signatories of the convention d'adhésion.
"""

from collections.abc import Callable
from dataclasses import dataclass


def _always(obj) -> bool:
    return True


@dataclass(frozen=True)
class Decidable:
    model: type
    # The value of the agenda form's choice (« fiche:12 ») and a stable name.
    key: str
    # The heading of the model's objects in the agenda form and the validations page.
    label: str
    # Demonstrative and noun, for the messages: « cette fiche action », « cet axe ».
    noun: str
    # The noun's gender, for the states' agreement: « Fiche 4 : non soumise ».
    feminine: bool = False
    # The permission (pvd.dossiers.perms.PERMISSIONS) a user needs to submit an object.
    submit_permission: str = ""
    # Which objects may be submitted (e.g. never a confidential document).
    submittable: Callable[[object], bool] = _always
    # A boolean field making an object confidential: its title never leaves who holds
    # `confidential_permission`, it reads `confidential_label` instead.
    confidential_field: str = ""
    confidential_permission: str = ""
    confidential_label: str = ""
    # Relations read by the object's name, fetched with the objects.
    select_related: tuple[str, ...] = ()
    # What to do instead of deleting an object the comité decided on.
    delete_hint: str = ""

    @property
    def label_lower(self) -> str:
        return self.model._meta.label_lower

    def scoped(self, queryset, access=None):
        """The objects of `queryset` that `access` may see (access=None: what leaves the platform)."""
        if self.confidential_field and (access is None or not access.can(self.confidential_permission)):
            queryset = queryset.filter(**{self.confidential_field: False})
        return queryset.select_related(*self.select_related) if self.select_related else queryset

    def is_confidential(self, obj) -> bool:
        return bool(self.confidential_field and getattr(obj, self.confidential_field))


_decidables: dict[str, Decidable] = {}  # by model label_lower, in registration order
_required_members: list[Callable] = []


def register(model, **declaration) -> Decidable:
    """Declare `model` as decided on by the comité de projet (see `Decidable`)."""
    decidable = Decidable(model=model, **declaration)
    known = by_key(decidable.key)
    if known is not None and known.model is not model:
        raise ValueError(f"La clé « {decidable.key} » est déjà celle de {known.label_lower}.")
    _decidables[decidable.label_lower] = decidable
    return decidable


def unregister(model) -> None:
    _decidables.pop(model._meta.label_lower, None)


def decidables() -> list[Decidable]:
    return list(_decidables.values())


def get(model_or_object) -> Decidable | None:
    """The declaration of a model (or of an object's model); None when not decidable."""
    return _decidables.get(model_or_object._meta.label_lower)


def by_key(key: str) -> Decidable | None:
    return next((d for d in _decidables.values() if d.key == key), None)


def register_required_members(check: Callable) -> None:
    """`check(instance, membres)` returns the members the comité de projet `instance` lacks,
    as [(short, long)] (see `selectors.composition_missing`); `membres` are its current members."""
    if check not in _required_members:
        _required_members.append(check)


def unregister_required_members(check: Callable) -> None:
    if check in _required_members:
        _required_members.remove(check)


def required_members_checks() -> list[Callable]:
    return list(_required_members)
