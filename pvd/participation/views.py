import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pvd.core.client_ip import client_ip
from pvd.core.csv_export import csv_cell
from pvd.core.forms import apply_validation_error, report_validation_error
from pvd.core.pagination import paginate
from pvd.dossiers.views_utils import dossier_context, dossier_view

from . import selectors, services
from .forms import HONEYPOT, AnswerForm, ConsultationForm, ContributionForm, PageForm, RefuseForm
from .models import Contribution, ContributionStatut, PageParticipation, Theme


def _public_page(dossier_pk):
    page = selectors.published_page(dossier_pk)
    if page is None:
        raise Http404("Pas de page de participation publiée pour ce dossier.")
    return page


PUBLIC_PAGE_SIZE = 20
MODERATION_PAGE_SIZE = 30


def _page_of(request, queryset, size):
    """One page of a list and the link to the other pages, the other filters kept."""
    return paginate(request, queryset, size)


def _public_context(page, **extra):
    return {
        "page": page,
        "dossier": page.dossier,
        "page_title": page.titre,
        "breadcrumb_data": {"links": [], "current": f"Participation — {page.dossier.nom}"},
        **extra,
    }


def _public_page_context(request, page, form, projet):
    """What the public page shows besides the form: consultations, one page of published
    contributions, the link to the published projet de territoire (`projet`, fetched once)."""
    dossier = page.dossier
    contributions, page_link = _page_of(request, selectors.published_contributions(dossier), PUBLIC_PAGE_SIZE)
    return _public_context(
        page,
        form=form,
        consultations=selectors.with_subjects(form.consultations, public=True, projet=projet),
        contributions=selectors.with_subjects(contributions.object_list, public=True, projet=projet),
        page_obj=contributions,
        page_link=page_link,
        projet_url=(
            reverse("strategie:public", kwargs={"dossier_pk": dossier.pk})
            if selectors.has_public_version(projet)
            else ""
        ),
        honeypot=HONEYPOT,
    )


@login_not_required
def public_page(request, dossier_pk):
    page = _public_page(dossier_pk)
    dossier = page.dossier
    consultations = list(selectors.open_consultations(dossier))
    projet = selectors.public_projet(dossier)  # once for the whole page
    axes, fiches = selectors.public_axes(dossier, projet=projet), selectors.public_fiches(dossier, projet=projet)
    form = ContributionForm(consultations=consultations, axes=axes, fiches=fiches)
    if request.method == "POST":
        form = ContributionForm(request.POST, consultations=consultations, axes=axes, fiches=fiches)
        # The slot is taken before anything else (check and count in one step), given back
        # only when the form is sent back for correction.
        slot = services.rate_limit_take(ip=client_ip(request))
        if slot is None:
            apply_validation_error(
                form,
                ValidationError(
                    "Vous avez déposé trop de contributions en peu de temps. Merci de réessayer plus tard."
                ),
            )
            form.is_valid()
            context = _public_page_context(request, page, form, projet)
            return render(request, "participation/public.html", context, status=429)
        if form.is_spam():
            # Say nothing to a robot, keep nothing, but count it (the slot stays taken).
            messages.success(request, "Merci : votre contribution sera publiée après modération.")
            return redirect("participation:public", dossier_pk=dossier.pk)
        if form.is_valid():
            try:
                services.contribution_submit(dossier=dossier, **form.service_kwargs())
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, "Merci : votre contribution sera publiée après modération.")
                return redirect("participation:public", dossier_pk=dossier.pk)
        services.rate_limit_release(slot)
    context = _public_page_context(request, page, form, projet)
    return render(request, "participation/public.html", context, status=400 if form.errors else 200)


@login_not_required
def public_contribution(request, dossier_pk, pk):
    page = _public_page(dossier_pk)
    contribution = get_object_or_404(selectors.published_contributions(page.dossier), pk=pk)
    projet = selectors.public_projet(page.dossier) if contribution.axe_id else None
    selectors.with_subjects([contribution], public=True, projet=projet)
    context = _public_context(page, contribution=contribution)
    # Its own <title>, so that a shared link or a bookmark names the contribution.
    context["page_title"] = f"{contribution.get_kind_display()} n° {contribution.pk} — {page.dossier.nom}"
    return render(request, "participation/public_contribution.html", context)


def _page_initial(page) -> dict:
    return {"publiee": "oui" if page.publiee else "non", "titre": page.titre, "introduction": page.introduction}


def _page_form(dossier, data=None):
    """The public page's settings, checked against the version read (pvd.core.concurrency): the
    page not created yet is version 0, refused if someone creates it meanwhile."""
    unsaved = PageParticipation(dossier=dossier, version=0)
    return PageForm(
        data,
        prefix="page",
        versioned=PageParticipation.objects.filter(dossier=dossier).first() or unsaved,
        initial_for=_page_initial,
        refetch=lambda: PageParticipation.objects.filter(dossier=dossier).first() or unsaved,
    )


@dossier_view("participation.moderate")
def moderation(request, dossier):
    return _moderation_page(request, dossier)


