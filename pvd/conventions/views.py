from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pvd.core.concurrency import STALE_MESSAGE
from pvd.core.downloads import protected_download
from pvd.core.forms import apply_validation_error, report_validation_error
from pvd.core.views import delete_view
from pvd.dossiers.steps import optional_provider
from pvd.dossiers.views_utils import dossier_context, dossier_view
from pvd.gouvernance.selectors import may_submit, validation_state
from pvd.territoires.services import organisation_chosen_or_created

from . import documents, selectors, services
from .forms import (
    ConventionCreateForm,
    ConventionUpdateForm,
    ResiliationForm,
    SignataireForm,
    SignatureForm,
    SignedScanForm,
)
from .models import Convention, ConventionDocument, ConventionDocumentKind, ConventionEtat, ConventionType, Signataire

GENERABLE = {ConventionType.ADHESION: "adhesion", ConventionType.CADRE: "cadre"}
FORMATS = {"docx": ConventionDocumentKind.PROJET_DOCX, "pdf": ConventionDocumentKind.PROJET_PDF}


def _convention(dossier, pk):
    return get_object_or_404(Convention.objects.filter(dossier=dossier).select_related("amende"), pk=pk)


def _signataire(convention, pk):
    return get_object_or_404(Signataire.objects.filter(convention=convention).select_related("organisation"), pk=pk)


def _with_organisation(dossier, data):
    """The form's data with its organisation chosen in the list or added on the spot."""
    data = dict(data)
    data["organisation"] = organisation_chosen_or_created(
        dossier=dossier, organisation=data["organisation"], nouvelle_organisation=data.pop("nouvelle_organisation")
    )
    return data


def _index_crumb(dossier):
    return {"url": reverse("conventions:index", kwargs={"dossier_pk": dossier.pk}), "title": "Conventions"}


def _detail_url(convention):
    return reverse("conventions:detail", kwargs={"dossier_pk": convention.dossier_id, "pk": convention.pk})


def _form_page(request, dossier, *, title, form, crumbs, cancel_url, submit_label="Enregistrer"):
    context = dossier_context(
        request, dossier, page_title=title, crumbs=crumbs, form=form, cancel_url=cancel_url, submit_label=submit_label
    )
    return render(request, "dossiers/form.html", context)


@dossier_view("dossier.view")
def index(request, dossier):
    conventions = list(selectors.conventions_of(dossier))
    communes = list(dossier.communes.order_by("nom"))
    for convention in conventions:
        convention.dossier = dossier  # the same dossier: no query per convention
        signataires = list(convention.signataires.all())
        convention.nb_signataires = len(signataires)
        convention.nb_signes = sum(1 for s in signataires if s.signe_le)
        progress = selectors.signature_progress(convention, signataires, communes=communes)
        convention.a_signer, convention.parties_absentes = progress["a_signer"], progress["parties_absentes"]
    context = dossier_context(
        request,
        dossier,
        page_title="Conventions",
        crumbs=[],
        conventions=conventions,
        echeance=selectors.echeance_for(dossier),
    )
    return render(request, "conventions/index.html", context)


