import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pvd.core.downloads import protected_download
from pvd.core.forms import apply_validation_error, report_validation_error
from pvd.core.pagination import paginate, without_page
from pvd.core.views import delete_view
from pvd.dossiers.steps import optional_provider
from pvd.dossiers.views_utils import dossier_context, dossier_view
from pvd.gouvernance.selectors import deletion_consequence, may_submit
from pvd.strategie import selectors as strategie_selectors
from pvd.strategie.forms import CatalogueForm

from . import exports, selectors, services
from .forms import (
    LIGNE_FORM_FIELDS,
    BudgetForm,
    EtapeForm,
    FicheForm,
    IndicateurForm,
    LigneFinancementForm,
    NoteForm,
    PieceForm,
)
from .models import MAQUETTE_AXE_RULE, BudgetAnnuel, Etape, FicheAction, LigneFinancement, Note, PieceJointe
from .progress import RETARD_RULE


def _fiche(request, dossier, fiche_pk) -> FicheAction:
    return get_object_or_404(selectors.fiches_for(dossier, request.access), pk=fiche_pk)


def _plan_url(dossier):
    return reverse("actions:plan", kwargs={"dossier_pk": dossier.pk})


def _fiche_url(fiche):
    return reverse("actions:fiche", kwargs={"dossier_pk": fiche.dossier_id, "fiche_pk": fiche.pk})


def _plan_crumb(dossier):
    return {"url": _plan_url(dossier), "title": "Plan d'action"}


@dossier_view("dossier.view")
def plan(request, dossier):
    filters = selectors.clean_filters(request.GET)
    page = selectors.plan_page(dossier, request.access, filters)
    points = [
        {
            "lat": float(row.fiche.latitude),
            "lng": float(row.fiche.longitude),
            "titre": f"{row.fiche.numero}. {row.fiche.titre}",
            "coordonnees": row.fiche.coordonnees_label,
            "url": _fiche_url(row.fiche),
        }
        for row in page.rows
        if row.fiche.is_located
    ]
    sort = filters["sort"]
    sort_links = {}
    for key in selectors.SORTS:
        params = request.GET.copy()
        params.pop("page", None)  # a new order starts on its first page
        params["sort"] = f"-{key}" if sort == key else key
        sort_links[key] = "?" + params.urlencode()
    # The totals, the calendar and the map are the whole filtered plan; the table a page of it;
    # the exports the whole filtered plan.
    table, page_link = paginate(request, page.rows)
    export_query = without_page(request)
    return render(
        request,
        "actions/plan.html",
        dossier_context(
            request,
            dossier,
            page_title="Plan d'action",
            crumbs=[],
            page=page,
            page_obj=table,
            page_link=page_link,
            filters=filters,
            choices=selectors.plan_filter_choices(dossier, request.access),
            calendar=selectors.plan_calendar(page.rows, timezone.localdate()),
            points=points,
            sort_links=sort_links,
            export_query=export_query,
            retard_rule=RETARD_RULE,
            tiles=_tiles(),
            **_territory_layers(dossier),
        ),
    )


def _tiles():
    from django.conf import settings

    return {"url": settings.PVD_MAP_TILES_URL, "attribution": settings.PVD_MAP_TILES_ATTRIBUTION}


def _territory_layers(dossier) -> dict:
    """The communes' outlines drawn beneath the points (empty until `import_contours_communes`),
    and where a map with no point opens (the strategy's rule: communes, else EPCI)."""
    communes = strategie_selectors.communes_layer(dossier)
    return {"communes": communes, "bounds": json.dumps(strategie_selectors.map_bounds(dossier, communes))}


def _fiche_form_view(request, dossier, fiche=None):
    # Read before the form runs: a bound ModelForm writes the posted values on the instance.
    stored_numero = fiche.numero if fiche is not None else None
    form = FicheForm(request.POST or None, instance=fiche, dossier=dossier)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.FICHE_FIELDS}
        axes, partenaires = list(form.cleaned_data["axes"]), list(form.cleaned_data["partenaires"])
        data["nouveaux_partenaires"] = form.cleaned_data["nouveaux_partenaires"]
        data["axe_principal"] = form.cleaned_data["axe_principal"]
        try:
            if fiche is None:
                fiche = services.fiche_create(
                    dossier=dossier, by=request.user, axes=axes, partenaires=partenaires, **data
                )
                messages.success(request, "La fiche action a été créée.")
            else:
                if not data["numero"]:  # blank on edit: the fiche keeps its number
                    data["numero"] = stored_numero
                services.fiche_update(
                    fiche=fiche,
                    by=request.user,
                    axes=axes,
                    partenaires=partenaires,
                    expected_version=form.read_version,
                    **data,
                )
                messages.success(request, "La fiche action a été enregistrée.")
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect(_fiche_url(fiche))
    title = "Nouvelle fiche action" if fiche is None else f"Modifier la fiche n° {fiche.numero}"
    crumbs = [_plan_crumb(dossier)]
    if fiche is not None:
        crumbs.append({"url": _fiche_url(fiche), "title": f"Fiche n° {fiche.numero}"})
    return render(
        request,
        "actions/fiche_form.html",
        dossier_context(
            request,
            dossier,
            page_title=title,
            crumbs=crumbs,
            form=form,
            submit_label="Enregistrer",
            cancel_url=_fiche_url(fiche) if fiche else _plan_url(dossier),
            tiles=_tiles(),
            map_center=selectors.map_center(dossier, request.access),
            **_territory_layers(dossier),
        ),
    )


