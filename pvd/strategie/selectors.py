"""Reads of the strategy: the overview page, the snapshot a version stores, the diff of two."""

import difflib
from dataclasses import dataclass

from django.db.models import Prefetch

from pvd.gouvernance.selectors import validation_state, validation_states
from pvd.suivi.formatting import date_courte, nombre
from pvd.suivi.models import Frequence, Indicateur, IndicateurKind

from .models import AxeStrategique, Echelle, OrientationCrte, ProjetTerritoire, SecteurIntervention, SecteurKind


def axes_of(dossier):
    return (
        AxeStrategique.objects.filter(dossier=dossier)
        .prefetch_related(
            "partenaires",
            "sous_objectifs",
            Prefetch("indicateurs", queryset=Indicateur.objects.filter(fiche__isnull=True).order_by("kind", "nom")),
        )
        .order_by("ordre", "numero")
    )


def secteurs_of(dossier):
    return SecteurIntervention.objects.filter(dossier=dossier).select_related("commune").order_by("kind", "nom")


def projet_of(dossier) -> ProjetTerritoire | None:
    return ProjetTerritoire.objects.filter(dossier=dossier).select_related("version_publiee").first()


def changed_since_validation(projet, projet_state, axe_states: dict) -> tuple[bool, set[int]]:
    """(whether the strategy, which axes) changed after the comité de projet validated them.

    A decision is not tied to a version: the version in force when it was recorded is compared
    with the latest one (the whole strategy for the projet, the axe's own entry for an axe).
    Two queries: the dates of the versions, then the few snapshots needed."""
    decided = {
        key: state.decision.created_at
        for key, state in [("projet", projet_state), *axe_states.items()]
        if state is not None and state.is_validated and state.decision is not None
    }
    if projet is None or not decided:
        return False, set()
    dates = list(projet.versions.order_by("numero").values_list("numero", "created_at"))
    if not dates:
        return False, set()
    latest = dates[-1][0]

    def in_force_at(moment):
        numeros = [numero for numero, created_at in dates if created_at <= moment]
        return numeros[-1] if numeros else None

    wanted = {key: in_force_at(moment) for key, moment in decided.items()}
    snapshots = dict(
        projet.versions.filter(numero__in={latest, *wanted.values()} - {None}).values_list("numero", "snapshot")
    )
    current = snapshots[latest]

    def axe_entry(snapshot, pk):
        return next((axe for axe in snapshot.get("axes", []) if axe["id"] == pk), None)

    projet_changed = "projet" in wanted and (wanted["projet"] is None or snapshots[wanted["projet"]] != current)
    axes_changed = {
        pk
        for pk, numero in wanted.items()
        if pk != "projet" and (numero is None or axe_entry(snapshots[numero], pk) != axe_entry(current, pk))
    }
    return projet_changed, axes_changed


def strategie_overview(dossier) -> dict:
    axes = list(axes_of(dossier))
    states = validation_states(axes)
    projet = projet_of(dossier)
    projet_state = validation_state(projet) if projet else None
    projet_changed, axes_changed = changed_since_validation(projet, projet_state, states)
    for axe in axes:
        axe.validation = states[axe.pk]
        axe.modifie_depuis_validation = axe.pk in axes_changed
    return {
        "projet": projet,
        "projet_validation": projet_state,
        "projet_modifie_depuis_validation": projet_changed,
        "axes": axes,
        "secteurs": list(secteurs_of(dossier)),
    }


def map_bounds(dossier) -> list[list[float]] | None:
    """Where a map of the dossier opens when it has no sector yet: its EPCI's outline, when known."""
    from pvd.territoires.models import Epci

    from .geo import bounds

    outline = Epci.objects.filter(pk=dossier.epci_id).values_list("contour", flat=True).first()
    return bounds(outline) if outline else None


def secteurs_geojson(secteurs) -> dict:
    from .geo import feature_collection

    return feature_collection(
        [
            (
                secteur.geometry,
                {
                    "nom": secteur.nom,
                    "kind": secteur.kind,
                    "type": secteur.get_kind_display(),
                    "commune": secteur.commune_id,
                    "commune_nom": secteur.commune.nom,
                    "description": secteur.description,
                    "surface_m2": round(secteur.surface_m2),
                },
            )
            for secteur in secteurs
        ]
    )


