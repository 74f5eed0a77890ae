"""Writes of the diagnostic: every change goes through these functions (views, imports,
commands and the demo call them), each in one transaction, with French errors."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from pvd.documents.models import DocumentKind
from pvd.documents.services import check_upload, document_create
from pvd.gouvernance.services import object_submit

from .models import AfomItem, Diagnostic, DocumentPlanification, Donnee, Etude, Initiative
from .selectors import AFOM_THEMES

# --- Diagnostic as a whole ------------------------------------------------------------------


def diagnostic_get_or_create(*, dossier) -> Diagnostic:
    diagnostic, _created = Diagnostic.objects.get_or_create(dossier=dossier)
    return diagnostic


@transaction.atomic
def diagnostic_update(*, dossier, by, histoire: str, dynamiques: str, synthese: str) -> Diagnostic:
    diagnostic = diagnostic_get_or_create(dossier=dossier)
    diagnostic.histoire, diagnostic.dynamiques, diagnostic.synthese = histoire, dynamiques, synthese
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


# --- Imports ---------------------------------------------------------------------------------


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
    item.donnees.set(donnees)
    return item


@transaction.atomic
def afom_item_update(*, item: AfomItem, theme: str, categorie: str, texte: str, by, donnees=()) -> AfomItem:
    """Change a line; moved to another theme or category, it goes last there and its old group closes up."""
    item = AfomItem.objects.select_for_update().select_related("dossier").get(pk=item.pk)
    donnees = _afom_check_donnees(item.dossier, donnees)
    old_group = (item.theme, item.categorie)
    item.theme, item.categorie, item.texte = theme, categorie, texte
    _afom_check(item)
    if (theme, categorie) != old_group:
        last = _afom_group(item.dossier_id, theme, categorie).select_for_update().values_list("ordre", flat=True)
        item.ordre = max(last, default=0) + 1
    item.save()
    item.donnees.set(donnees)
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


def _delete_files_on_commit(*files) -> None:
    names = [(f.storage, f.name) for f in files if f and f.name]
    if names:
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])


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
def plan_update(*, plan: DocumentPlanification, by, file=None, remove_file: bool = False, **fields):
    """Change a plan; a new file replaces the old one, `remove_file` removes it (files deleted once committed)."""
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"Champs inconnus : {', '.join(sorted(unknown))}")
    plan = DocumentPlanification.objects.select_for_update().get(pk=plan.pk)
    old_file = plan.file if plan.file else None
    for name, value in fields.items():
        setattr(plan, name, value)
    _plan_check(plan)
    if remove_file and file is None:
        plan.file = ""
    _plan_save(plan, file)
    if old_file is not None and (file is not None or remove_file):
        _delete_files_on_commit(old_file)
    return plan


@transaction.atomic
def plan_delete(*, plan: DocumentPlanification, by) -> None:
    file = plan.file if plan.file else None
    plan.delete()
    _delete_files_on_commit(file)


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
    *, etude: Etude, by, livrable=None, livrable_file=None, livrable_confidentiel: bool = False, **fields
) -> Etude:
    """Change a study; the deliverable chosen (or uploaded) replaces the previous link, the
    previous document itself stays in the dossier's documents."""
    unknown = set(fields) - set(ETUDE_FIELDS)
    if unknown:
        raise ValueError(f"Champs inconnus : {', '.join(sorted(unknown))}")
    etude = Etude.objects.select_for_update().select_related("dossier").get(pk=etude.pk)
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
    """Delete a study; its deliverable stays in the dossier's documents."""
    etude.delete()


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
def initiative_update(*, initiative: Initiative, by, **fields) -> Initiative:
    unknown = set(fields) - set(INITIATIVE_FIELDS)
    if unknown:
        raise ValueError(f"Champs inconnus : {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(initiative, name, value)
    _initiative_check(initiative)
    initiative.save()
    return initiative


@transaction.atomic
def initiative_delete(*, initiative: Initiative, by) -> None:
    initiative.delete()


# --- Points d'intérêt (carte) ----------------------------------------------------------------