@dossier_view("plan.edit")
def fiche_create(request, dossier):
    return _fiche_form_view(request, dossier)


@dossier_view("plan.edit")
def fiche_update(request, dossier, fiche_pk):
    return _fiche_form_view(request, dossier, _fiche(request, dossier, fiche_pk))


def _detail_context(request, dossier, fiche, **forms):
    today = timezone.localdate()
    # "Partir d'un indicateur du catalogue": a GET form that pre-fills the indicator form.
    catalogue_form = CatalogueForm(request.GET if "modele" in request.GET else None, auto_id="catalogue_%s")
    picked = None
    if catalogue_form.is_bound and catalogue_form.is_valid():
        picked = IndicateurForm.from_catalogue(
            catalogue_form.cleaned_data["modele"], auto_id="indicateur_%s", dossier=dossier
        )
    defaults = {  # distinct ids per form: they share the page (see _sub_form)
        "catalogue_form": catalogue_form if catalogue_form.is_bound else CatalogueForm(auto_id="catalogue_%s"),
        "ligne_form": LigneFinancementForm(dossier=dossier, auto_id="ligne_%s"),
        "budget_form": BudgetForm(initial={"annee": today.year}, auto_id="budget_%s"),
        "etape_form": EtapeForm(auto_id="etape_%s"),
        "note_form": NoteForm(initial={"date": today}, auto_id="note_%s"),
        "piece_form": PieceForm(auto_id="piece_%s"),
        "indicateur_form": picked or IndicateurForm(auto_id="indicateur_%s", dossier=dossier),
    }
    defaults.update(forms)
    detail = selectors.fiche_detail(fiche)
    for note in detail["notes"]:
        note.deletable = note.deletable_by(request.access, request.user)
    # The State's opinions on the fiche (pvd.pilotage, a higher layer that declares itself here).
    avis_provider = optional_provider("pvd.pilotage.avis.for_object")
    return dossier_context(
        request,
        dossier,
        page_title=f"Fiche action n° {fiche.numero}",
        crumbs=[_plan_crumb(dossier)],
        fiche=fiche,
        can_submit=may_submit(request.access, fiche, detail["validation"]),
        **detail,
        avis_section=avis_provider(fiche, request.access) if avis_provider else None,
        point={"lat": float(fiche.latitude), "lng": float(fiche.longitude)} if fiche.is_located else None,
        tiles=_tiles(),
        **(_territory_layers(dossier) if fiche.is_located else {}),
        **defaults,
    )


@dossier_view("dossier.view")
def fiche_detail(request, dossier, fiche_pk):
    fiche = _fiche(request, dossier, fiche_pk)
    return render(request, "actions/fiche.html", _detail_context(request, dossier, fiche))


# The section of the fiche page that each add form adds to.
SECTIONS = {
    "ligne": "financement",
    "budget": "budget",
    "etape": "etapes",
    "indicateur": "indicateurs",
    "note": "notes",
    "piece": "pieces",
}


def _sub_form(request, dossier, fiche_pk, form_class, key, perm, save, form_kwargs=None):
    """POST handler of a small form of the fiche page; on error, the page again with the errors."""
    request.access.require(perm)
    fiche = _fiche(request, dossier, fiche_pk)
    # Several small forms share the fiche page: distinct ids ("etape_date", "note_date"...) for their labels.
    form = form_class(request.POST, request.FILES, auto_id=f"{key}_%s", **(form_kwargs or {}))
    if form.is_valid():
        try:
            save(fiche, form)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Enregistré.")
            # Back to the section that shows what was added (its add form closed again).
            return redirect(_fiche_url(fiche) + f"#{SECTIONS[key]}")
    response = render(request, "actions/fiche.html", _detail_context(request, dossier, fiche, **{f"{key}_form": form}))
    response.status_code = 400
    return response


