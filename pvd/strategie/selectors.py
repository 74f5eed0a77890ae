"""Reads of the strategy: the overview page, the snapshot a version stores, the diff of two."""

import difflib
import re
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Prefetch

from pvd.core.formatting import date_fr, nombre
from pvd.core.text import plural, plural_word
from pvd.dossiers.steps import optional_provider
from pvd.gouvernance.selectors import validation_state, validation_states
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


def communes_layer(dossier) -> dict:
    """The outlines of the dossier's communes (those imported by `import_contours_communes`), as
    a GeoJSON FeatureCollection, empty without outlines: the layer beneath every map of the
    dossier. One query."""
    from pvd.territoires.selectors import communes_geojson

    return communes_geojson(dossier.communes.only("code", "nom", "population", "contour").order_by("nom", "code"))


def map_bounds(dossier, communes: dict | None = None) -> list[list[float]] | None:
    """Where a map of the dossier opens when it has nothing else to show: its communes' outlines
    (`communes`, from communes_layer, read when not given), else its EPCI's outline, when known."""
    from pvd.territoires.models import Epci

    from .geo import bounds

    if communes is None:
        communes = communes_layer(dossier)
    if communes["features"]:
        geometries = [feature["geometry"] for feature in communes["features"]]
        return bounds({"type": "GeometryCollection", "geometries": geometries})
    outline = Epci.objects.filter(pk=dossier.epci_id).values_list("contour", flat=True).first()
    return bounds(outline) if outline else None


def map_legend(geojson: dict) -> list[dict]:
    """The kinds of sector drawn on a map, in the order of SecteurKind: what its legend names
    (strategie/_map.html; the colours are those of strategie/map.js)."""
    present = {(feature.get("properties") or {}).get("kind") for feature in geojson.get("features", [])}
    return [{"kind": kind, "label": label} for kind, label in SecteurKind.choices if kind in present]


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
    fiches = list(queryset.order_by("numero").only("numero", "titre", "confidentielle"))
    if not fiches:
        return []
    items = [f"Fiche n° {fiche.numero} — {fiche.titre}" for fiche in fiches if fiche.is_visible_to(access)]
    return [Unlinked("Fiches action (le lien est retiré, les fiches restent)", items, len(fiches) - len(items))]


def secteur_unlinks(secteur, access) -> list[Unlinked]:
    """What deleting the sector leaves without its sector: one query."""
    return _fiches_unlinked(secteur.fiches.all(), access)


def axe_unlinks(axe, access) -> list[Unlinked]:
    """What deleting the axe leaves without it: fiches, consultations and contributions (one query each).

    The fiches are read through their link to the axe; the participation app (a layer above)
    says what of its own it unlinks."""
    result = _fiches_unlinked(axe.fiches.all(), access)
    participation = optional_provider("pvd.participation.selectors.axe_unlinks")
    if participation:
        result.extend(participation(axe))
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
    return f"{plural(count, 'polygone', 'polygones')}, {nombre(vertices)} {plural_word(vertices, 'sommet', 'sommets')}"


def _valeur(value, day) -> str:
    if value is None:
        return "non renseignée"
    return f"{nombre(value)} ({day or 'sans date'})"


def _cible(value, day) -> str:
    if value is None:
        return "non fixée"
    return f"{nombre(value)} (échéance {day or 'non fixée'})"


def _surface(secteur) -> str:
    return f"{nombre(secteur['surface_m2'] / 10_000, 2)} ha"


def flatten_snapshot(snapshot: dict, reshaped: frozenset = frozenset()) -> dict[str, tuple[str, list]]:
    """{stable key: (readable label, [(element, value), ...])} for every object a person would
    compare: the synthesis, each axe, each indicator, each sector. A value is a text, or a list
    of texts (partners, sous-objectifs) compared item by item.

    `reshaped`: ids of the sectors whose shape differs from the other version compared. Their
    shape reads "modifiée": a new outline of the same area and vertex count still shows."""
    fields: dict[str, tuple[str, list]] = {
        "resume": ("Synthèse du projet de territoire", [("Synthèse", snapshot.get("resume", ""))])
    }
    for axe in snapshot.get("axes", []):
        label = f"Axe {axe['numero']}"
        fields[f"axe:{axe['id']}"] = (
            f"{label} — {axe['titre']}",
            [
                ("Numéro", str(axe["numero"])),
                ("Titre", axe["titre"]),
                ("Enjeux", axe["enjeux"]),
                ("Échelle", _ECHELLES.get(axe["echelle"], axe["echelle"])),
                ("Partenaire mobilisé", list(axe["partenaires"])),
                ("Orientation du CRTE", [_ORIENTATIONS.get(code, code) for code in axe["orientations_crte"]]),
                ("Transition écologique", _yes_no(axe["transition_ecologique"])),
                ("Cohésion territoriale", _yes_no(axe["cohesion_territoriale"])),
                ("Sous-objectif", list(axe["sous_objectifs"])),
            ],
        )
        for ind in axe["indicateurs"]:
            fields[f"ind:{ind['id']}"] = (
                f"{label} — indicateur « {ind['nom']} »",
                [
                    ("Nom", ind["nom"]),
                    ("Type", _KINDS.get(ind["kind"], ind["kind"])),
                    ("Unité", ind["unite"]),
                    ("Valeur de référence", _valeur(ind["valeur_initiale"], date_fr(ind["date_initiale"]))),
                    ("Cible", _cible(ind["cible"], date_fr(ind["echeance"]))),
                    ("Source", ind["source"]),
                    ("Fréquence", _FREQUENCES.get(ind["frequence"], ind["frequence"])),
                ],
            )
    for secteur in snapshot.get("secteurs", []):
        shape = shape_description(secteur.get("geometry"))
        if secteur["id"] in reshaped:
            shape = f"modifiée ({shape})"  # the surface is on its own line
        fields[f"secteur:{secteur['id']}"] = (
            f"Secteur « {secteur['nom']} »",
            [
                ("Nom", secteur["nom"]),
                ("Type", _SECTEUR_KINDS.get(secteur["kind"], secteur["kind"])),
                ("Commune", secteur["commune"]),
                ("Surface", _surface(secteur)),
                ("Description", secteur.get("description") or ""),
                ("Forme", shape),
            ],
        )
    return fields