@dossier_view("conventions.edit")
def convention_create(request, dossier):
    form = ConventionCreateForm(request.POST or None, dossier=dossier)
    if request.method == "POST" and form.is_valid():
        try:
            convention = services.convention_create(dossier=dossier, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            # "Avenant n° 1 à la convention d'adhésion créé", "Convention-cadre valant ORT créée".
            ending = "créé" if convention.kind == ConventionType.AVENANT else "créée"
            messages.success(request, f"{convention} {ending}.")
            return redirect(_detail_url(convention))
    cancel = reverse("conventions:index", kwargs={"dossier_pk": dossier.pk})
    return _form_page(
        request, dossier, title="Nouvelle convention", form=form, crumbs=[_index_crumb(dossier)], cancel_url=cancel
    )


@dossier_view("dossier.view")
def convention_detail(request, dossier, pk):
    convention = _convention(dossier, pk)
    detail = selectors.convention_detail(convention)
    validation = validation_state(convention)
    # The State's opinions on the convention (pvd.pilotage, a higher layer that declares itself here).
    avis_provider = optional_provider("pvd.pilotage.avis.for_object")
    for signataire in detail["signataires"]:
        signataire.signature_form = SignatureForm(
            versioned=signataire, initial_for=_signature_initial, auto_id=f"id_signature_{signataire.pk}_%s"
        )
    context = dossier_context(
        request,
        dossier,
        page_title=str(convention),
        crumbs=[_index_crumb(dossier)],
        convention=convention,
        generable=convention.kind in GENERABLE and convention.etat != ConventionEtat.RESILIEE,
        resiliee=convention.etat == ConventionEtat.RESILIEE,
        scan_allowed=convention.etat in services.SCAN_ETATS,
        upload_form=SignedScanForm(),
        validation=validation,
        can_submit=may_submit(request.access, convention, validation),
        avis_section=avis_provider(convention, request.access) if avis_provider else None,
        **detail,
    )
    return render(request, "conventions/detail.html", context)


@require_POST
@dossier_view("conventions.edit")
def convention_submit(request, dossier, pk):
    convention = _convention(dossier, pk)
    try:
        services.convention_submit(convention=convention, by=request.user)
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(request, "La convention est soumise au comité de projet.")
    return redirect(_detail_url(convention))


def _convention_initial(convention) -> dict:
    return {
        "titre": convention.titre,
        "objet": convention.objet,
        "duree_annees": convention.duree_annees,
        "etat": convention.etat,
    }


@dossier_view("conventions.edit")
def convention_update(request, dossier, pk):
    convention = _convention(dossier, pk)
    form = ConventionUpdateForm(
        request.POST or None, versioned=convention, initial_for=_convention_initial, convention=convention
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.convention_update(convention=convention, expected_version=form.read_version, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "La convention a été modifiée.")
            return redirect(_detail_url(convention))
    crumbs = [_index_crumb(dossier), {"url": _detail_url(convention), "title": str(convention)}]
    return _form_page(
        request, dossier, title="Modifier la convention", form=form, crumbs=crumbs, cancel_url=_detail_url(convention)
    )


@dossier_view("conventions.edit")
def convention_delete(request, dossier, pk):
    convention = _convention(dossier, pk)
    confirm = lambda: dossier_context(  # noqa: E731 - the page only a GET builds
        request,
        dossier,
        page_title="Supprimer la convention",
        crumbs=[_index_crumb(dossier), {"url": _detail_url(convention), "title": str(convention)}],
        heading=f"Supprimer « {convention} » ?",
        consequence=(
            "La convention part à la corbeille avec ses signataires et ses documents ; "
            "le chef de projet peut la restaurer."
        ),
        cancel_url=_detail_url(convention),
    )
    return delete_view(
        request,
        delete=lambda: services.convention_delete(convention=convention, by=request.user),
        message=f"« {convention} » a été supprimée (elle est dans la corbeille).",
        done=reverse("conventions:index", kwargs={"dossier_pk": dossier.pk}),
        error_url=_detail_url(convention),
        confirm=confirm,
    )


@dossier_view("conventions.sign")
def convention_resilier(request, dossier, pk):
    """Résilier is irreversible: the chef de projet confirms it on its own page."""
    convention = _convention(dossier, pk)
    if convention.etat == ConventionEtat.RESILIEE:
        messages.info(request, "La convention est déjà résiliée.")
        return redirect(_detail_url(convention))
    # Bound on any POST: an empty one (box left unticked) must show the error, not a blank form.
    form = ResiliationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.convention_resilier(convention=convention, by=request.user)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "La convention est résiliée. Une nouvelle convention peut la remplacer.")
            return redirect(_detail_url(convention))
    crumbs = [_index_crumb(dossier), {"url": _detail_url(convention), "title": str(convention)}]
    return _form_page(
        request,
        dossier,
        title="Résilier la convention",
        form=form,
        crumbs=crumbs,
        cancel_url=_detail_url(convention),
        submit_label="Résilier définitivement",
    )


@dossier_view("conventions.edit")
def signataire_create(request, dossier, pk):
    convention = _convention(dossier, pk)
    form = SignataireForm(request.POST or None, dossier=dossier)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # an organisation added here goes if the signatory is refused
                data = _with_organisation(dossier, form.cleaned_data)
                services.signataire_create(convention=convention, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Le signataire a été ajouté.")
            return redirect(_detail_url(convention))
    crumbs = [_index_crumb(dossier), {"url": _detail_url(convention), "title": str(convention)}]
    return _form_page(
        request, dossier, title="Ajouter un signataire", form=form, crumbs=crumbs, cancel_url=_detail_url(convention)
    )


def _signataire_initial(signataire) -> dict:
    return {
        "organisation": signataire.organisation,
        "representant": signataire.representant,
        "qualite": signataire.qualite,
        "date_deliberation": signataire.date_deliberation,
        "engagements": signataire.engagements,
        "ordre": signataire.ordre,
    }


@dossier_view("conventions.edit")
def signataire_update(request, dossier, pk, signataire_pk):
    convention = _convention(dossier, pk)
    signataire = _signataire(convention, signataire_pk)
    form = SignataireForm(request.POST or None, versioned=signataire, initial_for=_signataire_initial, dossier=dossier)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["ordre"] = data["ordre"] if data["ordre"] is not None else signataire.ordre
        try:
            with transaction.atomic():  # an organisation added here goes if the change is refused
                services.signataire_update(
                    signataire=signataire, expected_version=form.read_version, **_with_organisation(dossier, data)
                )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Le signataire a été modifié.")
            return redirect(_detail_url(convention))
    crumbs = [_index_crumb(dossier), {"url": _detail_url(convention), "title": str(convention)}]
    return _form_page(
        request, dossier, title="Modifier le signataire", form=form, crumbs=crumbs, cancel_url=_detail_url(convention)
    )


@require_POST
@dossier_view("conventions.edit")
def signataire_delete(request, dossier, pk, signataire_pk):
    convention = _convention(dossier, pk)
    signataire = _signataire(convention, signataire_pk)
    return delete_view(
        request,
        delete=lambda: services.signataire_delete(signataire=signataire, by=request.user),
        message="Le signataire a été retiré.",
        done=_detail_url(convention),
    )


def _signature_initial(signataire) -> dict:
    return {"signe_le": signataire.signe_le}


@require_POST
@dossier_view("conventions.sign")
def signature_record(request, dossier, pk, signataire_pk):
    convention = _convention(dossier, pk)
    signataire = _signataire(convention, signataire_pk)
    form = SignatureForm(request.POST, versioned=signataire, initial_for=_signature_initial)
    if form.is_valid():
        try:
            services.signature_record(
                signataire=signataire, signe_le=form.cleaned_data["signe_le"], expected_version=form.read_version
            )
        except ValidationError as error:
            apply_validation_error(form, error)
    if form.errors:
        if form.conflict:  # the page shows messages only: the refusal says what was saved meanwhile
            changes = "".join(f" {c['label']} : « {c['now']} » (vous aviez lu « {c['read']} »)." for c in form.conflict)
            messages.error(request, f"{signataire.representant or signataire} : {STALE_MESSAGE}{changes}")
        elif "signe_le" in form.errors:
            messages.error(request, " ".join(form.errors["signe_le"]))
        else:
            messages.error(request, " ".join(form.non_field_errors()))
    else:
        convention.refresh_from_db()
        messages.success(request, f"Signature enregistrée ; la convention est {convention.get_etat_display().lower()}.")
    return redirect(_detail_url(convention))


@require_POST
@dossier_view("conventions.generate")
def generate(request, dossier, pk, fmt):
    convention = _convention(dossier, pk)
    if convention.kind not in GENERABLE or fmt not in FORMATS:
        raise Http404("Document inconnu.")
    if convention.etat == ConventionEtat.RESILIEE:
        messages.error(request, "La convention est résiliée : son projet n'est plus généré.")
        return redirect(_detail_url(convention))
    filename, data = documents.generate(GENERABLE[convention.kind], dossier, fmt)
    document, created = services.generated_document_add(
        convention=convention, kind=FORMATS[fmt], filename=filename, content=data, by=request.user
    )
    if created:
        messages.success(request, f"{document.get_kind_display()} : version {document.version} générée.")
    else:
        messages.info(request, f"Le dossier n'a pas changé : la version {document.version} est à jour.")
    return redirect(_detail_url(convention))


@dossier_view("conventions.sign")
def signed_upload(request, dossier, pk):
    convention = _convention(dossier, pk)
    form = SignedScanForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.signed_scan_upload(
                convention=convention, uploaded=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Version signée déposée (version {document.version}).")
            return redirect(_detail_url(convention))
    crumbs = [_index_crumb(dossier), {"url": _detail_url(convention), "title": str(convention)}]
    return _form_page(
        request,
        dossier,
        title="Déposer la version signée",
        form=form,
        crumbs=crumbs,
        cancel_url=_detail_url(convention),
        submit_label="Déposer",
    )


@dossier_view("dossier.view")
def document_download(request, dossier, pk, document_pk):
    convention = _convention(dossier, pk)
    document = get_object_or_404(
        ConventionDocument.objects.filter(convention=convention).select_related("convention__amende"), pk=document_pk
    )
    return protected_download(document.file, filename=documents.download_name(document))
