import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pvd.core.formatting import nombre
from pvd.core.forms import apply_validation_error, report_validation_error
from pvd.core.pagination import paginate
from pvd.core.text import plural
from pvd.core.views import delete_view
from pvd.dossiers.models import Dossier
from pvd.dossiers.views_utils import dossier_context, dossier_view
from pvd.gouvernance.selectors import deletion_consequence
from pvd.suivi import catalogue
from pvd.suivi import status as suivi_status
from pvd.suivi.models import Indicateur

from . import selectors, services
from .forms import (
    AxeForm,
    CatalogueForm,
    IndicateurForm,
    ProjetForm,
    SecteurForm,
    SecteurImportForm,
    SousObjectifForm,
)
from .models import AxeStrategique, ProjetTerritoire, ProjetTerritoireVersion, SecteurIntervention, SousObjectif


def _index(dossier):
    return reverse("strategie:index", kwargs={"dossier_pk": dossier.pk})


def _crumbs(dossier):
    return [{"url": _index(dossier), "title": "Stratégie"}]


def _map_settings(dossier, geojson) -> dict:
    communes = selectors.communes_layer(dossier)
    return {
        "legend": selectors.map_legend(geojson),
        "tiles_url": settings.PVD_MAP_TILES_URL,
        "tiles_attribution": settings.PVD_MAP_TILES_ATTRIBUTION,
        # The communes' outlines, drawn beneath the sectors (empty until they are imported).
        "communes": communes,
        # Where the map opens when there is no sector to show (the JavaScript fits the sectors otherwise).
        "bounds": json.dumps(selectors.map_bounds(dossier, communes)),
    }


def _form_page(
    request, dossier, *, title, form, cancel_url, template="strategie/form.html", submit_label="Enregistrer", **extra
):
    context = dossier_context(
        request,
        dossier,
        page_title=title,
        crumbs=_crumbs(dossier),
        form=form,
        cancel_url=cancel_url,
        submit_label=submit_label,
        **extra,
    )
    return render(request, template, context)


def _axe(dossier, axe_pk):
    return get_object_or_404(AxeStrategique.objects.filter(dossier=dossier), pk=axe_pk)


# --- Overview ------------------------------------------------------------------------------


@dossier_view("dossier.view")
def index(request, dossier):
    overview = selectors.strategie_overview(dossier)
    # The status of each axe's indicator (pvd.suivi.status), put on the prefetched indicators.
    etats = {
        indicateur.pk: indicateur.etat
        for indicateur in suivi_status.with_etats(
            Indicateur.objects.filter(dossier=dossier, axe__isnull=False), access=request.access
        )
    }
    for axe in overview["axes"]:
        for indicateur in axe.indicateurs.all():
            indicateur.etat = etats.get(indicateur.pk)
    geojson = selectors.secteurs_geojson(overview["secteurs"])
    # The map shows every sector; the table a page of them.
    secteurs_page, secteurs_page_link = paginate(request, overview["secteurs"], param="secteurs_page")
    context = dossier_context(
        request,
        dossier,
        page_title="Stratégie",
        crumbs=[],
        geojson=geojson,
        map=_map_settings(dossier, geojson),
        secteurs_page=secteurs_page,
        secteurs_page_link=secteurs_page_link,
        **overview,
    )
    return render(request, "strategie/index.html", context)


