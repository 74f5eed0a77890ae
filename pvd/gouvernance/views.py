from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from pvd.core.concurrency import STALE_MESSAGE, StaleVersion
from pvd.core.formatting import date_fr
from pvd.core.forms import INCOMPLETE_MESSAGE, VERSION_FIELD, apply_validation_error, report_validation_error
from pvd.core.text import plural
from pvd.core.views import delete_view
from pvd.dossiers.models import Dossier
from pvd.dossiers.perms import access_for
from pvd.dossiers.views_utils import dossier_context, dossier_view

from . import selectors, services
from .documents import dossier_ics, render_pdf, seance_ics
from .forms import (
    PRESENCE_CHOICES,
    CompteRenduForm,
    DecisionForm,
    InstanceForm,
    InstanceUpdateForm,
    MembreFinForm,
    MembreInstanceForm,
    PointForm,
    SeanceForm,
)
from .models import (
    CalendrierDossier,
    Decision,
    Instance,
    InstanceType,
    MembreInstance,
    PointOrdreDuJour,
    PresenceStatut,
    Seance,
)


def _instance(dossier, pk):
    return get_object_or_404(Instance.objects.filter(dossier=dossier), pk=pk)


def _seance(dossier, pk):
    return get_object_or_404(Seance.objects.filter(instance__dossier=dossier).select_related("instance"), pk=pk)


def _crumbs(dossier, *extra):
    return [{"url": reverse("gouvernance:index", kwargs={"dossier_pk": dossier.pk}), "title": "Gouvernance"}, *extra]


@dossier_view("dossier.view")
def index(request, dossier):
    form = InstanceForm()
    if request.method == "POST":
        request.access.require("gouvernance.edit")
        form = InstanceForm(request.POST)
        if form.is_valid():
            try:
                instance = services.instance_create(dossier=dossier, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"L'instance « {instance.nom} » a été créée.")
                return redirect("gouvernance:instance", dossier_pk=dossier.pk, pk=instance.pk)
    instances = list(selectors.instances_of(dossier))
    seances = list(selectors.seances_of_dossier(dossier)[:20])
    calendrier = CalendrierDossier.objects.filter(dossier=dossier, user=request.user).first()
    context = dossier_context(
        request,
        dossier,
        page_title="Gouvernance",
        crumbs=[],
        instances=instances,
        has_comite_projet=any(i.kind == InstanceType.COMITE_PROJET for i in instances),
        seances=seances,
        pending=selectors.pending_submissions(dossier, request.access),
        validations=selectors.dossier_validations(dossier, request.access),
        form=form,
        feed_url=(
            request.build_absolute_uri(reverse("gouvernance:feed_token", args=[calendrier.token])) if calendrier else ""
        ),
    )
    return render(request, "gouvernance/index.html", context)


@require_POST
@dossier_view("dossier.view")
def feed_token_create(request, dossier):
    """Each person who may see the séances gets their own secret address."""
    services.calendrier_renew(dossier=dossier, user=request.user)
    messages.success(request, "Une nouvelle adresse d'abonnement a été créée ; l'ancienne ne fonctionne plus.")
    return redirect("gouvernance:index", dossier_pk=dossier.pk)


def _instance_forms(instance):
    """The instance page's forms, unbound; a view replaces the one it bound to show its errors."""
    return {
        "update_form": InstanceUpdateForm(
            versioned=instance,
            initial_for=InstanceUpdateForm.initial_for,
            comite_projet=instance.kind == InstanceType.COMITE_PROJET,
            prefix="instance",
        ),
        "membre_form": MembreInstanceForm(dossier=instance.dossier, instance_type=instance.kind, prefix="membre"),
        "seance_form": SeanceForm(prefix="seance"),
    }


def _membre_fin_initial(membre) -> dict:
    return {"fin": membre.fin}


def _with_fin_forms(membres):
    """Each member with the hidden fields of its end-of-mandate form (the version it was read at)."""
    membres = list(membres)
    for membre in membres:
        membre.fin_form = MembreFinForm(versioned=membre, initial_for=_membre_fin_initial, auto_id=False)
    return membres


