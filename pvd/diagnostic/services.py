"""Writes of the diagnostic: every change goes through these functions (views, imports,
commands and the demo call them), each in one transaction, with French errors."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from pvd.core.concurrency import claim_version
from pvd.documents.models import DocumentKind
from pvd.documents.services import check_upload, document_create
from pvd.gouvernance.services import object_submit
from pvd.journal.history import history_bulk_record, history_m2m_set
from pvd.journal.services import corbeille_move
from pvd.territoires.models import Commune, Epci

from . import carte
from .models import (
    AfomItem,
    Diagnostic,
    DocumentPlanification,
    Donnee,
    DonneeOrigine,
    Echelle,
    Etude,
    Initiative,
    PointInteret,
    PointInteretKind,
    Theme,
)
from .selectors import AFOM_THEMES

# --- Diagnostic as a whole ------------------------------------------------------------------


def diagnostic_get_or_create(*, dossier) -> Diagnostic:
    diagnostic, created = Diagnostic.objects.get_or_create(dossier=dossier)
    if created:
        reference_figures_sync(dossier=dossier)
    return diagnostic


@transaction.atomic
def diagnostic_update(
    *, dossier, by, histoire: str, dynamiques: str, synthese: str, expected_version: int | None = None
) -> Diagnostic:
    """`expected_version`: the version the caller read (see pvd.core.concurrency)."""
    diagnostic = diagnostic_get_or_create(dossier=dossier)
    claim_version(diagnostic, expected_version)
    texts = (histoire, dynamiques, synthese)
    if texts == (diagnostic.histoire, diagnostic.dynamiques, diagnostic.synthese):
        # Nothing changed: `updated_at` stays, so a validated diagnostic does not read « modifié ».
        return diagnostic
    diagnostic.histoire, diagnostic.dynamiques, diagnostic.synthese = texts
    diagnostic.full_clean()
    diagnostic.save()
    return diagnostic


@transaction.atomic
def diagnostic_submit(*, dossier, by):
    """Submit the whole diagnostic to the comité de projet (the one decision mechanism)."""
    diagnostic = diagnostic_get_or_create(dossier=dossier)
    if not (diagnostic.synthese or "").strip():
        raise ValidationError("Rédigez la synthèse du diagnostic avant de le soumettre au comité de projet.")
    return object_submit(
        dossier=dossier, target=diagnostic, titre=f"Validation du diagnostic du territoire — {dossier.nom}", by=by
    )


# --- Figures (chiffres du territoire) -------------------------------------------------------

# The populations of the shipped COG 2026 (`pvd/territoires/data/PROVENANCE.md`): the package
# @etalab/decoupage-administratif 6.0.0 gives each commune its population municipale from the
# INSEE « populations de référence » (formerly « légales ») millésimées 2023, in force on
# 1 January 2026, except Mayotte, whose communes keep the 2017 census. The collectivités
# d'outre-mer (975, 977, 978, 98x) have populations of other years: no reference figure.
REFERENCE_SOURCE = "INSEE, populations municipales 2023 (COG 2026)"
REFERENCE_MILLESIME = "2023"
MAYOTTE = "976"
MAYOTTE_SOURCE = "INSEE, populations municipales de Mayotte, recensement 2017 (COG 2026)"
MAYOTTE_MILLESIME = "2017"


def reference_vintage(departement_code: str) -> tuple[str, str] | None:
    """(source, millésime) of the shipped population of a commune of this département; None
    for a collectivité d'outre-mer, whose population has another vintage."""
    if departement_code == MAYOTTE:
        return MAYOTTE_SOURCE, MAYOTTE_MILLESIME
    if departement_code >= "975":
        return None
    return REFERENCE_SOURCE, REFERENCE_MILLESIME