@dossier_view("strategie.edit")
def projet_edit(request, dossier):
    # Not created yet: version 0, refused if someone creates it meanwhile.
    projet = selectors.projet_of(dossier) or ProjetTerritoire(dossier=dossier, version=0)
    form = ProjetForm(
        request.POST or None,
        versioned=projet,
        initial_for=lambda projet: {"resume": projet.resume},
        refetch=lambda: selectors.projet_of(dossier) or projet,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.projet_update(
                dossier=dossier,
                resume=form.cleaned_data["resume"],
                by=request.user,
                expected_version=form.read_version,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "La synthèse du projet de territoire a été enregistrée.")
            return redirect(_index(dossier))
    return _form_page(request, dossier, title="Synthèse du projet de territoire", form=form, cancel_url=_index(dossier))


@require_POST
@dossier_view("strategie.edit")
def projet_publish(request, dossier):
    try:
        services.projet_publish(dossier=dossier, by=request.user)
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(request, "Le projet de territoire est publié dans son état actuel.")
    return redirect(_index(dossier))


@require_POST
@dossier_view("strategie.edit")
def projet_unpublish(request, dossier):
    services.projet_unpublish(dossier=dossier, by=request.user)
    messages.success(request, "Le projet de territoire n'est plus publié.")
    return redirect(_index(dossier))


@require_POST
@dossier_view("strategie.edit")
def projet_submit(request, dossier):
    try:
        services.projet_submit(dossier=dossier, by=request.user)
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(request, "La stratégie est soumise au comité de projet : elle sera inscrite à une séance.")
    return redirect(_index(dossier))


# --- Axes ----------------------------------------------------------------------------------


def _axe_initial(axe):
    return {
        "numero": axe.numero,
        "titre": axe.titre,
        "enjeux": axe.enjeux,
        "echelle": axe.echelle,
        "partenaires": list(axe.partenaires.all()),
        "orientations_crte": axe.orientations_crte,
        "transition_ecologique": axe.transition_ecologique,
        "cohesion_territoriale": axe.cohesion_territoriale,
    }


@dossier_view("strategie.edit")
def axe_create(request, dossier):
    next_numero = (max(dossier.axes.values_list("numero", flat=True), default=0)) + 1
    form = AxeForm(request.POST or None, initial={"numero": next_numero}, dossier=dossier)
    if request.method == "POST" and form.is_valid():
        try:
            axe = services.axe_create(dossier=dossier, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"L'{axe.running_name} a été créé.")
            return redirect(_index(dossier) + f"#axe-{axe.pk}")
    return _form_page(request, dossier, title="Nouvel axe stratégique", form=form, cancel_url=_index(dossier))


@dossier_view("strategie.edit")
def axe_update(request, dossier, axe_pk):
    axe = _axe(dossier, axe_pk)
    form = AxeForm(request.POST or None, versioned=axe, initial_for=_axe_initial, dossier=dossier)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.AXE_FIELDS}
        try:
            services.axe_update(
                axe=axe,
                by=request.user,
                partenaires=form.cleaned_data["partenaires"],
                expected_version=form.read_version,
                **data,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"L'{axe.running_name} a été modifié.")
            return redirect(_index(dossier) + f"#axe-{axe.pk}")
    return _axe_page(request, dossier, axe, form)


def _sous_objectif_form(sous, data=None):
    """The inline form of one sous-objectif (its own ids: the page shows one per sous-objectif)."""
    return SousObjectifForm(
        data, versioned=sous, initial_for=lambda sous: {"titre": sous.titre}, auto_id=f"sous_{sous.pk}_%s"
    )


def _axe_page(request, dossier, axe, form, refused=None):
    """The axe's edit page; `refused`: a sous-objectif form refused, shown with its errors."""
    sous_objectifs = list(axe.sous_objectifs.all())
    for sous in sous_objectifs:
        sous.form = refused if refused is not None and refused.versioned.pk == sous.pk else _sous_objectif_form(sous)
    sous_form = SousObjectifForm(auto_id="sous_objectif_%s")  # the axe form has its own id_titre
    response = _form_page(
        request,
        dossier,
        title=f"Modifier l'axe {axe.numero}",
        form=form,
        cancel_url=_index(dossier),
        template="strategie/axe_form.html",
        axe=axe,
        sous_objectifs=sous_objectifs,
        sous_form=sous_form,
        # Shown after a sous-objectif's refusal too: the axe form posts to its own page.
        form_action=reverse("strategie:axe_update", kwargs={"dossier_pk": dossier.pk, "axe_pk": axe.pk}),
    )
    if refused is not None:
        response.status_code = 400
    return response


@dossier_view("strategie.edit")
def axe_delete(request, dossier, axe_pk):
    axe = _axe(dossier, axe_pk)
    confirm = lambda: dossier_context(  # noqa: E731 - the page only a GET builds
        request,
        dossier,
        page_title=f"Supprimer l'axe {axe.numero}",
        crumbs=_crumbs(dossier),
        objet=str(axe),
        consequence=(
            f"Ses sous-objectifs et ses indicateurs seront supprimés avec lui. {deletion_consequence(axe)}"
        ).strip(),
        unlinked=selectors.axe_unlinks(axe, request.access),
        cancel_url=_index(dossier),
    )
    return delete_view(
        request,
        delete=lambda: services.axe_delete(axe=axe, by=request.user),
        message=f"L'{axe.running_name} a été supprimé.",
        done=_index(dossier),
        confirm=confirm,
        template="strategie/confirm_delete.html",
    )