def _instance_page(request, dossier, instance, **bound_forms):
    is_comite = instance.kind == InstanceType.COMITE_PROJET
    context = dossier_context(
        request,
        dossier,
        page_title=instance.nom,
        crumbs=_crumbs(dossier),
        instance=instance,
        is_comite=is_comite,
        membres=_with_fin_forms(instance.membres.select_related("organisation", "user")),
        manquants=selectors.composition_check(instance) if is_comite else [],
        seances=instance.seances.all(),
        **(_instance_forms(instance) | bound_forms),
    )
    return render(request, "gouvernance/instance.html", context)


@require_GET
@dossier_view("dossier.view")
def instance_detail(request, dossier, pk):
    return _instance_page(request, dossier, _instance(dossier, pk))


@require_POST
@dossier_view("gouvernance.edit")
def instance_update(request, dossier, pk):
    instance = _instance(dossier, pk)
    form = InstanceUpdateForm(
        request.POST,
        versioned=instance,
        initial_for=InstanceUpdateForm.initial_for,
        comite_projet=instance.kind == InstanceType.COMITE_PROJET,
        prefix="instance",
    )
    if form.is_valid():
        try:
            services.instance_update(
                instance=instance, by=request.user, expected_version=form.read_version, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "L'instance a été modifiée.")
            return redirect("gouvernance:instance", dossier_pk=dossier.pk, pk=instance.pk)
    return _instance_page(request, dossier, instance, update_form=form)