def _share(part, whole) -> Decimal | None:
    if not whole or part is None:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _reference_rows(dossier) -> list[Donnee]:
    """The reference figures of the dossier, computed from the COG (3 queries): population of
    each commune, of the EPCI and of the départements (sums of their communes, computed by the
    database, so that a share compares populations of one vintage), each commune's share of
    the EPCI and of its département, and the number of communes of the EPCI."""
    communes = [
        c
        for c in dossier.communes.select_related("departement").order_by("code")
        if reference_vintage(c.departement_id) is not None
    ]
    epci_ids = {dossier.epci_id} | {c.epci_id for c in communes if c.epci_id}
    epcis = {
        e.siren: e
        for e in Epci.objects.filter(siren__in=epci_ids).annotate(
            somme=Sum("communes__population"), nb=Count("communes")
        )
    }
    departements = {c.departement_id: c.departement for c in communes}
    dep_pop = dict(
        Commune.objects.filter(departement__in=departements)
        .values("departement")
        .annotate(somme=Sum("population"))
        .values_list("departement", "somme")
    )
    rows = []

    def add(indicateur, libelle, echelle, code, territoire, valeur, unite, vintage):
        if valeur is None:
            return
        source, millesime = vintage
        rows.append(
            Donnee(
                dossier=dossier,
                theme=Theme.POPULATION,
                indicateur=indicateur,
                libelle=libelle,
                echelle=echelle,
                code_territoire=code,
                territoire=territoire,
                valeur=Decimal(valeur),
                unite=unite,
                source=source,
                millesime=millesime,
                origine=DonneeOrigine.REFERENCE,
            )
        )

    for commune in communes:
        vintage = reference_vintage(commune.departement_id)
        departement = commune.departement
        add(
            "pop_totale",
            "Population municipale",
            Echelle.COMMUNE,
            commune.code,
            commune.nom,
            commune.population,
            "habitants",
            vintage,
        )
        epci = epcis.get(commune.epci_id or dossier.epci_id)
        if epci is not None:
            add(
                "part_pop_epci",
                f"Part de la population de l'EPCI ({epci.nom})",
                Echelle.COMMUNE,
                commune.code,
                commune.nom,
                _share(commune.population, epci.somme),
                "%",
                vintage,
            )
        add(
            "part_pop_departement",
            f"Part de la population du département ({departement.nom})",
            Echelle.COMMUNE,
            commune.code,
            commune.nom,
            _share(commune.population, dep_pop.get(departement.code)),
            "%",
            vintage,
        )
    for code, departement in sorted(departements.items()):
        add(
            "pop_totale",
            "Population municipale (somme des communes)",
            Echelle.DEPARTEMENT,
            code,
            departement.nom,
            dep_pop.get(code),
            "habitants",
            reference_vintage(code),
        )
    epci = epcis.get(dossier.epci_id)
    if epci is not None and communes:
        vintage = reference_vintage(communes[0].departement_id)
        add(
            "pop_totale",
            "Population municipale (somme des communes)",
            Echelle.EPCI,
            epci.siren,
            epci.nom,
            epci.somme,
            "habitants",
            vintage,
        )
        add(
            "nb_communes_epci",
            "Nombre de communes de l'EPCI",
            Echelle.EPCI,
            epci.siren,
            epci.nom,
            epci.nb,
            "communes",
            vintage,
        )
    return rows


def _key(donnee) -> tuple:
    return (donnee.indicateur, donnee.echelle, donnee.code_territoire, donnee.millesime)


REFERENCE_FIELDS = ["theme", "libelle", "territoire", "valeur", "unite", "source", "origine"]