@require_POST
@dossier_view("plan.edit")
def ligne_add(request, dossier, fiche_pk):
    def save(fiche, form):
        services.ligne_financement_create(
            fiche=fiche,
            by=request.user,
            **form.financeur_fields(),
            **{k: form.cleaned_data[k] for k in LIGNE_FORM_FIELDS},
        )

    return _sub_form(request, dossier, fiche_pk, LigneFinancementForm, "ligne", "plan.edit", save, {"dossier": dossier})


def _fiche_part_edit(request, dossier, fiche, *, form, save, anchor, what, saved):
    """The page editing one part of a fiche (a financing line, an indicator): the form, the
    service `save(form)` (its ValidationError goes back to the form), then back to the fiche."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, saved)
            return redirect(_fiche_url(fiche) + anchor)
    return render(
        request,
        "dossiers/form.html",
        dossier_context(
            request,
            dossier,
            page_title=f"Modifier {what} de la fiche n° {fiche.numero}",
            crumbs=[_plan_crumb(dossier), {"url": _fiche_url(fiche), "title": f"Fiche n° {fiche.numero}"}],
            form=form,
            submit_label="Enregistrer",
            cancel_url=_fiche_url(fiche) + anchor,
        ),
        status=400 if form.is_bound else 200,
    )


@dossier_view("plan.edit")
def ligne_update(request, dossier, fiche_pk, ligne_pk):
    """Every field of a financing line: funder, scheme, amount, status, date."""
    fiche = _fiche(request, dossier, fiche_pk)
    ligne = get_object_or_404(LigneFinancement.objects.filter(fiche=fiche).select_related("financeur"), pk=ligne_pk)

    def save(form):
        services.ligne_financement_update(
            ligne=ligne,
            by=request.user,
            expected_version=form.read_version,
            **form.financeur_fields(),
            **{k: form.cleaned_data[k] for k in LIGNE_FORM_FIELDS},
        )

    return _fiche_part_edit(
        request,
        dossier,
        fiche,
        form=LigneFinancementForm(request.POST or None, instance=ligne, dossier=dossier),
        save=save,
        anchor="#financement",
        what="une ligne de financement",
        saved="La ligne de financement a été enregistrée.",
    )


@require_POST
@dossier_view("plan.edit")
def ligne_update_statut(request, dossier, fiche_pk, ligne_pk):
    fiche = _fiche(request, dossier, fiche_pk)
    ligne = get_object_or_404(LigneFinancement.objects.filter(fiche=fiche), pk=ligne_pk)
    try:
        services.ligne_financement_update(ligne=ligne, by=request.user, statut=request.POST.get("statut", ""))
    except ValidationError as error:
        report_validation_error(request, error)
    return redirect(_fiche_url(fiche) + "#financement")


@require_POST
@dossier_view("plan.edit")
def ligne_delete(request, dossier, fiche_pk, ligne_pk):
    fiche = _fiche(request, dossier, fiche_pk)
    ligne = get_object_or_404(LigneFinancement.objects.filter(fiche=fiche), pk=ligne_pk)
    return delete_view(
        request,
        delete=lambda: services.ligne_financement_delete(ligne=ligne, by=request.user),
        message="La ligne de financement a été supprimée.",
        done=_fiche_url(fiche) + "#financement",
    )


@require_POST
@dossier_view("plan.edit")
def budget_add(request, dossier, fiche_pk):
    def save(fiche, form):
        services.budget_set(fiche=fiche, by=request.user, **form.cleaned_data)

    return _sub_form(request, dossier, fiche_pk, BudgetForm, "budget", "plan.edit", save)


@require_POST
@dossier_view("plan.edit")
def etape_add(request, dossier, fiche_pk):
    def save(fiche, form):
        services.etape_create(fiche=fiche, by=request.user, **form.cleaned_data)

    return _sub_form(request, dossier, fiche_pk, EtapeForm, "etape", "plan.edit", save)


@require_POST
@dossier_view("plan.edit")
def etape_toggle(request, dossier, fiche_pk, etape_pk):
    fiche = _fiche(request, dossier, fiche_pk)
    etape = get_object_or_404(Etape.objects.filter(fiche=fiche), pk=etape_pk)
    services.etape_toggle(etape=etape, by=request.user)
    return redirect(_fiche_url(fiche) + "#etapes")


@dossier_view("plan.edit")
def fiche_delete(request, dossier, fiche_pk):
    """GET: the confirmation page; POST: the deletion (refused once the comité de projet decided)."""
    fiche = _fiche(request, dossier, fiche_pk)
    return delete_view(
        request,
        delete=lambda: services.fiche_delete(fiche=fiche, by=request.user),
        message=f"La fiche action n° {fiche.numero} a été supprimée.",
        done=_plan_url(dossier),
        error_url=_fiche_url(fiche),
        confirm=lambda: dossier_context(
            request,
            dossier,
            page_title=f"Supprimer la fiche action n° {fiche.numero}",
            crumbs=[_plan_crumb(dossier), {"url": _fiche_url(fiche), "title": f"Fiche n° {fiche.numero}"}],
            consequence=(
                f"La fiche « {fiche.titre} », son plan de financement, son budget, ses étapes, ses notes, "
                "ses pièces jointes et son historique seront supprimés définitivement. "
                f"{deletion_consequence(fiche)}"
            ).strip(),
            cancel_url=_fiche_url(fiche),
        ),
    )


@require_POST
@dossier_view("plan.edit")
def etape_delete(request, dossier, fiche_pk, etape_pk):
    fiche = _fiche(request, dossier, fiche_pk)
    etape = get_object_or_404(Etape.objects.filter(fiche=fiche), pk=etape_pk)
    return delete_view(
        request,
        delete=lambda: services.etape_delete(etape=etape, by=request.user),
        message="L'étape a été supprimée.",
        done=_fiche_url(fiche) + "#etapes",
    )


@require_POST
@dossier_view("plan.edit")
def budget_delete(request, dossier, fiche_pk, budget_pk):
    fiche = _fiche(request, dossier, fiche_pk)
    budget = get_object_or_404(BudgetAnnuel.objects.filter(fiche=fiche), pk=budget_pk)
    return delete_view(
        request,
        delete=lambda: services.budget_delete(budget=budget, by=request.user),
        message=f"Le budget {budget.annee} a été supprimé.",
        done=_fiche_url(fiche) + "#budget",
    )


@require_POST
@dossier_view("fiche.comment")
def note_delete(request, dossier, fiche_pk, note_pk):
    fiche = _fiche(request, dossier, fiche_pk)
    note = get_object_or_404(Note.objects.filter(fiche=fiche), pk=note_pk)
    return delete_view(
        request,
        delete=lambda: services.note_delete(note=note, by=request.user, access=request.access),
        message="La note a été supprimée.",
        done=_fiche_url(fiche) + "#notes",
    )


@require_POST
@dossier_view("fiche.comment")
def note_add(request, dossier, fiche_pk):
    def save(fiche, form):
        services.note_create(fiche=fiche, by=request.user, **form.cleaned_data)

    return _sub_form(request, dossier, fiche_pk, NoteForm, "note", "fiche.comment", save)


@require_POST
@dossier_view("plan.edit")
def piece_add(request, dossier, fiche_pk):
    def save(fiche, form):
        services.piece_add(fiche=fiche, by=request.user, **form.cleaned_data)

    return _sub_form(request, dossier, fiche_pk, PieceForm, "piece", "plan.edit", save)


@dossier_view("dossier.view")
def piece_download(request, dossier, fiche_pk, piece_pk):
    """An attachment, streamed only to who may see the fiche (confidential: the équipe only)."""
    fiche = _fiche(request, dossier, fiche_pk)
    piece = get_object_or_404(PieceJointe.objects.filter(fiche=fiche), pk=piece_pk)
    return protected_download(piece.file, filename=piece.file.name.rsplit("/", 1)[-1])


@require_POST
@dossier_view("plan.edit")
def indicateur_add(request, dossier, fiche_pk):
    def save(fiche, form):
        services.indicateur_create(fiche=fiche, by=request.user, **form.cleaned_data)

    return _sub_form(request, dossier, fiche_pk, IndicateurForm, "indicateur", "plan.edit", save, {"dossier": dossier})


@require_POST
@dossier_view("plan.edit")
def piece_delete(request, dossier, fiche_pk, piece_pk):
    fiche = _fiche(request, dossier, fiche_pk)
    piece = get_object_or_404(PieceJointe.objects.filter(fiche=fiche), pk=piece_pk)
    return delete_view(
        request,
        delete=lambda: services.piece_delete(piece=piece, by=request.user),
        message=f"La pièce jointe « {piece.titre} » a été supprimée.",
        done=_fiche_url(fiche) + "#pieces",
    )


def _indicateur(fiche, indicateur_pk):
    from pvd.suivi.models import Indicateur

    return get_object_or_404(Indicateur.objects.filter(fiche=fiche), pk=indicateur_pk)


@dossier_view("plan.edit")
def indicateur_update(request, dossier, fiche_pk, indicateur_pk):
    from pvd.suivi.services import EDITABLE_FIELDS

    fiche = _fiche(request, dossier, fiche_pk)
    indicateur = _indicateur(fiche, indicateur_pk)
    form = IndicateurForm(request.POST or None, instance=indicateur, dossier=dossier)
    del form.fields["catalogue"]  # the catalogue entry an indicator came from does not change
    return _fiche_part_edit(
        request,
        dossier,
        fiche,
        form=form,
        save=lambda form: services.indicateur_update(
            indicateur=indicateur,
            by=request.user,
            expected_version=form.read_version,
            **{k: form.cleaned_data[k] for k in (*EDITABLE_FIELDS, "contribue_a")},
        ),
        anchor="#indicateurs",
        what="un indicateur",
        saved="L'indicateur a été enregistré.",
    )


@require_POST
@dossier_view("plan.edit")
def indicateur_delete(request, dossier, fiche_pk, indicateur_pk):
    fiche = _fiche(request, dossier, fiche_pk)
    indicateur = _indicateur(fiche, indicateur_pk)
    return delete_view(
        request,
        delete=lambda: services.indicateur_delete(indicateur=indicateur, by=request.user),
        message=f"L'indicateur « {indicateur.nom} » a été supprimé.",
        done=_fiche_url(fiche) + "#indicateurs",
    )


@require_POST
@dossier_view("fiche.submit")
def fiche_submit(request, dossier, fiche_pk):
    fiche = _fiche(request, dossier, fiche_pk)
    try:
        services.fiche_submit(fiche=fiche, by=request.user)
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(request, "La fiche est soumise au comité de projet : elle attend son inscription en séance.")
    return redirect(_fiche_url(fiche))


@require_POST
@dossier_view("fiche.publish")
def fiche_publication(request, dossier, fiche_pk):
    fiche = _fiche(request, dossier, fiche_pk)
    publiee = request.POST.get("publiee") == "1"
    try:
        services.fiche_publication(fiche=fiche, by=request.user, publiee=publiee)
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(
            request,
            "La fiche est publiée en données ouvertes." if publiee else "La fiche est retirée des données ouvertes.",
        )
    return redirect(_fiche_url(fiche))


@dossier_view("dossier.view")
def maquette(request, dossier):
    return render(
        request,
        "actions/maquette.html",
        dossier_context(
            request,
            dossier,
            page_title="Maquette financière",
            crumbs=[],
            maquette=selectors.maquette(dossier, request.access),
            axe_rule=MAQUETTE_AXE_RULE,
        ),
    )


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dossier_view("dossier.view")
def maquette_xlsx(request, dossier):
    content = exports.maquette_xlsx(selectors.maquette(dossier, request.access), dossier)
    return _download(content, f"maquette-financiere-{dossier.pk}.xlsx", XLSX)


def _export_fiches(request, dossier, crte=False):
    qs = selectors.filter_fiches(selectors.fiches_for(dossier, request.access), selectors.clean_filters(request.GET))
    if crte:
        qs = qs.filter(inscrite_crte=True)
    return list(selectors._with_relations(qs))


@dossier_view("dossier.view")
def plan_xlsx(request, dossier):
    return _download(exports.plan_xlsx(_export_fiches(request, dossier)), f"plan-action-{dossier.pk}.xlsx", XLSX)


@dossier_view("dossier.view")
def plan_csv(request, dossier):
    content = exports.plan_csv(_export_fiches(request, dossier))
    return _download(content, f"plan-action-{dossier.pk}.csv", "text/csv; charset=utf-8")


@dossier_view("dossier.view")
def crte_export(request, dossier):
    fiches = _export_fiches(request, dossier, crte=True)
    if request.GET.get("format") == "csv":
        return _download(exports.plan_csv(fiches, crte=True), f"crte-{dossier.pk}.csv", "text/csv; charset=utf-8")
    return _download(exports.plan_xlsx(fiches, crte=True), f"crte-{dossier.pk}.xlsx", XLSX)


@dossier_view("dossier.view")
def fiche_pdf(request, dossier, fiche_pk):
    fiche = _fiche(request, dossier, fiche_pk)
    content = exports.fiche_pdf(fiche, selectors.fiche_detail(fiche))
    return _download(content, f"fiche-action-{fiche.numero}.pdf", "application/pdf")


@dossier_view("dossier.view")
def fiche_docx(request, dossier, fiche_pk):
    fiche = _fiche(request, dossier, fiche_pk)
    content = exports.fiche_docx(fiche, selectors.fiche_detail(fiche))
    return _download(content, f"fiche-action-{fiche.numero}.docx", DOCX)
