"""The eight steps of the programme, each with a state derived from the dossier's content.

Each domain app provides the function that reads its own content; the dossier home page
only gathers them. A step whose app has no provider yet shows as "à venir".

A provider returns (état, détail) or (état, détail, next action): the next useful action for
this dossier and this viewer, read from the same data as the state (`next_action` below
chooses between the action and, for who may not do it, a reading action or nothing).
"""

import inspect
from dataclasses import dataclass
from importlib import import_module

A_VENIR = "a_venir"
EN_COURS = "en_cours"
TERMINE = "termine"
STATE_LABELS = {A_VENIR: "À venir", EN_COURS: "En cours", TERMINE: "Terminée"}

STEPS = [
    ("engagement", "Engagement : convention d'adhésion et chef de projet", "pvd.conventions.steps.engagement"),
    ("gouvernance", "Gouvernance : comité de projet et équipe-projet", "pvd.gouvernance.steps.gouvernance"),
    ("diagnostic", "Diagnostic du territoire", "pvd.diagnostic.steps.diagnostic"),
    ("strategie", "Stratégie : axes stratégiques et périmètre ORT", "pvd.strategie.steps.strategie"),
    ("plan", "Plan d'action : calendrier et maquette financière", "pvd.actions.steps.plan"),
    ("fiches", "Fiches action examinées en comité de projet", "pvd.actions.steps.fiches"),
    ("convention_cadre", "Convention-cadre valant ORT", "pvd.conventions.steps.convention_cadre"),
    ("suivi", "Suivi et évaluation", "pvd.suivi.steps.suivi"),
]


@dataclass(frozen=True)
class NextAction:
    text: str
    url: str
    edit: bool = True  # False: a page to read (for who may not act, or a wait on the comité)


def next_action(access, perm: str, text: str, url: str, *, read: tuple[str, str] | None = None):
    """`text` → `url` when `access` may `perm`; otherwise the reading action `read` (text, url),
    or None. access=None (no viewer) never gets an edit action."""
    if access is not None and access.can(perm):
        return NextAction(text, url)
    return NextAction(read[0], read[1], edit=False) if read else None


def reading(text: str, url: str) -> NextAction:
    return NextAction(text, url, edit=False)


@dataclass(frozen=True)
class StepState:
    numero: int
    key: str
    titre: str
    etat: str
    detail: str
    next_action: NextAction | None = None

    @property
    def etat_label(self) -> str:
        return STATE_LABELS[self.etat]


def optional_provider(path: str):
    """The function at `path`, or None when its app (or the app's module) is not built yet.

    Only that absence is tolerated: an import error inside an existing module, or a missing
    function in it, is a bug and must show.
    """
    module_path, _, name = path.rpartition(".")
    try:
        module = import_module(module_path)
    except ModuleNotFoundError as error:
        if error.name == module_path or module_path.startswith(f"{error.name}."):
            return None
        raise
    return getattr(module, name)


def dossier_steps(dossier, access=None) -> list[StepState]:
    """The steps as `access` may see them: a provider that counts content some roles may not see
    (confidential fiches) takes the viewer's access; access=None counts only what every member sees."""
    states = []
    for numero, (key, titre, path) in enumerate(STEPS, start=1):
        provider = optional_provider(path)
        if provider is None:
            result = (A_VENIR, "Pas encore commencée.")
        elif "access" in inspect.signature(provider).parameters:
            result = provider(dossier, access=access)
        else:
            result = provider(dossier)
        etat, detail, *action = result
        states.append(
            StepState(
                numero=numero, key=key, titre=titre, etat=etat, detail=detail, next_action=action[0] if action else None
            )
        )
    return states