@transaction.atomic
def reference_figures_sync(*, dossier) -> int:
    """Create or update the dossier's reference figures (`_reference_rows`) and delete the
    reference figures that no longer apply (a commune left the dossier). A figure typed or
    imported for the same indicator, territory and vintage is the team's: it is kept, and the
    reference one is not created. Idempotent; a fixed number of queries. Returns the number
    of reference figures."""
    wanted = {_key(row): row for row in _reference_rows(dossier)}
    existing = {
        _key(d): d
        for d in Donnee.objects.filter(dossier=dossier).filter(
            Q(origine=DonneeOrigine.REFERENCE) | Q(indicateur__in={k[0] for k in wanted})
        )
    }
    to_create, to_update = [], []
    for key, row in wanted.items():
        current = existing.get(key)
        if current is None:
            to_create.append(row)
        elif current.origine == DonneeOrigine.REFERENCE and any(
            getattr(current, name) != getattr(row, name) for name in REFERENCE_FIELDS
        ):
            for name in REFERENCE_FIELDS:
                setattr(current, name, getattr(row, name))
            current.updated_at = timezone.now()
            to_update.append(current)
    stale = [d for key, d in existing.items() if d.origine == DonneeOrigine.REFERENCE and key not in wanted]
    if stale:
        # A queryset's delete() would write the journal row by row (one signal each): the links
        # to AFOM items, then the rows in one statement, then their history in one INSERT.
        pks = [d.pk for d in stale]
        AfomItem.donnees.through.objects.filter(donnee_id__in=pks).delete()
        Donnee.objects.filter(pk__in=pks)._raw_delete(Donnee.objects.db)
        history_bulk_record(instances=stale, history_type="-", dossier_ref=dossier.pk)
    for row in to_create:
        row.full_clean(exclude=["dossier"], validate_unique=False, validate_constraints=False)
    Donnee.objects.bulk_create(to_create)
    if to_update:
        Donnee.objects.bulk_update(to_update, [*REFERENCE_FIELDS, "updated_at"])
    history_bulk_record(instances=to_create, history_type="+", dossier_ref=dossier.pk)
    history_bulk_record(instances=to_update, history_type="~", dossier_ref=dossier.pk)
    return sum(1 for key in wanted if key not in existing or existing[key].origine == DonneeOrigine.REFERENCE)


def _check_saisie(donnee: Donnee) -> None:
    if donnee.origine != DonneeOrigine.SAISIE:
        raise ValidationError(
            "Ce chiffre vient des données de référence ou d'un fichier importé : il ne se modifie pas ici. "
            "Actualisez les chiffres de référence ou supprimez l'import."
        )


def _clean_save(donnee: Donnee) -> Donnee:
    donnee.full_clean()
    donnee.save()
    return donnee


@transaction.atomic
def donnee_create(*, dossier, by, **fields) -> Donnee:
    """A figure typed by the team (origine « saisie »)."""
    return _clean_save(Donnee(dossier=dossier, origine=DonneeOrigine.SAISIE, **fields))


@transaction.atomic
def donnee_update(*, donnee: Donnee, by, expected_version: int | None = None, **fields) -> Donnee:
    """`expected_version`: the version the caller read (see pvd.core.concurrency)."""
    _check_saisie(donnee)
    claim_version(donnee, expected_version)
    for name, value in fields.items():
        setattr(donnee, name, value)
    return _clean_save(donnee)


@transaction.atomic
def donnee_delete(*, donnee: Donnee, by) -> None:
    _check_saisie(donnee)
    corbeille_move(instance=donnee, by=by)


# --- Imports ---------------------------------------------------------------------------------
# Reading and checking the file: `importer.parse_import` (formats in `catalogue` and the README).


@transaction.atomic
def donnees_import(*, dossier, content: bytes, nom_fichier: str, by):
    """Save every figure of the file, or none: an `importer.ImportRefused` (with every fault by
    line and column) when one fault remains. A figure of the same indicator, territory and
    vintage is updated (it then belongs to this import); a reference figure is left as it is.
    Bulk writes: the number of queries does not grow with the file."""
    from django.db import IntegrityError
    from django.utils import timezone

    from .importer import FIGURE_FIELDS, ImportRefused, parse_import
    from .models import Donnee, DonneeImport, DonneeOrigine

    parsed = parse_import(content, dossier=dossier, nom_fichier=nom_fichier)
    if not parsed.ok:
        raise ImportRefused(parsed)
    donnee_import = DonneeImport(
        dossier=dossier, kind=parsed.kind, nom_fichier=nom_fichier[:255], nb_donnees=len(parsed.figures), created_by=by
    )
    donnee_import.full_clean(exclude=["dossier", "created_by"])
    donnee_import.save()
    now = timezone.now()
    created, updated = [], []
    for figure in parsed.figures:
        donnee = Donnee(
            pk=figure.existing_pk,
            dossier=dossier,
            donnee_import=donnee_import,
            origine=DonneeOrigine.IMPORT,
            updated_at=now,
            **figure.fields(),
        )
        # Checked without the database (the parser has checked each line the same way).
        donnee.full_clean(exclude=["dossier", "donnee_import"], validate_unique=False, validate_constraints=False)
        (created if figure.existing_pk is None else updated).append(donnee)
    try:
        Donnee.objects.bulk_create(created)
        Donnee.objects.bulk_update(updated, fields=[*FIGURE_FIELDS, "origine", "donnee_import", "updated_at"])
        history_bulk_record(instances=created, history_type="+", by=by, dossier_ref=dossier.pk)
        history_bulk_record(instances=updated, history_type="~", by=by, dossier_ref=dossier.pk)
    except IntegrityError as error:  # a figure added by someone else between the reading and now
        parsed.fault(0, "", "Des chiffres du dossier ont changé pendant l'import : déposez le fichier à nouveau.")
        raise ImportRefused(parsed) from error
    return donnee_import