@require_POST
@dossier_view("strategie.edit")
def axe_move(request, dossier, axe_pk, direction):
    axe = _axe(dossier, axe_pk)
    try:
        services.axe_move(axe=axe, direction=direction, by=request.user)
    except ValidationError as error:
        report_validation_error(request, error)
    return redirect(_index(dossier) + f"#axe-{axe.pk}")


@require_POST
@dossier_view("strategie.edit")
def axe_submit(request, dossier, axe_pk):
    axe = _axe(dossier, axe_pk)
    try:
        services.axe_submit(axe=axe, by=request.user)
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(request, f"L'{axe.running_name} est soumis au comité de projet.")
    return redirect(_index(dossier) + f"#axe-{axe.pk}")


@require_POST
@dossier_view("strategie.edit")
def sous_objectif_create(request, dossier, axe_pk):
    axe = _axe(dossier, axe_pk)
    form = SousObjectifForm(request.POST)
    if form.is_valid():
        services.sous_objectif_create(axe=axe, titre=form.cleaned_data["titre"], by=request.user)
        messages.success(request, "Le sous-objectif a été ajouté.")
    else:
        messages.error(request, "Indiquez le sous-objectif (300 caractères au plus).")
    return redirect("strategie:axe_update", dossier_pk=dossier.pk, axe_pk=axe.pk)