# --- What a deletion unlinks ---------------------------------------------------------------


@dataclass(frozen=True)
class Unlinked:
    label: str  # "Fiches action", ...
    items: list[str]  # what the user may read of them
    hidden: int = 0  # those the user may not see (confidential fiches), counted only


def _fiches_unlinked(queryset, access) -> list[Unlinked]:
    rows = list(queryset.order_by("numero").values_list("numero", "titre", "confidentielle"))
    if not rows:
        return []
    may_see = access.can("fiche.view_confidential")
    items = [f"Fiche n° {numero} — {titre}" for numero, titre, confidential in rows if may_see or not confidential]
    return [Unlinked("Fiches action (le lien est retiré, les fiches restent)", items, len(rows) - len(items))]


def secteur_unlinks(secteur, access) -> list[Unlinked]:
    """What deleting the sector leaves without its sector: one query."""
    from pvd.actions.models import FicheAction

    return _fiches_unlinked(FicheAction.objects.filter(secteur=secteur), access)


def axe_unlinks(axe, access) -> list[Unlinked]:
    """What deleting the axe leaves without it: fiches, consultations and contributions (one query each)."""
    from pvd.actions.models import FicheAction
    from pvd.participation.models import Consultation, Contribution

    result = _fiches_unlinked(FicheAction.objects.filter(axes=axe), access)
    questions = list(Consultation.objects.filter(axe=axe).order_by("ouverture").values_list("question", flat=True))
    if questions:
        result.append(Unlinked("Consultations (elles ne seront plus rattachées à un axe)", questions))
    contributions = Contribution.objects.filter(axe=axe).count()
    if contributions:
        # Residents' texts are not quoted here: their number is enough to decide.
        result.append(
            Unlinked(
                "Contributions des habitants (elles ne seront plus rattachées à un axe)",
                [f"{contributions} contribution{'s' if contributions > 1 else ''}"],
            )
        )
    return result


# --- Snapshots and diffs -------------------------------------------------------------------


def _number(value):
    return None if value is None else format(value.normalize(), "f")


def strategie_snapshot(dossier) -> dict:
    """The whole strategy as plain JSON: what a version stores and the public page shows."""
    projet = ProjetTerritoire.objects.filter(dossier=dossier).first()
    return {
        "resume": projet.resume if projet else "",
        "axes": [
            {
                "id": axe.pk,
                "numero": axe.numero,
                "titre": axe.titre,
                "enjeux": axe.enjeux,
                "echelle": axe.echelle,
                "partenaires": sorted(organisation.nom for organisation in axe.partenaires.all()),
                "orientations_crte": list(axe.orientations_crte),
                "transition_ecologique": axe.transition_ecologique,
                "cohesion_territoriale": axe.cohesion_territoriale,
                "sous_objectifs": [sous.titre for sous in axe.sous_objectifs.all()],
                "indicateurs": [
                    {
                        "id": indicateur.pk,
                        "nom": indicateur.nom,
                        "kind": indicateur.kind,
                        "unite": indicateur.unite,
                        "valeur_initiale": _number(indicateur.valeur_initiale),
                        "date_initiale": indicateur.date_initiale.isoformat() if indicateur.date_initiale else None,
                        "cible": _number(indicateur.cible),
                        "echeance": indicateur.echeance.isoformat() if indicateur.echeance else None,
                        "source": indicateur.source,
                        "frequence": indicateur.frequence,
                    }
                    for indicateur in axe.indicateurs.all()
                ],
            }
            for axe in axes_of(dossier)
        ],
        "secteurs": [
            {
                "id": secteur.pk,
                "nom": secteur.nom,
                "kind": secteur.kind,
                "commune": secteur.commune.nom,
                "surface_m2": round(secteur.surface_m2),
                "description": secteur.description,
                "geometry": secteur.geometry,
            }
            for secteur in secteurs_of(dossier)
        ],
    }