@transaction.atomic
def donnee_import_delete(*, donnee_import, by) -> int:
    """Delete an import and every figure it holds (those it created and those it updated).
    Returns the number of figures deleted."""
    count = donnee_import.donnees.count()
    corbeille_move(instance=donnee_import, by=by)
    return count


# --- AFOM ------------------------------------------------------------------------------------

AFOM_MOVES = ("up", "down")


def _afom_group(dossier_id, theme, categorie):
    return AfomItem.objects.filter(dossier_id=dossier_id, theme=theme, categorie=categorie)


def _afom_renumber(dossier_id, theme, categorie, items=None) -> None:
    """Orders 1, 2, 3… in a theme and a category, whatever holes a deletion or a move left."""
    if items is None:
        items = list(_afom_group(dossier_id, theme, categorie).select_for_update().order_by("ordre", "pk"))
    for position, item in enumerate(items, start=1):
        if item.ordre != position:
            item.ordre = position
            item.save(update_fields=["ordre"])


def _afom_check_donnees(dossier, donnees) -> list[Donnee]:
    donnees = list(donnees or [])
    if any(donnee.dossier_id != dossier.pk for donnee in donnees):
        raise ValidationError({"donnees": "Un chiffre choisi n'appartient pas au diagnostic de ce dossier."})
    return donnees


def _afom_check(item: AfomItem) -> None:
    item.texte = (item.texte or "").strip()
    if item.theme not in {theme.value for theme in AFOM_THEMES}:
        raise ValidationError({"theme": "Choisissez un thème de l'AFOM."})
    item.full_clean()


@transaction.atomic
def afom_item_create(*, dossier, theme: str, categorie: str, texte: str, by, donnees=()) -> AfomItem:
    """A new line of the AFOM, last of its theme and category, optionally linked to figures of the dossier."""
    donnees = _afom_check_donnees(dossier, donnees)
    item = AfomItem(dossier=dossier, theme=theme, categorie=categorie, texte=texte)
    _afom_check(item)
    # Locks the group so that two additions at once do not take the same place.
    last = list(_afom_group(dossier.pk, theme, categorie).select_for_update().values_list("ordre", flat=True))
    item.ordre = max(last, default=0) + 1
    item.save()
    history_m2m_set(item, donnees=donnees)
    return item


@transaction.atomic
def afom_item_update(
    *, item: AfomItem, theme: str, categorie: str, texte: str, by, donnees=(), expected_version: int | None = None
) -> AfomItem:
    """Change a line; moved to another theme or category, it goes last there and its old group closes up.
    `expected_version`: the version the caller read (see pvd.core.concurrency)."""
    item = AfomItem.objects.select_for_update().select_related("dossier").get(pk=item.pk)
    claim_version(item, expected_version)
    donnees = _afom_check_donnees(item.dossier, donnees)
    old_group = (item.theme, item.categorie)
    item.theme, item.categorie, item.texte = theme, categorie, texte
    _afom_check(item)
    if (theme, categorie) != old_group:
        last = _afom_group(item.dossier_id, theme, categorie).select_for_update().values_list("ordre", flat=True)
        item.ordre = max(last, default=0) + 1
    item.save()
    history_m2m_set(item, donnees=donnees)
    if (theme, categorie) != old_group:
        _afom_renumber(item.dossier_id, *old_group)
    return item