ADDED, REMOVED, CHANGED = "Ajouté", "Supprimé", "Modifié"


def _word_parts(old: str, new: str) -> tuple[list[tuple[bool, str]], list[tuple[bool, str]]]:
    """Two texts split into (changed, text) runs, word by word: what a reader highlights."""
    old_words, new_words = re.findall(r"\s+|\S+", old), re.findall(r"\s+|\S+", new)
    before: list[tuple[bool, str]] = []
    after: list[tuple[bool, str]] = []

    def push(parts, changed, text):
        if not text:
            return
        if parts and parts[-1][0] == changed:
            parts[-1] = (changed, parts[-1][1] + text)
        else:
            parts.append((changed, text))

    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        push(before, op != "equal", "".join(old_words[i1:i2]))
        push(after, op != "equal", "".join(new_words[j1:j2]))
    return before, after


@dataclass(frozen=True)
class DiffRow:
    """One line of the comparison: an element, its value in each version (None: absent)."""

    element: str
    before: str | None
    after: str | None

    @property
    def status(self) -> str:
        if self.before is None:
            return ADDED
        return REMOVED if self.after is None else CHANGED

    @property
    def long_text(self) -> bool:
        # Long texts are compared word by word; short values read whole, side by side.
        return self.status == CHANGED and any(len(v) > 60 or "\n" in v for v in (self.before, self.after))

    @cached_property
    def _parts(self):
        return _word_parts(self.before, self.after) if self.long_text else ([], [])

    @property
    def before_parts(self) -> list[tuple[bool, str]]:
        return self._parts[0]

    @property
    def after_parts(self) -> list[tuple[bool, str]]:
        return self._parts[1]


@dataclass(frozen=True)
class FieldDiff:
    label: str
    change: str  # "ajouté", "supprimé", "modifié"
    rows: list[DiffRow]


def _item_rows(element: str, old: list[str], new: list[str]) -> list[DiffRow]:
    """A list compared item by item: what was removed, what was added, or only the new order."""
    if sorted(old) == sorted(new):
        return [DiffRow(f"{element} (ordre)", ", ".join(old), ", ".join(new))] if old != new else []
    removed = [DiffRow(element, item, None) for item in old if item not in new]
    return removed + [DiffRow(element, None, item) for item in new if item not in old]


def _rows(old_entries: list | None, new_entries: list | None) -> list[DiffRow]:
    old, new = dict(old_entries or []), dict(new_entries or [])
    rows = []
    for element in dict.fromkeys([*old, *new]):
        before, after = old.get(element), new.get(element)
        if isinstance(before, list) or isinstance(after, list):
            rows += _item_rows(element, before or [], after or [])
        elif before != after and (before or after):  # an empty value of an added object says nothing
            rows.append(DiffRow(element, before if old_entries else None, after if new_entries else None))
    return rows


def _order_diff(old: dict, new: dict) -> list[FieldDiff]:
    """The order of the axes (a snapshot lists them in order), shown only when the axes kept
    from one version to the other changed places: adding or removing one is shown on its own."""
    old_axes, new_axes = old.get("axes", []), new.get("axes", [])
    common = {axe["id"] for axe in old_axes} & {axe["id"] for axe in new_axes}
    if [a["id"] for a in old_axes if a["id"] in common] == [a["id"] for a in new_axes if a["id"] in common]:
        return []

    def names(axes):
        return [f"Axe {axe['numero']} — {axe['titre']}" for axe in axes]

    before, after = names(old_axes), names(new_axes)
    rows = []
    for position in range(max(len(before), len(after))):
        old_name = before[position] if position < len(before) else None
        new_name = after[position] if position < len(after) else None
        if old_name != new_name:
            rows.append(DiffRow(f"Position {position + 1}", old_name, new_name))
    return [FieldDiff("Ordre des axes", "modifié", rows)]


def snapshot_diff(old: dict, new: dict) -> list[FieldDiff]:
    """Per object (synthesis, axe, indicator, sector), the elements that changed from `old` to
    `new`: a comparison a person reads, element, before, after."""
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
        old_label, old_entries = before.get(key, ("", None))
        new_label, new_entries = after.get(key, ("", None))
        rows = _rows(old_entries, new_entries)
        if not rows:
            continue
        change = "ajouté" if old_entries is None else "supprimé" if new_entries is None else "modifié"
        diffs.append(FieldDiff(new_label or old_label, change, rows))
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