_ECHELLES = dict(Echelle.choices)
_ORIENTATIONS = dict(OrientationCrte.choices)
_KINDS = dict(IndicateurKind.choices)
_SECTEUR_KINDS = dict(SecteurKind.choices)
_FREQUENCES = dict(Frequence.choices)


def _yes_no(value) -> str:
    return "oui" if value else "non"


def shape_description(geometry) -> str:
    """A shape as a person reads it: "1 polygone, 12 sommets" (closing points not counted twice)."""
    if not geometry:
        return "aucune"
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    vertices = sum(max(len(ring) - 1, 0) for rings in polygons for ring in rings)
    count = len(polygons)
    return f"{count} polygone{'s' if count > 1 else ''}, {nombre(vertices)} sommet{'s' if vertices > 1 else ''}"


def _surface(secteur) -> str:
    return f"{nombre(secteur['surface_m2'] / 10_000, 2)} ha"


def flatten_snapshot(snapshot: dict, reshaped: frozenset = frozenset()) -> dict[str, tuple[str, str]]:
    """{stable key: (readable label, readable text)} for every field a person would compare.

    `reshaped`: ids of the sectors whose shape differs from the other version compared. Their
    shape reads "modifiée": a new outline of the same area and vertex count still shows."""
    fields: dict[str, tuple[str, str]] = {"resume": ("Synthèse du projet de territoire", snapshot.get("resume", ""))}
    for axe in snapshot.get("axes", []):
        prefix, label = f"axe:{axe['id']}", f"Axe {axe['numero']}"
        fields[f"{prefix}:numero"] = (f"{label} — numéro", str(axe["numero"]))
        fields[f"{prefix}:titre"] = (f"{label} — titre", axe["titre"])
        fields[f"{prefix}:enjeux"] = (f"{label} — enjeux", axe["enjeux"])
        fields[f"{prefix}:echelle"] = (f"{label} — échelle", _ECHELLES.get(axe["echelle"], axe["echelle"]))
        fields[f"{prefix}:partenaires"] = (f"{label} — partenaires mobilisés", "\n".join(axe["partenaires"]))
        fields[f"{prefix}:crte"] = (
            f"{label} — orientations du CRTE",
            "\n".join(_ORIENTATIONS.get(code, code) for code in axe["orientations_crte"]),
        )
        fields[f"{prefix}:te"] = (f"{label} — transition écologique", _yes_no(axe["transition_ecologique"]))
        fields[f"{prefix}:ct"] = (f"{label} — cohésion territoriale", _yes_no(axe["cohesion_territoriale"]))
        fields[f"{prefix}:sous"] = (f"{label} — sous-objectifs", "\n".join(axe["sous_objectifs"]))
        for ind in axe["indicateurs"]:
            text = "\n".join(
                [
                    f"Nom : {ind['nom']}",
                    f"Type : {_KINDS.get(ind['kind'], ind['kind'])}",
                    f"Unité : {ind['unite']}",
                    f"Valeur de référence : {nombre(ind['valeur_initiale'])} "
                    f"({date_courte(ind['date_initiale']) or 'sans date'})",
                    f"Cible : {nombre(ind['cible'])} (échéance {date_courte(ind['echeance']) or 'non fixée'})",
                    f"Source : {ind['source'] or '—'}",
                    f"Fréquence : {_FREQUENCES.get(ind['frequence'], ind['frequence'])}",
                ]
            )
            fields[f"ind:{ind['id']}"] = (f"{label} — indicateur « {ind['nom']} »", text)
    for secteur in snapshot.get("secteurs", []):
        shape = shape_description(secteur.get("geometry"))
        if secteur["id"] in reshaped:
            shape = f"modifiée ({shape})"  # the surface is on its own line
        text = "\n".join(
            [
                f"Nom : {secteur['nom']}",
                f"{_SECTEUR_KINDS.get(secteur['kind'], secteur['kind'])}, {secteur['commune']}, {_surface(secteur)}",
                f"Description : {secteur.get('description') or '—'}",
                f"Forme : {shape}",
            ]
        )
        fields[f"secteur:{secteur['id']}"] = (f"Secteur « {secteur['nom']} »", text)
    return fields