@transaction.atomic
def afom_item_delete(*, item: AfomItem, by) -> None:
    """Delete a line; the others of its theme and category close up (no hole in the order)."""
    dossier_id, theme, categorie = item.dossier_id, item.theme, item.categorie
    item.delete()
    _afom_renumber(dossier_id, theme, categorie)


@transaction.atomic
def afom_item_move(*, item: AfomItem, direction: str, by) -> None:
    """Move a line up or down among those of its theme and category (first up, last down: nothing moves)."""
    if direction not in AFOM_MOVES:
        raise ValidationError("Sens de déplacement inconnu.")
    items = list(_afom_group(item.dossier_id, item.theme, item.categorie).select_for_update().order_by("ordre", "pk"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    _afom_renumber(item.dossier_id, item.theme, item.categorie, items)


# --- Documents de planification, études, initiatives -----------------------------------------


PLAN_FIELDS = (
    "kind",
    "nom",
    "statut",
    "porteur",
    "date_prescription",
    "date_approbation",
    "date_echeance",
    "lien",
    "commentaire",
)


def _plan_check(plan: DocumentPlanification) -> None:
    for name in ("nom", "porteur", "lien", "commentaire"):
        setattr(plan, name, (getattr(plan, name) or "").strip())
    if plan.date_prescription and plan.date_approbation and plan.date_approbation < plan.date_prescription:
        raise ValidationError(
            {"date_approbation": "La date d'approbation ne peut pas précéder la date de prescription."}
        )
    plan.full_clean()


def _plan_save(plan: DocumentPlanification, file) -> None:
    """Save the row, with the checked file when there is one (written before the row; removed if the row fails)."""
    if file is not None:
        plan.file = ContentFile(check_upload(file), name=file.name)
    try:
        plan.save()
    except Exception:
        if file is not None and plan.file.name and plan.file._committed:
            plan.file.storage.delete(plan.file.name)
        raise


@transaction.atomic
def plan_create(*, dossier, by, file=None, **fields) -> DocumentPlanification:
    """A document de planification; its optional file is checked like a document's (type, content, size)."""
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"Champs inconnus : {', '.join(sorted(unknown))}")
    plan = DocumentPlanification(dossier=dossier, **fields)
    _plan_check(plan)
    _plan_save(plan, file)
    return plan


@transaction.atomic
def plan_update(
    *,
    plan: DocumentPlanification,
    by,
    file=None,
    remove_file: bool = False,
    expected_version: int | None = None,
    **fields,
):
    """Change a plan; a new file replaces the old one, `remove_file` removes it. The replaced file
    stays on disk: the plan's history still points to it, and the audit trail's retention
    (`pvd.journal.services.purge_old_history`) deletes it once nothing refers to it.
    `expected_version`: the version the caller read (see pvd.core.concurrency)."""
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"Champs inconnus : {', '.join(sorted(unknown))}")
    plan = DocumentPlanification.objects.select_for_update().get(pk=plan.pk)
    claim_version(plan, expected_version)
    for name, value in fields.items():
        setattr(plan, name, value)
    _plan_check(plan)
    if remove_file and file is None:
        plan.file = ""
    _plan_save(plan, file)
    return plan


@transaction.atomic
def plan_delete(*, plan: DocumentPlanification, by) -> None:
    corbeille_move(instance=plan, by=by, label=plan.nom)


ETUDE_FIELDS = (
    "objet",
    "prestataire",
    "cout",
    "financement",
    "statut",
    "date_debut",
    "date_fin",
    "description",
)