@require_POST
@dossier_view("gouvernance.edit")
def membre_add(request, dossier, pk):
    instance = _instance(dossier, pk)
    form = MembreInstanceForm(request.POST, dossier=dossier, instance_type=instance.kind, prefix="membre")
    if form.is_valid():
        try:
            membre = services.membre_instance_add(instance=instance, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Membre ajouté à l'instance : {membre.nom}.")
            return redirect("gouvernance:instance", dossier_pk=dossier.pk, pk=instance.pk)
    return _instance_page(request, dossier, instance, membre_form=form)


@require_POST
@dossier_view("gouvernance.edit")
def seance_create(request, dossier, pk):
    instance = _instance(dossier, pk)
    form = SeanceForm(request.POST, prefix="seance")
    if form.is_valid():
        try:
            seance = services.seance_create(instance=instance, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if form.date_is_past:
                messages.warning(
                    request,
                    "Attention : la date de cette séance est passée. Vérifiez-la si vous comptez envoyer "
                    "une convocation.",
                )
            messages.success(request, "La séance a été créée.")
            return redirect("gouvernance:seance", dossier_pk=dossier.pk, pk=seance.pk)
    return _instance_page(request, dossier, instance, seance_form=form)


@require_POST
@dossier_view("gouvernance.edit")
def membre_remove(request, dossier, pk, membre_pk):
    instance = _instance(dossier, pk)
    membre = get_object_or_404(MembreInstance.objects.filter(instance=instance), pk=membre_pk)
    try:
        services.membre_instance_remove(membre=membre, by=request.user)
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(request, f"Membre retiré de l'instance : {membre.nom}.")
    return redirect("gouvernance:instance", dossier_pk=dossier.pk, pk=instance.pk)


@require_POST
@dossier_view("gouvernance.edit")
def membre_end(request, dossier, pk, membre_pk):
    instance = _instance(dossier, pk)
    membre = get_object_or_404(MembreInstance.objects.filter(instance=instance), pk=membre_pk)
    form = MembreFinForm(request.POST, versioned=membre, initial_for=_membre_fin_initial)
    if form.is_valid():
        try:
            services.membre_instance_end(
                membre=membre, fin=form.cleaned_data["fin"], by=request.user, expected_version=form.read_version
            )
        except ValidationError as error:
            apply_validation_error(form, error)
    if form.errors:
        if form.conflict:
            changes = "".join(f" {c['label']} : « {c['now']} » (vous aviez lu « {c['read']} »)." for c in form.conflict)
            messages.error(request, f"{membre.nom} : {STALE_MESSAGE}{changes}")
        elif "fin" in form.errors:
            messages.error(request, "Indiquez une date de fin valide.")
        else:
            messages.error(request, " ".join(form.non_field_errors()))
    else:
        messages.success(request, f"Fin de participation à l'instance enregistrée : {membre.nom}.")
    return redirect("gouvernance:instance", dossier_pk=dossier.pk, pk=instance.pk)


def _presences(seance):
    """Members sitting on the séance's date, and anyone already on its attendance list."""
    current = {p.membre_id: p.statut for p in seance.presences.all()}
    membres = seance.instance.membres.filter(
        Q(pk__in=list(current)) | Q(pk__in=seance.instance.membres.actifs(seance.date.date()).values("pk"))
    ).select_related("organisation")
    labels = dict(PresenceStatut.choices)
    return [
        {"membre": membre, "statut": current.get(membre.pk, ""), "label": labels.get(current.get(membre.pk), "")}
        for membre in membres
    ]


def _point_choices(dossier, seance, access):
    """The pending submissions and the objects a point may be about (comité de projet only)."""
    if seance.instance.kind != InstanceType.COMITE_PROJET:
        return [], []
    return selectors.pending_submissions(dossier, access), selectors.targetable_objects(dossier, access)


def _seance_initial(seance) -> dict:
    return {"date": seance.date, "lieu": seance.lieu}


def _compte_rendu_initial(seance) -> dict:
    return {"compte_rendu": seance.compte_rendu}


def _seance_page(request, dossier, seance, **bound_forms):
    is_comite = seance.instance.kind == InstanceType.COMITE_PROJET
    forms = {
        "compte_rendu_form": CompteRenduForm(versioned=seance, initial_for=_compte_rendu_initial, prefix="cr"),
        "seance_form": SeanceForm(versioned=seance, initial_for=_seance_initial, prefix="seance"),
    }
    if "point_form" not in bound_forms:
        pending, targets = _point_choices(dossier, seance, request.access)
        forms["point_form"] = PointForm(pending_points=pending, target_groups=targets, prefix="point")
    context = dossier_context(
        request,
        dossier,
        page_title=f"Séance du {date_fr(seance.date)}",
        crumbs=_crumbs(
            dossier,
            {
                "url": reverse("gouvernance:instance", kwargs={"dossier_pk": dossier.pk, "pk": seance.instance_id}),
                "title": seance.instance.nom,
            },
        ),
        seance=seance,
        # « Inscrire tous les points en attente (N) », on a séance of the comité still to come.
        schedulable_count=(
            selectors.schedulable_submissions(dossier).count()
            if is_comite and not seance.is_past and request.access.can("gouvernance.edit")
            else 0
        ),
        rectificative_due=selectors.convocation_rectificative_due(seance),
        points=selectors.seance_points(seance, request.access),
        presences=_presences(seance),
        presence_choices=PRESENCE_CHOICES,
        decision_form=DecisionForm(),
        **(forms | bound_forms),
    )
    return render(request, "gouvernance/seance.html", context)


@require_GET
@dossier_view("dossier.view")
def seance_detail(request, dossier, pk):
    return _seance_page(request, dossier, _seance(dossier, pk))


@require_POST
@dossier_view("gouvernance.edit")
def point_add(request, dossier, pk):
    seance = _seance(dossier, pk)
    pending, targets = _point_choices(dossier, seance, request.access)
    form = PointForm(request.POST, pending_points=pending, target_groups=targets, prefix="point")
    if form.is_valid():
        data = form.cleaned_data
        pending_point = next((p for p in pending if str(p.pk) == data["pending"]), None)
        target = selectors.target_lookup(dossier, data["target"], request.access) if data["target"] else None
        try:
            services.point_add(
                seance=seance,
                titre=data["titre"],
                description=data["description"],
                target=target,
                pending=pending_point,
                by=request.user,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Le point a été inscrit à l'ordre du jour.")
            return redirect("gouvernance:seance", dossier_pk=dossier.pk, pk=seance.pk)
    return _seance_page(request, dossier, seance, point_form=form)


@require_POST
@dossier_view("gouvernance.edit")
def compte_rendu(request, dossier, pk):
    seance = _seance(dossier, pk)
    form = CompteRenduForm(request.POST, versioned=seance, initial_for=_compte_rendu_initial, prefix="cr")
    if form.is_valid():
        try:
            services.seance_set_minutes(
                seance=seance,
                compte_rendu=form.cleaned_data["compte_rendu"],
                by=request.user,
                expected_version=form.read_version,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Le compte rendu a été enregistré.")
            return redirect("gouvernance:seance", dossier_pk=dossier.pk, pk=seance.pk)
    return _seance_page(request, dossier, seance, compte_rendu_form=form)


@dossier_view("gouvernance.edit")
def seance_delete(request, dossier, pk):
    seance = _seance(dossier, pk)
    seance_url = reverse("gouvernance:seance", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk})
    confirm = lambda: dossier_context(  # noqa: E731 - the page only a GET builds
        request,
        dossier,
        page_title=f"Supprimer la séance du {date_fr(seance.date)}",
        crumbs=_crumbs(dossier, {"url": seance_url, "title": f"Séance du {date_fr(seance.date)}"}),
        heading=f"Supprimer la séance du {date_fr(seance.date)} ({seance.instance.nom}) ?",
        consequence=(
            "La séance part à la corbeille avec son ordre du jour, ses présences et ses convocations envoyées ; "
            "le chef de projet peut la restaurer."
        ),
        cancel_url=seance_url,
    )
    return delete_view(
        request,
        delete=lambda: services.seance_delete(seance=seance, by=request.user),
        message=f"La séance du {date_fr(seance.date)} a été supprimée (elle est dans la corbeille).",
        done=reverse("gouvernance:instance", kwargs={"dossier_pk": dossier.pk, "pk": seance.instance_id}),
        error_url=seance_url,
        confirm=confirm,
    )


@dossier_view("decision.record")
def decision_delete(request, dossier, pk, decision_pk):
    seance = _seance(dossier, pk)
    decision = get_object_or_404(Decision.objects.filter(point__seance=seance).select_related("point"), pk=decision_pk)
    seance_url = reverse("gouvernance:seance", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk})
    confirm = lambda: dossier_context(  # noqa: E731 - the page only a GET builds
        request,
        dossier,
        page_title="Supprimer une décision",
        crumbs=_crumbs(dossier, {"url": seance_url, "title": f"Séance du {date_fr(seance.date)}"}),
        heading=(
            f"Supprimer la décision « {decision.get_resultat_display()} » sur le point « {decision.point.titre} » ?"
        ),
        consequence="La décision part à la corbeille ; le point attend de nouveau une décision.",
        cancel_url=seance_url,
    )
    return delete_view(
        request,
        delete=lambda: services.decision_delete(decision=decision, by=request.user),
        message="La décision a été supprimée (elle est dans la corbeille).",
        done=seance_url,
        confirm=confirm,
    )


@require_POST
@dossier_view("gouvernance.edit")
def seance_update(request, dossier, pk):
    seance = _seance(dossier, pk)
    form = SeanceForm(request.POST, versioned=seance, initial_for=_seance_initial, prefix="seance")
    if form.is_valid():
        modifiee_le = seance.convocation_modifiee_le
        try:
            services.seance_update(
                seance=seance, by=request.user, expected_version=form.read_version, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if form.date_is_past:
                messages.warning(request, "Attention : la date de cette séance est passée.")
            messages.success(request, "La séance a été modifiée.")
            if seance.convocation_modifiee_le != modifiee_le:
                messages.warning(
                    request,
                    "La convocation avait déjà été envoyée : envoyez la convocation rectificative "
                    "pour prévenir les membres du changement.",
                )
            return redirect("gouvernance:seance", dossier_pk=dossier.pk, pk=seance.pk)
    return _seance_page(request, dossier, seance, seance_form=form)


@require_POST
@dossier_view("gouvernance.edit")
def pending_points_schedule(request, dossier, pk):
    seance = _seance(dossier, pk)
    try:
        count = services.pending_points_schedule(seance=seance, by=request.user)
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        if count:
            added = plural(count, "point en attente a été inscrit", "points en attente ont été inscrits")
            messages.success(request, f"{added} à l'ordre du jour.")
        else:
            messages.info(request, "Aucun point en attente à inscrire : ils figurent déjà à un ordre du jour.")
    return redirect("gouvernance:seance", dossier_pk=dossier.pk, pk=seance.pk)


@require_POST
@dossier_view("gouvernance.edit")
def point_move(request, dossier, pk, point_pk):
    seance = _seance(dossier, pk)
    point = get_object_or_404(PointOrdreDuJour.objects.filter(seance=seance), pk=point_pk)
    try:
        services.point_move(point=point, direction=-1 if request.POST.get("sens") == "haut" else 1, by=request.user)
    except ValidationError as error:
        report_validation_error(request, error)
    return redirect("gouvernance:seance", dossier_pk=dossier.pk, pk=seance.pk)


def _read_version(request) -> int | None:
    """The version a POST says its form was read at (`version_lue`), None when absent or malformed."""
    try:
        return int(request.POST[VERSION_FIELD])
    except (KeyError, ValueError):
        return None


@require_POST
@dossier_view("gouvernance.edit")
def presences(request, dossier, pk):
    seance = _seance(dossier, pk)
    read_version = _read_version(request)
    if read_version is None:
        messages.error(request, INCOMPLETE_MESSAGE)
        return redirect("gouvernance:seance", dossier_pk=dossier.pk, pk=seance.pk)
    membres = {str(m.pk): m for m in seance.instance.membres.all()}
    statuts = {}
    for key, value in request.POST.items():
        if not key.startswith("presence-") or not value:
            continue
        membre = membres.get(key.removeprefix("presence-"))
        if membre is None:
            messages.error(request, "Cette personne n'est pas membre de l'instance de cette séance.")
            return redirect("gouvernance:seance", dossier_pk=dossier.pk, pk=seance.pk)
        statuts[membre] = value
    try:
        services.presences_record(seance=seance, statuts=statuts, by=request.user, expected_version=read_version)
    except StaleVersion:
        saved = ", ".join(f"{row['membre'].nom} : {row['label']}" for row in _presences(seance) if row["statut"])
        messages.error(
            request,
            f"Feuille de présence : {STALE_MESSAGE} Enregistré maintenant : {saved or 'aucune présence'}. "
            "Vérifiez la feuille ci-dessous, puis enregistrez-la de nouveau.",
        )
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(request, "La feuille de présence a été enregistrée.")
    return redirect("gouvernance:seance", dossier_pk=dossier.pk, pk=seance.pk)


def decision_token(decision) -> str:
    """What a décision form was read at: the décision in force and its version, « 0 » for none
    (a correction is a new décision: the version alone would not tell it from the one read)."""
    return f"{decision.pk}.{decision.version}" if decision is not None else "0"


def _decision_stale(request, point) -> None:
    current = selectors.current_decision(point)
    if current is None:
        saved = "la décision a été supprimée"
    else:
        saved = f"décision « {current.get_resultat_display()} »"
        if current.texte:
            saved += f" — {current.texte}"
    messages.error(
        request,
        f"Point « {point.titre} » : {STALE_MESSAGE} Enregistré maintenant : {saved}. "
        "Vérifiez-la ci-dessous, puis saisissez de nouveau votre décision si besoin.",
    )


@require_POST
@dossier_view("decision.record")
def decision(request, dossier, pk, point_pk):
    seance = _seance(dossier, pk)
    point = get_object_or_404(
        PointOrdreDuJour.objects.filter(seance=seance).select_related("seance__instance"), pk=point_pk
    )
    form = DecisionForm(request.POST)
    read = request.POST.get(VERSION_FIELD)
    if not read:
        messages.error(request, INCOMPLETE_MESSAGE)
        return redirect("gouvernance:seance", dossier_pk=dossier.pk, pk=seance.pk)
    if not form.is_valid():
        messages.error(request, "Choisissez le résultat de la décision.")
        return redirect("gouvernance:seance", dossier_pk=dossier.pk, pk=seance.pk)
    current = selectors.current_decision(point)
    if read != decision_token(current):
        _decision_stale(request, point)
        return redirect("gouvernance:seance", dossier_pk=dossier.pk, pk=seance.pk)
    try:
        if current is None:
            services.decision_record(point=point, by=request.user, **form.cleaned_data)
            messages.success(request, "La décision a été enregistrée.")
        elif seance.is_approved:
            services.decision_correct(
                decision=current, by=request.user, expected_version=current.version, **form.cleaned_data
            )
            messages.success(request, "La correction a été enregistrée ; la décision d'origine reste visible.")
        else:
            services.decision_update(
                decision=current, by=request.user, expected_version=current.version, **form.cleaned_data
            )
            messages.success(request, "La décision a été modifiée.")
    except StaleVersion:
        _decision_stale(request, point)
    except ValidationError as error:
        report_validation_error(request, error)
    return redirect("gouvernance:seance", dossier_pk=dossier.pk, pk=seance.pk)


@require_POST
@dossier_view("decision.record")
def approve(request, dossier, pk):
    seance = _seance(dossier, pk)
    try:
        services.seance_approve_minutes(seance=seance, by=request.user)
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(request, "Le compte rendu est approuvé : les décisions de la séance sont définitives.")
    return redirect("gouvernance:seance", dossier_pk=dossier.pk, pk=seance.pk)


def _convocation_context(seance, access=None):
    """access=None: for a document that leaves the platform (no confidential fiche title)."""
    dossier = seance.instance.dossier
    return {
        "seance": seance,
        "dossier": dossier,
        "points": selectors.label_points(seance.points.order_by("ordre", "pk"), dossier, access),
        "membres": list(seance.instance.membres.actifs(seance.date.date()).select_related("organisation")),
    }


@dossier_view("dossier.view")
def convocation(request, dossier, pk):
    seance = _seance(dossier, pk)
    context = dossier_context(
        request,
        dossier,
        page_title=f"Convocation — {seance.instance.nom}",
        crumbs=_crumbs(
            dossier,
            {
                "url": reverse("gouvernance:seance", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk}),
                "title": f"Séance du {date_fr(seance.date)}",
            },
        ),
        **{k: v for k, v in _convocation_context(seance, request.access).items() if k != "dossier"},
    )
    return render(request, "gouvernance/convocation.html", context)


@dossier_view("dossier.view")
def convocation_pdf(request, dossier, pk):
    seance = _seance(dossier, pk)
    pdf = render_pdf("gouvernance/pdf/convocation.html", _convocation_context(seance))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="convocation-seance-{seance.pk}.pdf"'
    return response


@require_POST
@dossier_view("gouvernance.edit")
def convocation_send(request, dossier, pk):
    seance = _seance(dossier, pk)
    url = request.build_absolute_uri(reverse("gouvernance:convocation", kwargs={"dossier_pk": dossier.pk, "pk": pk}))
    try:
        report = services.seance_send_convocation(seance=seance, by=request.user, convocation_url=url)
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        if report.sent:
            messages.success(request, f"La convocation a été envoyée à {len(report.sent)} membre(s).")
        if report.failed:
            messages.error(
                request,
                "La convocation n'a pas pu être envoyée à : "
                + ", ".join(report.failed)
                + ". Vérifiez ces adresses puis cliquez de nouveau sur « Envoyer » : "
                "seuls les membres qui ne l'ont pas reçue seront convoqués.",
            )
        if not report.sent and not report.failed:
            messages.info(request, f"Les {report.already} membre(s) ont déjà reçu la convocation.")
    return redirect("gouvernance:seance", dossier_pk=dossier.pk, pk=seance.pk)


@dossier_view("dossier.view")
def compte_rendu_pdf(request, dossier, pk):
    seance = _seance(dossier, pk)
    context = _convocation_context(seance) | {
        "points": selectors.seance_points(seance),
        "presences": list(seance.presences.select_related("membre__organisation")),
    }
    pdf = render_pdf("gouvernance/pdf/compte_rendu.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="compte-rendu-seance-{seance.pk}.pdf"'
    return response


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dossier_view("dossier.view")
def seance_ics_view(request, dossier, pk):
    seance = _seance(dossier, pk)
    return _ics_response(seance_ics(seance), f"seance-{seance.pk}.ics")


def _feed(dossier):
    seances = selectors.seances_of_dossier(dossier).select_related("instance__dossier").prefetch_related("points")
    return _ics_response(dossier_ics(dossier, seances), f"instances-dossier-{dossier.pk}.ics")


@dossier_view("dossier.view")
def feed(request, dossier):
    """The dossier's séances for a logged-in user."""
    return _feed(dossier)


@login_not_required
def feed_token(request, token):
    """The same feed at a secret address, for calendar clients (the token is renewable).

    It answers only while the person who created it may still see the dossier; confidential
    fiche titles never appear in it (see documents.py)."""
    calendrier = CalendrierDossier.objects.select_related("user").filter(token=token).first()
    if calendrier is None:
        raise Http404
    dossier = Dossier.objects.visible_to(calendrier.user).filter(pk=calendrier.dossier_id).first()
    if dossier is None or not access_for(calendrier.user, dossier).can("dossier.view"):
        raise Http404
    return _feed(dossier)
