from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pvd.core.downloads import protected_download
from pvd.core.forms import apply_validation_error, report_validation_error
from pvd.core.pagination import paginate
from pvd.core.views import delete_view
from pvd.dossiers.steps import optional_provider
from pvd.dossiers.views_utils import dossier_context, dossier_view
from pvd.gouvernance.selectors import deletion_consequence, may_submit

from . import selectors, services
from .forms import DocumentDetailsForm, DocumentForm, VersionForm
from .models import DocumentVersion

# The documents' rows of the one table (pvd/dossiers/perms.py): every reader of the dossier
# sees its documents (confidential ones: `documents.view_confidential`, see `visible_to`).
VIEW, EDIT, SUBMIT = "dossier.view", "documents.edit", "documents.submit"


def _document(request, dossier, document_pk):
    return get_object_or_404(selectors.documents_for(dossier, request.access), pk=document_pk)


def _list_url(dossier):
    return reverse("documents:list", kwargs={"dossier_pk": dossier.pk})


def _detail_url(document):
    return reverse("documents:detail", kwargs={"dossier_pk": document.dossier_id, "document_pk": document.pk})


def _list_crumb(dossier):
    return {"url": _list_url(dossier), "title": "Documents"}


@dossier_view(VIEW)
def document_list(request, dossier):
    page, page_link = paginate(request, selectors.documents_listed(dossier, request.access))
    documents = selectors.document_rows(dossier, request.access, page.object_list)
    return render(
        request,
        "documents/list.html",
        dossier_context(
            request,
            dossier,
            page_title="Documents",
            crumbs=[],
            documents=documents,
            page_obj=page,
            page_link=page_link,
        ),
    )


@dossier_view(EDIT)
def document_create(request, dossier):
    form = DocumentForm()
    if request.method == "POST":
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                document = services.document_create(dossier=dossier, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, "Le document est déposé.")
                return redirect(_detail_url(document))
    response = render(
        request,
        "documents/form.html",
        dossier_context(
            request,
            dossier,
            page_title="Déposer un document",
            crumbs=[_list_crumb(dossier)],
            form=form,
            submit_label="Déposer",
            cancel_url=_list_url(dossier),
        ),
    )
    if form.errors:
        response.status_code = 400
    return response


@dossier_view(EDIT)
def document_update(request, dossier, document_pk):
    document = _document(request, dossier, document_pk)
    fields = ("titre", "kind", "description", "confidentiel")
    form = DocumentDetailsForm(initial={name: getattr(document, name) for name in fields}, current_kind=document.kind)
    if request.method == "POST":
        form = DocumentDetailsForm(request.POST, current_kind=document.kind)
        if form.is_valid():
            try:
                services.document_update(document=document, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, "Le document est modifié.")
                return redirect(_detail_url(document))
    response = render(
        request,
        "documents/form.html",
        dossier_context(
            request,
            dossier,
            page_title="Modifier le document",
            crumbs=[_list_crumb(dossier), {"url": _detail_url(document), "title": document.titre}],
            form=form,
            submit_label="Enregistrer",
            cancel_url=_detail_url(document),
        ),
    )
    if form.errors:
        response.status_code = 400
    return response


def _detail(request, dossier, document, version_form=None, status=200):
    detail = selectors.document_detail(document)
    context = dossier_context(
        request,
        dossier,
        page_title=document.titre,
        crumbs=[_list_crumb(dossier)],
        document=document,
        version_form=version_form or VersionForm(),
        can_submit=may_submit(request.access, document, detail["validation"]),
        **detail,
    )
    return render(request, "documents/detail.html", context, status=status)


@dossier_view(VIEW)
def document_detail(request, dossier, document_pk):
    return _detail(request, dossier, _document(request, dossier, document_pk))


@require_POST
@dossier_view(EDIT)
def version_add(request, dossier, document_pk):
    document = _document(request, dossier, document_pk)
    form = VersionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            version = services.document_version_add(document=document, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"La version {version.numero} est déposée : elle devient la version en vigueur.")
            return redirect(_detail_url(document))
    return _detail(request, dossier, document, version_form=form, status=400)


@dossier_view(VIEW)
def version_download(request, dossier, document_pk, version_pk):
    """A version's file, streamed only to who may see the document (never a public media URL)."""
    document = _document(request, dossier, document_pk)
    version = get_object_or_404(DocumentVersion.objects.filter(document=document), pk=version_pk)
    return protected_download(version.file, filename=version.nom)


def _diagnostic_unlinks(document) -> str:
    """What the diagnostic (a higher app, declared here by its path) loses with the document."""
    provider = optional_provider("pvd.diagnostic.selectors.document_unlinks")
    return provider(document) if provider else ""


@dossier_view(EDIT)
def document_delete(request, dossier, document_pk):
    """GET: the confirmation page; POST: the deletion (refused once the comité de projet decided)."""
    document = _document(request, dossier, document_pk)
    return delete_view(
        request,
        delete=lambda: services.document_delete(document=document, by=request.user),
        message=f"Le document « {document.titre} » a été supprimé.",
        done=_list_url(dossier),
        error_url=_detail_url(document),
        confirm=lambda: dossier_context(
            request,
            dossier,
            page_title="Supprimer le document",
            crumbs=[_list_crumb(dossier), {"url": _detail_url(document), "title": document.titre}],
            consequence=" ".join(
                part
                for part in (
                    f"Le document « {document.titre} » et toutes ses versions seront supprimés définitivement.",
                    deletion_consequence(document),
                    _diagnostic_unlinks(document),
                )
                if part
            ),
            cancel_url=_detail_url(document),
        ),
    )


@require_POST
@dossier_view(SUBMIT)
def document_submit(request, dossier, document_pk):
    document = _document(request, dossier, document_pk)
    try:
        services.document_submit(document=document, by=request.user)
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(request, "Le document est soumis au comité de projet : il attend son inscription en séance.")
    return redirect(_detail_url(document))