def _etude_livrable(*, dossier, by, etude: Etude, livrable, livrable_file, livrable_confidentiel: bool):
    """The deliverable: a document of the dossier already there, or a new document of kind
    « étude » made from the uploaded file (in the caller's transaction), never both."""
    if livrable is not None and livrable_file is not None:
        raise ValidationError({"livrable": "Choisissez un document déjà déposé ou déposez un fichier, pas les deux."})
    if livrable is not None:
        if livrable.dossier_id != dossier.pk:
            raise ValidationError({"livrable": "Ce document n'appartient pas à ce dossier."})
        return livrable
    if livrable_file is not None:
        try:
            return document_create(
                dossier=dossier,
                titre=etude.objet,
                kind=DocumentKind.ETUDE,
                description=etude.description,
                confidentiel=livrable_confidentiel,
                file=livrable_file,
                by=by,
            )
        except ValidationError as error:
            # The documents' errors name their field `file`: here it is the deliverable's.
            if hasattr(error, "error_dict") and "file" in error.error_dict:
                raise ValidationError({"livrable_file": error.error_dict["file"]}) from error
            raise
    return None


def _etude_check(etude: Etude) -> None:
    for name in ("objet", "prestataire", "financement", "description"):
        setattr(etude, name, (getattr(etude, name) or "").strip())
    if etude.cout is not None and etude.cout < 0:
        raise ValidationError({"cout": "Le coût ne peut pas être négatif."})
    if etude.date_debut and etude.date_fin and etude.date_fin < etude.date_debut:
        raise ValidationError({"date_fin": "La date de fin ne peut pas précéder la date de début."})
    etude.full_clean(exclude=["livrable"])


@transaction.atomic
def etude_create(
    *, dossier, by, livrable=None, livrable_file=None, livrable_confidentiel: bool = False, **fields
) -> Etude:
    """A study. Its deliverable is a document of the dossier (`livrable`) or the uploaded
    `livrable_file`, which becomes a document of kind « étude » in the same transaction."""
    unknown = set(fields) - set(ETUDE_FIELDS)
    if unknown:
        raise ValueError(f"Champs inconnus : {', '.join(sorted(unknown))}")
    etude = Etude(dossier=dossier, **fields)
    _etude_check(etude)
    etude.livrable = _etude_livrable(
        dossier=dossier,
        by=by,
        etude=etude,
        livrable=livrable,
        livrable_file=livrable_file,
        livrable_confidentiel=livrable_confidentiel,
    )
    etude.save()
    return etude


@transaction.atomic
def etude_update(
    *,
    etude: Etude,
    by,
    livrable=None,
    livrable_file=None,
    livrable_confidentiel: bool = False,
    expected_version: int | None = None,
    **fields,
) -> Etude:
    """Change a study; the deliverable chosen (or uploaded) replaces the previous link, the
    previous document itself stays in the dossier's documents. `expected_version`: the version
    the caller read (see pvd.core.concurrency)."""
    unknown = set(fields) - set(ETUDE_FIELDS)
    if unknown:
        raise ValueError(f"Champs inconnus : {', '.join(sorted(unknown))}")
    etude = Etude.objects.select_for_update().select_related("dossier").get(pk=etude.pk)
    claim_version(etude, expected_version)
    for name, value in fields.items():
        setattr(etude, name, value)
    _etude_check(etude)
    etude.livrable = _etude_livrable(
        dossier=etude.dossier,
        by=by,
        etude=etude,
        livrable=livrable,
        livrable_file=livrable_file,
        livrable_confidentiel=livrable_confidentiel,
    )
    etude.save()
    return etude


@transaction.atomic
def etude_delete(*, etude: Etude, by) -> None:
    """Delete a study (to the bin); its deliverable stays in the dossier's documents."""
    corbeille_move(instance=etude, by=by)


INITIATIVE_FIELDS = ("nom", "porteur", "porteur_kind", "description", "lien")


def _initiative_check(initiative: Initiative) -> None:
    for name in INITIATIVE_FIELDS:
        setattr(initiative, name, (getattr(initiative, name) or "").strip())
    initiative.full_clean()


@transaction.atomic
def initiative_create(*, dossier, by, **fields) -> Initiative:
    unknown = set(fields) - set(INITIATIVE_FIELDS)
    if unknown:
        raise ValueError(f"Champs inconnus : {', '.join(sorted(unknown))}")
    initiative = Initiative(dossier=dossier, **fields)
    _initiative_check(initiative)
    initiative.save()
    return initiative


