"""Every write on the strategy. Each change of the summary, an axe, its indicators or a
sector records a version of the whole projet de territoire (who, when, what)."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import JSONField, Max, Subquery
from django.utils.text import Truncator

from pvd.core.concurrency import claim_version
from pvd.core.formatting import NBSP, nombre
from pvd.core.text import plural
from pvd.gouvernance.services import decidable_delete_check, object_submit
from pvd.journal.history import history_m2m_set
from pvd.journal.services import corbeille_move
from pvd.suivi import services as suivi_services
from pvd.territoires.models import Commune, Epci
from pvd.territoires.names import de_commune

from . import geo
from .models import (
    AxeStrategique,
    OrientationCrte,
    ProjetTerritoire,
    ProjetTerritoireVersion,
    SecteurIntervention,
    SecteurKind,
    SousObjectif,
)
from .selectors import strategie_snapshot

# --- Projet de territoire and its versions -----------------------------------------------


def projet_get_or_create(*, dossier) -> ProjetTerritoire:
    projet, _ = ProjetTerritoire.objects.get_or_create(dossier=dossier)
    return projet


@transaction.atomic
def version_record(*, dossier, by, motif: str) -> ProjetTerritoireVersion | None:
    """Snapshot the whole strategy; nothing is recorded when nothing changed."""
    projet = ProjetTerritoire.objects.select_for_update().get(pk=projet_get_or_create(dossier=dossier).pk)
    snapshot = strategie_snapshot(dossier)
    last = projet.versions.order_by("-numero").first()
    if last is not None and last.snapshot == snapshot:
        return None
    version = ProjetTerritoireVersion(
        projet=projet,
        numero=(last.numero + 1) if last else 1,
        snapshot=snapshot,
        motif=motif[:300],
        auteur=by,
    )
    version.full_clean()
    version.save()
    return version


@transaction.atomic
def projet_update(*, dossier, resume: str, by, expected_version: int | None = None) -> ProjetTerritoire:
    """`expected_version`: the version the caller read, 0 when it read no projet yet (refused if
    someone created it since; see pvd.core.concurrency)."""
    projet, created = ProjetTerritoire.objects.get_or_create(dossier=dossier)
    if expected_version == 0 and created:
        expected_version = projet.version
    claim_version(projet, expected_version)
    projet.resume = resume
    projet.full_clean()
    projet.save()
    version_record(dossier=dossier, by=by, motif="Synthèse modifiée")
    return projet


@transaction.atomic
def projet_publish(*, dossier, by) -> ProjetTerritoire:
    """Publish the current state: the public page shows this version until the next publication."""
    projet = projet_get_or_create(dossier=dossier)
    if not projet.resume.strip() and not dossier.axes.exists():
        raise ValidationError("Rédigez la synthèse ou créez un axe avant de publier le projet de territoire.")
    version_record(dossier=dossier, by=by, motif="Publication")
    projet.version_publiee = projet.versions.order_by("-numero").first()
    projet.publie = True
    projet.full_clean()
    projet.save()
    return projet


@transaction.atomic
def projet_unpublish(*, dossier, by) -> ProjetTerritoire:
    projet = projet_get_or_create(dossier=dossier)
    projet.publie = False
    projet.save(update_fields=["publie", "updated_at"])
    return projet


@transaction.atomic
def projet_submit(*, dossier, by):
    """Submit the strategy as a whole to the comité de projet; the version is recorded only when
    the submission is accepted."""
    projet = projet_get_or_create(dossier=dossier)
    point = object_submit(
        dossier=dossier, target=projet, titre=f"Validation du projet de territoire — {dossier.nom}", by=by
    )
    version_record(dossier=dossier, by=by, motif="Soumission au comité de projet")
    return point


# --- Axes --------------------------------------------------------------------------------


def _check_orientations(orientations) -> list[str]:
    orientations = list(orientations or [])
    unknown = [code for code in orientations if code not in OrientationCrte.values]
    if unknown:
        raise ValidationError({"orientations_crte": "Orientation du CRTE inconnue."})
    return orientations


def _check_partenaires(dossier, partenaires) -> list:
    from pvd.territoires.services import check_offered

    partenaires = list(partenaires or [])
    check_offered(dossier=dossier, organisations=partenaires, field="partenaires")
    return partenaires


@transaction.atomic
def axe_create(
    *,
    dossier,
    numero: int,
    titre: str,
    by,
    enjeux: str = "",
    echelle: str = "commune",
    orientations_crte=(),
    transition_ecologique: bool = False,
    cohesion_territoriale: bool = False,
    partenaires=(),
) -> AxeStrategique:
    if AxeStrategique.objects.filter(dossier=dossier, numero=numero).exists():
        raise ValidationError({"numero": f"L'axe n° {numero} existe déjà dans ce dossier."})
    ordre = (AxeStrategique.objects.filter(dossier=dossier).aggregate(m=Max("ordre"))["m"] or 0) + 1
    axe = AxeStrategique(
        dossier=dossier,
        numero=numero,
        titre=titre,
        enjeux=enjeux,
        echelle=echelle,
        orientations_crte=_check_orientations(orientations_crte),
        transition_ecologique=transition_ecologique,
        cohesion_territoriale=cohesion_territoriale,
        ordre=ordre,
    )
    axe.full_clean()
    axe.save()
    history_m2m_set(axe, partenaires=_check_partenaires(dossier, partenaires))
    version_record(dossier=dossier, by=by, motif=f"Axe {numero} créé")
    return axe


AXE_FIELDS = (
    "numero",
    "titre",
    "enjeux",
    "echelle",
    "orientations_crte",
    "transition_ecologique",
    "cohesion_territoriale",
)


@transaction.atomic
def axe_update(
    *, axe: AxeStrategique, by, partenaires=None, expected_version: int | None = None, **changes
) -> AxeStrategique:
    """`expected_version`: the version the caller read (see pvd.core.concurrency)."""
    unknown = set(changes) - set(AXE_FIELDS)
    if unknown:
        raise ValueError(f"Champs non modifiables : {', '.join(sorted(unknown))}")
    claim_version(axe, expected_version)
    if "numero" in changes and (
        AxeStrategique.objects.filter(dossier_id=axe.dossier_id, numero=changes["numero"]).exclude(pk=axe.pk).exists()
    ):
        raise ValidationError({"numero": f"L'axe n° {changes['numero']} existe déjà dans ce dossier."})
    if "orientations_crte" in changes:
        changes["orientations_crte"] = _check_orientations(changes["orientations_crte"])
    for name, value in changes.items():
        setattr(axe, name, value)
    axe.full_clean()
    axe.save()
    if partenaires is not None:
        history_m2m_set(axe, partenaires=_check_partenaires(axe.dossier, partenaires))
    version_record(dossier=axe.dossier, by=by, motif=f"Axe {axe.numero} modifié")
    return axe


@transaction.atomic
def axe_delete(*, axe: AxeStrategique, by) -> None:
    """Delete an axe, unless the comité de projet has decided on it (the gouvernance's one rule:
    `decidable_delete_check`; a pending submission goes with the axe) or measures exist."""
    dossier, numero = axe.dossier, axe.numero
    decidable_delete_check(target=axe)  # rolled back with the rest if the measures refuse
    if axe.indicateurs.filter(mesures__isnull=False).exists():
        raise ValidationError("Des mesures ont été saisies sur les indicateurs de cet axe : il ne peut être supprimé.")
    corbeille_move(instance=axe, by=by, label=str(axe))
    version_record(dossier=dossier, by=by, motif=f"Axe {numero} supprimé")


@transaction.atomic
def axe_move(*, axe: AxeStrategique, direction: str, by) -> None:
    """Move an axe up or down in the order of the projet de territoire."""
    if direction not in ("up", "down"):
        raise ValidationError("Sens de déplacement inconnu.")
    axes = list(
        AxeStrategique.objects.select_for_update().filter(dossier_id=axe.dossier_id).order_by("ordre", "numero")
    )
    index = next(i for i, other in enumerate(axes) if other.pk == axe.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(axes):
        return
    axes[index], axes[target] = axes[target], axes[index]
    for position, other in enumerate(axes, start=1):
        if other.ordre != position:
            other.ordre = position
            other.save(update_fields=["ordre"])
    version_record(dossier=axe.dossier, by=by, motif=f"Ordre des axes modifié (axe {axe.numero})")


@transaction.atomic
def axe_submit(*, axe: AxeStrategique, by):
    point = object_submit(
        dossier=axe.dossier, target=axe, titre=Truncator(f"Validation de l'{axe.running_name}").chars(300), by=by
    )
    version_record(dossier=axe.dossier, by=by, motif=f"Axe {axe.numero} soumis au comité de projet")
    return point


@transaction.atomic
def sous_objectif_create(*, axe: AxeStrategique, titre: str, by) -> SousObjectif:
    ordre = (axe.sous_objectifs.aggregate(m=Max("ordre"))["m"] or 0) + 1
    sous = SousObjectif(axe=axe, titre=titre, ordre=ordre)
    sous.full_clean()
    sous.save()
    version_record(dossier=axe.dossier, by=by, motif=f"Sous-objectif ajouté à l'axe {axe.numero}")
    return sous


@transaction.atomic
def sous_objectif_update(
    *, sous_objectif: SousObjectif, titre: str, by, expected_version: int | None = None
) -> SousObjectif:
    """`expected_version`: the version the caller read (see pvd.core.concurrency)."""
    claim_version(sous_objectif, expected_version)
    sous_objectif.titre = titre
    sous_objectif.full_clean()
    sous_objectif.save()
    axe = sous_objectif.axe
    version_record(dossier=axe.dossier, by=by, motif=f"Sous-objectif de l'axe {axe.numero} modifié")
    return sous_objectif


@transaction.atomic
def sous_objectif_delete(*, sous_objectif: SousObjectif, by) -> None:
    axe = sous_objectif.axe
    corbeille_move(instance=sous_objectif, by=by)
    version_record(dossier=axe.dossier, by=by, motif=f"Sous-objectif retiré de l'axe {axe.numero}")


# --- Indicators of an axe (the shared suivi model) -----------------------------------------


@transaction.atomic
def axe_indicateur_create(*, axe: AxeStrategique, by, **fields):
    indicateur = suivi_services.indicateur_create(dossier=axe.dossier, axe=axe, by=by, **fields)
    version_record(dossier=axe.dossier, by=by, motif=f"Indicateur « {indicateur.nom} » ajouté à l'axe {axe.numero}")
    return indicateur


@transaction.atomic
def axe_indicateur_update(*, indicateur, by, expected_version: int | None = None, **changes):
    indicateur = suivi_services.indicateur_update(
        indicateur=indicateur, by=by, expected_version=expected_version, **changes
    )
    version_record(dossier=indicateur.dossier, by=by, motif=f"Indicateur « {indicateur.nom} » modifié")
    return indicateur


@transaction.atomic
def axe_indicateur_delete(*, indicateur, by) -> None:
    dossier, nom = indicateur.dossier, indicateur.nom
    suivi_services.indicateur_delete(indicateur=indicateur, by=by)
    version_record(dossier=dossier, by=by, motif=f"Indicateur « {nom} » supprimé")


# --- Secteurs d'intervention ---------------------------------------------------------------

# Beyond this distance from the other sectors of the dossier, a new sector is suspicious.
FAR_FROM_OTHERS_M = 15_000


def _check_commune(*, dossier, commune) -> None:
    if commune is None or not dossier.communes.filter(pk=commune.pk).exists():
        raise ValidationError(
            {
                "commune": "La commune doit être l'une des communes bénéficiaires du dossier : un secteur se situe "
                "sur le territoire du dossier."
            }
        )


# The ANCT outlines are much simplified: a sector a little outside its EPCI's outline is normal.
OUTLINE_MARGIN_M = 3_000
# The communes' outlines (`import_contours_communes`) are simplified to some 10 m, and a sector
# drawn by hand on a street plan may overlap the boundary a little: beyond this it is elsewhere.
COMMUNE_MARGIN_M = 500


# A sector of a petite ville (a town centre, a neighbourhood, the ORT perimeter of a few centres)
# covers a few km²; beyond this bound it was most likely drawn at the scale of a region.
MAX_SECTEUR_M2 = 100 * 1_000_000  # 100 km²


def _surface(m2: float) -> str:
    """ "33 411 km² (3 341 123 ha)", "42,5 km² (4 250 ha)": a large area as a French reader writes it."""
    km2 = m2 / 1_000_000
    return f"{nombre(round(km2, 1 if km2 < 100 else None))}{NBSP}km² ({nombre(round(m2 / 10_000))}{NBSP}ha)"


def _distance(m: float) -> str:
    """ "800 m", "1,2 km", "230 km"."""
    if m < 1_000:
        return f"{nombre(round(m, -1))}{NBSP}m"
    return f"{nombre(round(m / 1000, 1 if m < 10_000 else None))}{NBSP}km"


@dataclass(frozen=True)
class _Territory:
    """What the checks compare a sector with: the outline of its commune (when imported) and the
    dossier's EPCI's, with their areas."""

    communes: dict  # code → (nom, outline or None, area or None)
    epci_outline: dict | None
    epci_nom: str
    epci_m2: float | None


def _territory(dossier, secteurs) -> _Territory:
    """One query: the sectors' communes with their outline, and the EPCI's outline and name as
    subqueries (the same on every row)."""
    epci = Epci.objects.filter(pk=dossier.epci_id)
    rows = list(
        Commune.objects.filter(pk__in={secteur.commune_id for secteur in secteurs})
        .annotate(
            epci_contour=Subquery(epci.values("contour")[:1], output_field=JSONField()),
            epci_nom=Subquery(epci.values("nom")[:1]),
        )
        .values_list("code", "nom", "contour", "epci_contour", "epci_nom")
    )
    communes = {code: (nom, outline, geo.area_m2(outline) if outline else None) for code, nom, outline, _, _ in rows}
    epci_outline, epci_nom = (rows[0][3], rows[0][4] or "") if rows else (None, "")
    return _Territory(communes, epci_outline, epci_nom, geo.area_m2(epci_outline) if epci_outline else None)


def _size_warning(secteur, territory: _Territory) -> str | None:
    """A sector larger than the whole territory it lies on: its commune when its outline is imported,
    else the dossier's EPCI, which contains all its communes (factor 1: the simplified outlines are
    within a few percent). For a commune or an EPCI larger than the bound, or without outline, the
    sector is compared with MAX_SECTEUR_M2."""
    area = secteur.surface_m2 or geo.area_m2(secteur.geometry)
    nom, _, commune_m2 = territory.communes.get(secteur.commune_id, ("", None, None))
    if commune_m2 is not None and commune_m2 < MAX_SECTEUR_M2:
        if area > commune_m2:
            return (
                f"Le secteur « {secteur.nom} » couvre {_surface(area)} : plus que tout le territoire "
                f"{de_commune(nom)} ({_surface(commune_m2)} selon son contour). Vérifiez son contour : "
                "a-t-il été dessiné sur une carte trop peu zoomée ?"
            )
        return None
    epci_m2 = territory.epci_m2
    if epci_m2 is not None and epci_m2 < MAX_SECTEUR_M2:
        if area > epci_m2:
            return (
                f"Le secteur « {secteur.nom} » couvre {_surface(area)} : plus que tout le territoire de "
                f"l'EPCI du dossier ({territory.epci_nom}, {_surface(epci_m2)} selon son contour). Vérifiez son "
                "contour : a-t-il été dessiné sur une carte trop peu zoomée ?"
            )
        return None
    if area > MAX_SECTEUR_M2:
        return (
            f"Le secteur « {secteur.nom} » couvre {_surface(area)}, plus que la borne de "
            f"{_surface(MAX_SECTEUR_M2)} retenue pour un secteur d'une petite ville. Vérifiez son contour : "
            "a-t-il été dessiné sur une carte trop peu zoomée ?"
        )
    return None


def _place_warning(secteur, territory: _Territory) -> str | None:
    """Outside its commune's outline (COMMUNE_MARGIN_M), else outside the EPCI's (OUTLINE_MARGIN_M)."""
    nom, outline, _ = territory.communes.get(secteur.commune_id, ("", None, None))
    if outline:
        distance, point = geo.farthest_outside_m(secteur.geometry, outline)
        if distance > COMMUNE_MARGIN_M:
            return (
                f"Le secteur « {secteur.nom} » sort du territoire {de_commune(nom)} : le point "
                f"{geo.format_point(point)} en est à {_distance(distance)} selon le contour de la commune. "
                "Vérifiez son contour, ou la commune choisie pour le secteur."
            )
        return None
    distance, point = geo.farthest_outside_m(secteur.geometry, territory.epci_outline)
    if distance > OUTLINE_MARGIN_M:
        return (
            f"Le secteur « {secteur.nom} » sort du territoire de l'EPCI du dossier ({territory.epci_nom}) : "
            f"le point {geo.format_point(point)} en est à {distance / 1000:.0f} km. Vérifiez qu'il est "
            f"bien situé sur le territoire {de_commune(nom)}."
        )
    return None


def secteurs_warnings(*, dossier, secteurs) -> list[str]:
    """Soft checks on where sectors lie, in two queries whatever their number: not larger than the
    territory (see _size_warning), every position in France (mainland or overseas: swapped
    longitude and latitude land elsewhere), inside the outline of the sector's commune when it is
    imported, else inside the outline of the dossier's EPCI when it is known, else not far from the
    other sectors."""
    secteurs = list(secteurs)
    if not secteurs:
        return []
    territory = _territory(dossier, secteurs)
    new_ids = {secteur.pk for secteur in secteurs}
    others = [
        (pk, geometry)
        for pk, geometry in SecteurIntervention.objects.filter(dossier=dossier).values_list("pk", "geometry")
        if pk not in new_ids and geometry
    ]
    warnings = []
    for secteur in secteurs:
        nom, commune_outline, _ = territory.communes.get(secteur.commune_id, ("", None, None))
        too_large = _size_warning(secteur, territory)
        if too_large:
            warnings.append(too_large)
        outside = geo.first_outside_france(secteur.geometry)
        if outside is not None:
            warnings.append(
                f"Le secteur « {secteur.nom} » a un point hors de France (métropole et outre-mer) : "
                f"{geo.format_point(outside)}. La longitude et la latitude sont peut-être inversées : "
                "en GeoJSON, la longitude vient en premier."
            )
            continue
        if commune_outline or territory.epci_outline:
            elsewhere = _place_warning(secteur, territory)
            if elsewhere:
                warnings.append(elsewhere)
            continue
        if others:
            here = geo.centroid(secteur.geometry)
            nearest = min(geo.distance_m(here, geo.centroid(geometry)) for _, geometry in others)
            if nearest > FAR_FROM_OTHERS_M:
                warnings.append(
                    f"Le secteur « {secteur.nom} » est à {nearest / 1000:.0f} km des autres secteurs du dossier : "
                    f"vérifiez qu'il est bien situé sur le territoire {de_commune(nom)}."
                )
    return warnings


def _secteur_new(*, dossier, nom, kind, commune, geometry, description) -> SecteurIntervention:
    _check_commune(dossier=dossier, commune=commune)
    try:
        geometry = geo.validate_geometry(geometry)
    except ValidationError as error:
        raise ValidationError({"geometry": error.messages}) from error
    secteur = SecteurIntervention(
        dossier=dossier,
        nom=nom,
        kind=kind,
        commune=commune,
        description=description,
        geometry=geometry,
        surface_m2=geo.area_m2(geometry),
    )
    secteur.full_clean()
    secteur.save()
    return secteur


@transaction.atomic
def secteur_create(
    *, dossier, nom: str, kind: str, commune, geometry, by, description: str = ""
) -> SecteurIntervention:
    secteur = _secteur_new(
        dossier=dossier, nom=nom, kind=kind, commune=commune, geometry=geometry, description=description
    )
    version_record(dossier=dossier, by=by, motif=f"Secteur « {nom} » créé")
    return secteur


@transaction.atomic
def secteur_update(
    *,
    secteur: SecteurIntervention,
    nom: str,
    kind: str,
    commune,
    geometry,
    by,
    description: str = "",
    expected_version: int | None = None,
) -> SecteurIntervention:
    """`expected_version`: the version the caller read (see pvd.core.concurrency)."""
    claim_version(secteur, expected_version)
    _check_commune(dossier=secteur.dossier, commune=commune)
    try:
        geometry = geo.validate_geometry(geometry)
    except ValidationError as error:
        raise ValidationError({"geometry": error.messages}) from error
    secteur.nom, secteur.kind, secteur.commune, secteur.description = nom, kind, commune, description
    secteur.geometry, secteur.surface_m2 = geometry, geo.area_m2(geometry)
    secteur.full_clean()
    secteur.save()
    version_record(dossier=secteur.dossier, by=by, motif=f"Secteur « {nom} » modifié")
    return secteur


@transaction.atomic
def secteur_delete(*, secteur: SecteurIntervention, by) -> None:
    dossier, nom = secteur.dossier, secteur.nom
    corbeille_move(instance=secteur, by=by, label=nom)
    version_record(dossier=dossier, by=by, motif=f"Secteur « {nom} » supprimé")


@dataclass
class SecteursImport:
    created: list[SecteurIntervention]
    # What the file said and was not followed (unknown commune or kind), for the user to check.
    warnings: list[str] = field(default_factory=list)


@transaction.atomic
def secteurs_import(*, dossier, data, kind: str, commune, by, nom: str = "") -> SecteursImport:
    """Create one sector per polygon feature of a GeoJSON text or file. A feature's properties
    `nom`/`name`, `kind` and `commune` (INSEE code of a commune of the dossier) take precedence
    over the form's values, so that an export imports back as it was. When a feature names an
    unknown commune or kind, the form's value is used and a warning says so."""
    features = geo.parse_geojson(data)
    communes = {commune.pk: commune for commune in dossier.communes.all()}
    result = SecteursImport(created=[])
    for index, feature in enumerate(features, start=1):
        props = feature.properties
        feature_nom = str(props.get("nom") or props.get("name") or nom or f"Secteur importé {index}")[:200]
        feature_kind, feature_commune = kind, commune
        if props.get("kind") not in (None, ""):
            if props["kind"] in SecteurKind.values:
                feature_kind = props["kind"]
            else:
                result.warnings.append(
                    f"Objet n° {index} « {feature_nom} » : le type « {props['kind']} » est inconnu ; "
                    f"le type choisi dans le formulaire ({dict(SecteurKind.choices).get(kind, kind)}) a été utilisé."
                )
        if props.get("commune") not in (None, ""):
            code = str(props["commune"])
            if code in communes:
                feature_commune = communes[code]
            else:
                result.warnings.append(
                    f"Objet n° {index} « {feature_nom} » : la commune « {code} » n'est pas une commune du dossier ; "
                    f"la commune choisie dans le formulaire ({commune.nom if commune else '—'}) a été utilisée."
                )
        description = str(props.get("description") or "")
        try:
            secteur = _secteur_new(
                dossier=dossier,
                nom=feature_nom,
                kind=feature_kind,
                commune=feature_commune,
                geometry=feature.geometry,
                description=description,
            )
        except ValidationError as error:
            raise ValidationError(f"Objet n° {index} « {feature_nom} » : {' '.join(error.messages)}") from error
        result.created.append(secteur)
    version_record(
        dossier=dossier,
        by=by,
        motif=f"{plural(len(result.created), 'secteur importé', 'secteurs importés')} depuis un GeoJSON",
    )
    return result