@require_POST
@dossier_view("strategie.edit")
def sous_objectif_update(request, dossier, pk):
    sous = get_object_or_404(SousObjectif.objects.filter(axe__dossier=dossier).select_related("axe__dossier"), pk=pk)
    form = _sous_objectif_form(sous, request.POST)
    if form.is_valid():
        try:
            services.sous_objectif_update(
                sous_objectif=sous,
                titre=form.cleaned_data["titre"],
                by=request.user,
                expected_version=form.read_version,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Le sous-objectif a été modifié.")
            return redirect("strategie:axe_update", dossier_pk=dossier.pk, axe_pk=sous.axe_id)
    # Refused (empty, too long, changed meanwhile): the axe's page with this form's errors.
    axe = sous.axe
    return _axe_page(request, dossier, axe, AxeForm(versioned=axe, initial_for=_axe_initial, dossier=dossier), form)


@require_POST
@dossier_view("strategie.edit")
def sous_objectif_delete(request, dossier, pk):
    sous = get_object_or_404(SousObjectif.objects.filter(axe__dossier=dossier).select_related("axe"), pk=pk)
    services.sous_objectif_delete(sous_objectif=sous, by=request.user)
    messages.success(request, "Le sous-objectif a été retiré.")
    return redirect("strategie:axe_update", dossier_pk=dossier.pk, axe_pk=sous.axe_id)


# --- Indicators ----------------------------------------------------------------------------


def _indicateur(dossier, pk):
    return get_object_or_404(
        Indicateur.objects.filter(dossier=dossier, axe__isnull=False).select_related("axe", "dossier"), pk=pk
    )


@dossier_view("strategie.edit")
def indicateur_create(request, dossier, axe_pk):
    axe = _axe(dossier, axe_pk)
    catalogue_form = CatalogueForm(request.GET or None)
    initial = {}
    if catalogue_form.is_valid() and (modele := catalogue.get_modele(catalogue_form.cleaned_data["modele"])):
        initial = catalogue.initial_from(modele)
    form = IndicateurForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            indicateur = services.axe_indicateur_create(axe=axe, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"L'indicateur « {indicateur.nom} » a été ajouté à l'{axe.running_name}.")
            return redirect(_index(dossier) + f"#axe-{axe.pk}")
    return _form_page(
        request,
        dossier,
        title=f"Nouvel indicateur de l'axe {axe.numero}",
        form=form,
        cancel_url=_index(dossier),
        template="strategie/indicateur_form.html",
        axe=axe,
        catalogue_form=catalogue_form if request.GET else CatalogueForm(),
    )


@dossier_view("strategie.edit")
def indicateur_update(request, dossier, pk):
    indicateur = _indicateur(dossier, pk)
    form = IndicateurForm(
        request.POST or None,
        versioned=indicateur,
        initial_for=lambda indicateur: {name: getattr(indicateur, name) for name in IndicateurForm.base_fields},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("catalogue")
        try:
            services.axe_indicateur_update(
                indicateur=indicateur, by=request.user, expected_version=form.read_version, **data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"L'indicateur « {indicateur.nom} » a été modifié.")
            return redirect(_index(dossier) + f"#axe-{indicateur.axe_id}")
    return _form_page(
        request, dossier, title=f"Modifier l'indicateur « {indicateur.nom} »", form=form, cancel_url=_index(dossier)
    )


@dossier_view("strategie.edit")
def indicateur_delete(request, dossier, pk):
    indicateur = _indicateur(dossier, pk)
    confirm = lambda: dossier_context(  # noqa: E731 - the page only a GET builds
        request,
        dossier,
        page_title="Supprimer un indicateur",
        crumbs=_crumbs(dossier),
        objet=f"l'indicateur « {indicateur.nom} »",
        consequence="",
        unlinked=[],
        cancel_url=_index(dossier),
    )
    return delete_view(
        request,
        delete=lambda: services.axe_indicateur_delete(indicateur=indicateur, by=request.user),
        message=f"L'indicateur « {indicateur.nom} » a été supprimé.",
        done=_index(dossier),
        confirm=confirm,
        template="strategie/confirm_delete.html",
    )


# --- Sectors -------------------------------------------------------------------------------


def _secteur(dossier, pk):
    return get_object_or_404(SecteurIntervention.objects.filter(dossier=dossier).select_related("commune"), pk=pk)


def _secteur_page(request, dossier, *, title, form, secteur=None):
    others = selectors.secteurs_of(dossier)
    if secteur is not None:
        others = others.exclude(pk=secteur.pk)
    return _form_page(
        request,
        dossier,
        title=title,
        form=form,
        cancel_url=_index(dossier),
        template="strategie/secteur_form.html",
        geojson=selectors.secteurs_geojson(others),
        map=_map_settings(dossier, {}),
    )


def _warn(request, dossier, secteurs) -> None:
    for warning in services.secteurs_warnings(dossier=dossier, secteurs=secteurs):
        messages.warning(request, warning)


@dossier_view("strategie.edit")
def secteur_create(request, dossier):
    form = SecteurForm(request.POST or None, dossier=dossier, initial={"commune": dossier.communes.first()})
    if request.method == "POST" and form.is_valid():
        try:
            secteur = services.secteur_create(dossier=dossier, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Le secteur « {secteur.nom} » a été créé ({nombre(secteur.surface_ha, 2)} ha).")
            _warn(request, dossier, [secteur])
            return redirect(_index(dossier) + "#secteurs")
    return _secteur_page(request, dossier, title="Nouveau secteur", form=form)


def _secteur_initial(secteur):
    return {
        "nom": secteur.nom,
        "kind": secteur.kind,
        "commune": secteur.commune,
        "description": secteur.description,
        "geometry": json.dumps(secteur.geometry),
    }


@dossier_view("strategie.edit")
def secteur_update(request, dossier, pk):
    secteur = _secteur(dossier, pk)
    form = SecteurForm(request.POST or None, dossier=dossier, versioned=secteur, initial_for=_secteur_initial)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in ("nom", "kind", "commune", "description", "geometry")}
        try:
            services.secteur_update(secteur=secteur, by=request.user, expected_version=form.read_version, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, f"Le secteur « {secteur.nom} » a été modifié ({nombre(secteur.surface_ha, 2)} ha)."
            )
            _warn(request, dossier, [secteur])
            return redirect(_index(dossier) + "#secteurs")
    return _secteur_page(request, dossier, title=f"Modifier le secteur « {secteur.nom} »", form=form, secteur=secteur)


@dossier_view("strategie.edit")
def secteur_delete(request, dossier, pk):
    secteur = _secteur(dossier, pk)
    confirm = lambda: dossier_context(  # noqa: E731 - the page only a GET builds
        request,
        dossier,
        page_title="Supprimer un secteur",
        crumbs=_crumbs(dossier),
        objet=f"le secteur « {secteur.nom} »",
        consequence="",
        unlinked=selectors.secteur_unlinks(secteur, request.access),
        cancel_url=_index(dossier),
    )
    return delete_view(
        request,
        delete=lambda: services.secteur_delete(secteur=secteur, by=request.user),
        message=f"Le secteur « {secteur.nom} » a été supprimé.",
        done=_index(dossier) + "#secteurs",
        confirm=confirm,
        template="strategie/confirm_delete.html",
    )


@dossier_view("strategie.edit")
def secteurs_import(request, dossier):
    form = SecteurImportForm(
        request.POST or None, request.FILES or None, dossier=dossier, initial={"commune": dossier.communes.first()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.secteurs_import(
                dossier=dossier,
                data=data["data"],
                kind=data["kind"],
                commune=data["commune"],
                nom=data["nom"],
                by=request.user,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{plural(len(result.created), 'secteur importé', 'secteurs importés')}.")
            for warning in result.warnings:
                messages.warning(request, warning)
            _warn(request, dossier, result.created)
            return redirect(_index(dossier) + "#secteurs")
    return _form_page(
        request,
        dossier,
        title="Importer des secteurs (GeoJSON)",
        form=form,
        cancel_url=_index(dossier),
        submit_label="Importer",
    )


@dossier_view("dossier.view")
def secteurs_export(request, dossier):
    data = selectors.secteurs_geojson(selectors.secteurs_of(dossier))
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/geo+json")
    response["Content-Disposition"] = f'attachment; filename="secteurs-dossier-{dossier.pk}.geojson"'
    return response


# --- Versions ------------------------------------------------------------------------------


@dossier_view("dossier.view")
def versions(request, dossier):
    projet = selectors.projet_of(dossier)
    # The list shows who and when: the snapshots (the whole strategy each) stay in the database.
    items = list(projet.versions.select_related("auteur").defer("snapshot")) if projet else []
    context = dossier_context(
        request,
        dossier,
        page_title="Historique du projet de territoire",
        crumbs=_crumbs(dossier),
        versions=items,
        version_publiee_id=projet.version_publiee_id if projet else None,
    )
    return render(request, "strategie/versions.html", context)


@dossier_view("dossier.view")
def version_diff(request, dossier):
    qs = ProjetTerritoireVersion.objects.filter(projet__dossier=dossier).select_related("auteur")
    try:
        new = get_object_or_404(qs, numero=int(request.GET.get("b", "")))
        old_numero = int(request.GET.get("a") or new.numero - 1)
    except ValueError as error:
        raise Http404("Version inconnue.") from error
    old = qs.filter(numero=old_numero).first()
    old_snapshot = old.snapshot if old else {"resume": "", "axes": [], "secteurs": []}
    context = dossier_context(
        request,
        dossier,
        page_title=f"Modifications de la version {new.numero}",
        crumbs=[
            *_crumbs(dossier),
            {"url": reverse("strategie:versions", kwargs={"dossier_pk": dossier.pk}), "title": "Historique"},
        ],
        old=old,
        new=new,
        diffs=selectors.snapshot_diff(old_snapshot, new.snapshot),
    )
    return render(request, "strategie/diff.html", context)


# --- Projet de territoire, printable and public ---------------------------------------------


@dossier_view("dossier.view")
def projet(request, dossier):
    snapshot = selectors.strategie_snapshot(dossier)
    geojson = selectors.snapshot_geojson(snapshot)
    context = dossier_context(
        request,
        dossier,
        page_title="Projet de territoire",
        crumbs=_crumbs(dossier),
        projet=selectors.present_snapshot(snapshot),
        geojson=geojson,
        map=_map_settings(dossier, geojson),
        public=False,
    )
    return render(request, "strategie/projet.html", context)


@login_not_required
def public(request, dossier_pk):
    """The published version of the projet de territoire: never the current draft."""
    dossier = get_object_or_404(
        Dossier.objects.filter(projet_territoire__publie=True).select_related("projet_territoire__version_publiee"),
        pk=dossier_pk,
    )
    version = dossier.projet_territoire.version_publiee
    snapshot = version.snapshot
    geojson = selectors.snapshot_geojson(snapshot)
    context = {
        "dossier": dossier,
        "version": version,
        "projet": selectors.present_snapshot(snapshot),
        "geojson": geojson,
        "map": _map_settings(dossier, geojson),
        "public": True,
        "page_title": f"Projet de territoire — {dossier.nom}",
        "heading": "Projet de territoire",
        "breadcrumb_data": {"links": [], "current": "Projet de territoire"},
    }
    return render(request, "strategie/public.html", context)