@dataclass(frozen=True)
class FieldDiff:
    label: str
    change: str  # "ajouté", "supprimé", "modifié"
    lines: list[tuple[str, str]]  # (" ", "-", "+") and the line


def _order_diff(old: dict, new: dict) -> list[FieldDiff]:
    """The order of the axes (a snapshot lists them in order), shown only when the axes kept
    from one version to the other changed places: adding or removing one is shown on its own."""
    old_axes, new_axes = old.get("axes", []), new.get("axes", [])
    common = {axe["id"] for axe in old_axes} & {axe["id"] for axe in new_axes}
    if [a["id"] for a in old_axes if a["id"] in common] == [a["id"] for a in new_axes if a["id"] in common]:
        return []

    def lines(axes):
        return [f"{position}. Axe {axe['numero']} — {axe['titre']}" for position, axe in enumerate(axes, start=1)]

    diff = []
    for line in difflib.ndiff(lines(old_axes), lines(new_axes)):
        if not line.startswith("? "):
            diff.append((line[0], line[2:]))
    return [FieldDiff("Ordre des axes", "modifié", diff)]


def snapshot_diff(old: dict, new: dict) -> list[FieldDiff]:
    """Per field, what changed from `old` to `new`, as lines of a readable diff."""
    old_shapes = {secteur["id"]: secteur.get("geometry") for secteur in old.get("secteurs", [])}
    reshaped = frozenset(
        secteur["id"]
        for secteur in new.get("secteurs", [])
        if secteur["id"] in old_shapes and old_shapes[secteur["id"]] != secteur.get("geometry")
    )
    before, after = flatten_snapshot(old), flatten_snapshot(new, reshaped)
    diffs = _order_diff(old, new)
    keys = list(before) + [key for key in after if key not in before]
    for key in keys:
        old_label, old_text = before.get(key, ("", None))
        new_label, new_text = after.get(key, ("", None))
        if old_text == new_text:
            continue
        if old_text is None:
            diffs.append(FieldDiff(new_label, "ajouté", [("+", line) for line in new_text.splitlines() or [""]]))
        elif new_text is None:
            diffs.append(FieldDiff(old_label, "supprimé", [("-", line) for line in old_text.splitlines() or [""]]))
        else:
            lines = []
            for line in difflib.ndiff(old_text.splitlines(), new_text.splitlines()):
                if line.startswith("? "):
                    continue
                lines.append((line[0], line[2:]))
            diffs.append(FieldDiff(new_label or old_label, "modifié", lines))
    return diffs


def present_snapshot(snapshot: dict) -> dict:
    """A snapshot with readable labels, for the printable and public pages (same template)."""
    return {
        "resume": snapshot.get("resume", ""),
        "axes": [
            {
                **axe,
                "echelle_label": _ECHELLES.get(axe["echelle"], axe["echelle"]),
                "orientations_labels": [_ORIENTATIONS.get(code, code) for code in axe["orientations_crte"]],
                "indicateurs": [
                    {
                        **ind,
                        "kind_label": _KINDS.get(ind["kind"], ind["kind"]),
                        "frequence_label": _FREQUENCES.get(ind["frequence"], ind["frequence"]),
                    }
                    for ind in axe["indicateurs"]
                ],
            }
            for axe in snapshot.get("axes", [])
        ],
        "secteurs": [
            {
                **secteur,
                "kind_label": _SECTEUR_KINDS.get(secteur["kind"], secteur["kind"]),
                "surface_ha": secteur["surface_m2"] / 10_000,
            }
            for secteur in snapshot.get("secteurs", [])
        ],
    }


def snapshot_geojson(snapshot: dict) -> dict:
    from .geo import feature_collection

    return feature_collection(
        [
            (
                secteur["geometry"],
                {
                    "nom": secteur["nom"],
                    "kind": secteur["kind"],
                    "type": _SECTEUR_KINDS.get(secteur["kind"], secteur["kind"]),
                },
            )
            for secteur in snapshot.get("secteurs", [])
        ]
    )