def _moderation_page(request, dossier, page_form=None):
    """The moderation page; `page_form`: the public page's form refused, with its errors."""
    filters = {"statut": request.GET.get("statut", ""), "theme": request.GET.get("theme", "")}
    page = PageParticipation.objects.filter(dossier=dossier).first()
    projet = selectors.public_projet(dossier)
    axes, fiches = selectors.public_axes(dossier, projet=projet), selectors.public_fiches(dossier, projet=projet)
    contributions, page_link = _page_of(request, selectors.moderation_list(dossier, **filters), MODERATION_PAGE_SIZE)
    context = dossier_context(
        request,
        dossier,
        page_title="Participation",
        crumbs=[],
        page=page,
        public_url=reverse("participation:public", kwargs={"dossier_pk": dossier.pk}) if page and page.publiee else "",
        contributions=selectors.with_subjects(contributions.object_list, public=False),
        page_obj=contributions,
        page_link=page_link,
        counts=selectors.counts_by_theme_and_status(dossier),
        consultations=list(dossier.consultations.all()),
        filters=filters,
        statut_choices=ContributionStatut.choices,
        theme_choices=Theme.choices,
        page_form=page_form or _page_form(dossier),
        consultation_form=ConsultationForm(axes=axes, fiches=fiches, prefix="consultation"),
        refuse_form=RefuseForm(),
        answer_form=AnswerForm(),
    )
    return render(request, "participation/moderation.html", context, status=400 if page_form else 200)


@require_POST
@dossier_view("participation.moderate")
def page_update(request, dossier):
    form = _page_form(dossier, request.POST)
    if form.is_valid():
        try:
            page = services.page_update(
                dossier=dossier, by=request.user, expected_version=form.read_version, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, "La page publique est publiée." if page.publiee else "La page publique est masquée."
            )
            return redirect("participation:moderation", dossier_pk=dossier.pk)
    # Refused (no title, changed meanwhile): the moderation page with the form's errors.
    return _moderation_page(request, dossier, page_form=form)


@require_POST
@dossier_view("participation.moderate")
def consultation_create(request, dossier):
    projet = selectors.public_projet(dossier)
    axes, fiches = selectors.public_axes(dossier, projet=projet), selectors.public_fiches(dossier, projet=projet)
    form = ConsultationForm(request.POST, axes=axes, fiches=fiches, prefix="consultation")
    if form.is_valid():
        try:
            services.consultation_create(dossier=dossier, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            report_validation_error(request, error)
        else:
            messages.success(request, "La consultation a été créée.")
    else:
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, "La consultation n'a pas été créée : " + " ".join(errors))
    return redirect("participation:moderation", dossier_pk=dossier.pk)


@require_POST
@dossier_view("participation.moderate")
def moderate(request, dossier, pk, action):
    contribution = get_object_or_404(Contribution.objects.filter(dossier=dossier), pk=pk)
    try:
        if action == "publier":
            services.contribution_publish(contribution=contribution, by=request.user)
            messages.success(request, "La contribution est publiée.")
        elif action == "refuser":
            services.contribution_refuse(
                contribution=contribution, motif=request.POST.get("motif", ""), by=request.user
            )
            messages.success(request, "La contribution est refusée.")
        elif action == "repondre":
            services.contribution_answer(
                contribution=contribution, reponse=request.POST.get("reponse", ""), by=request.user
            )
            messages.success(request, "La réponse est enregistrée.")
        else:
            raise Http404
    except ValidationError as error:
        report_validation_error(request, error)
    return redirect(reverse("participation:moderation", kwargs={"dossier_pk": dossier.pk}) + f"#contribution-{pk}")


@dossier_view("participation.moderate")
def export_csv(request, dossier):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="contributions-dossier-{dossier.pk}.csv"'
    response.write("\ufeff")  # for spreadsheet software
    writer = csv.writer(response, delimiter=";")
    # The residents' addresses only for who may answer them (the équipe-projet).
    contact = request.access.can("participation.view_contact")
    writer.writerow(
        [
            "Numéro",
            "Déposée le",
            "Nature",
            "Thème",
            "Sujet",
            "Consultation",
            "Auteur",
            *(["Adresse électronique"] if contact else []),
            "Statut",
            "Motif du refus",
            "Modérée par",
            "Modérée le",
            "Contribution",
            "Réponse",
        ]
    )
    for c in selectors.moderation_list(dossier).order_by("created_at", "pk"):
        writer.writerow(
            [
                c.pk,
                _local(c.created_at),
                c.get_kind_display(),
                c.get_theme_display(),
                csv_cell(str(c.axe or c.fiche or "")),
                csv_cell(c.consultation.question if c.consultation else ""),
                csv_cell(c.auteur_affiche),
                *([csv_cell(c.email)] if contact else []),
                c.get_statut_display(),
                csv_cell(c.motif_refus),
                csv_cell(c.moderated_by.get_full_name() if c.moderated_by else ""),
                _local(c.moderee_le),
                csv_cell(c.texte),
                csv_cell(c.reponse),
            ]
        )
    return response


def _local(moment) -> str:
    """A date and time as the équipe-projet reads it (Europe/Paris), not in UTC."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""