@transaction.atomic
def initiative_update(*, initiative: Initiative, by, expected_version: int | None = None, **fields) -> Initiative:
    """`expected_version`: the version the caller read (see pvd.core.concurrency)."""
    unknown = set(fields) - set(INITIATIVE_FIELDS)
    if unknown:
        raise ValueError(f"Champs inconnus : {', '.join(sorted(unknown))}")
    claim_version(initiative, expected_version)
    for name, value in fields.items():
        setattr(initiative, name, value)
    _initiative_check(initiative)
    initiative.save()
    return initiative


@transaction.atomic
def initiative_delete(*, initiative: Initiative, by) -> None:
    corbeille_move(instance=initiative, by=by)


# --- Points d'intérêt (carte) ----------------------------------------------------------------


def _point_interet_geometry(geometry) -> dict:
    try:
        return carte.validate_geometry(geometry)
    except ValidationError as error:
        raise ValidationError({"geometry": error.messages}) from error


@transaction.atomic
def point_interet_create(*, dossier, nom: str, kind: str, geometry, by, description: str = "") -> PointInteret:
    point = PointInteret(
        dossier=dossier,
        nom=(nom or "").strip(),
        kind=kind,
        description=(description or "").strip(),
        geometry=_point_interet_geometry(geometry),
        created_by=by,
    )
    point.full_clean()
    point.save()
    return point


@transaction.atomic
def point_interet_update(
    *,
    point: PointInteret,
    nom: str,
    kind: str,
    geometry,
    by,
    description: str = "",
    expected_version: int | None = None,
) -> PointInteret:
    """`expected_version`: the version the caller read (see pvd.core.concurrency)."""
    claim_version(point, expected_version)
    point.geometry = _point_interet_geometry(geometry)
    point.nom, point.kind, point.description = (nom or "").strip(), kind, (description or "").strip()
    point.full_clean()
    point.save()
    return point


@transaction.atomic
def point_interet_delete(*, point: PointInteret, by) -> None:
    corbeille_move(instance=point, by=by)


def _import_kind(value, default: str) -> str | None:
    """A feature's type: a code or a label of PointInteretKind (any case); `default` when it
    names none; None when it names an unknown one."""
    text = str(value or "").strip()
    if not text:
        return default
    for code, label in PointInteretKind.choices:
        if text.casefold() in (code.casefold(), label.casefold()):
            return code
    return None


@transaction.atomic
def points_interet_import(*, dossier, data, kind: str, by) -> list[PointInteret]:
    """One point of interest per feature of a GeoJSON text or file (Point, Polygon or
    MultiPolygon), at most carte.IMPORT_MAX_FEATURES. The properties `nom` (or `name`), `kind`
    (a code or a label; else `type`, as the export writes its label) and `description` are read,
    so that an export imports back as it was; `kind` is the type of the features that name none.
    One fault refuses the whole file, with the number of the object: nothing is saved."""
    features = carte.features_from(data, max_features=carte.IMPORT_MAX_FEATURES)
    created = []
    for index, (geometry, props) in enumerate(features, start=1):
        nom = str(props.get("nom") or props.get("name") or "").strip()
        if not nom:
            raise ValidationError(f"Objet n° {index} de la collection : il n'a pas de nom (propriété « nom »).")
        given = props.get("kind") if props.get("kind") not in (None, "") else props.get("type")
        feature_kind = _import_kind(given, kind)
        if feature_kind is None:
            codes = ", ".join(f"« {code} »" for code in PointInteretKind.values)
            raise ValidationError(
                f"Objet n° {index} de la collection (« {nom[:80]} ») : le type « {given} » est inconnu. "
                f"Types reconnus : {codes}, ou leur libellé."
            )
        try:
            point = point_interet_create(
                dossier=dossier,
                nom=nom,
                kind=feature_kind,
                geometry=geometry,
                description=str(props.get("description") or ""),
                by=by,
            )
        except ValidationError as error:
            raise ValidationError(
                f"Objet n° {index} de la collection (« {nom[:80]} ») : {' '.join(error.messages)}"
            ) from error
        created.append(point)
    return created
