"""Entering measured values: the values of one indicator (add, correct, delete), the saisie grid
of a period, the import of a file. Who may write is `rules.may_enter`."""

import base64
import csv
import hashlib
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from pvd.core.forms import apply_validation_error, report_validation_error
from pvd.core.text import plural
from pvd.core.views import delete_view
from pvd.dossiers.views_utils import dossier_context, dossier_view

from . import services_mesures
from .forms import GrilleForm, MesureForm, PeriodeForm
from .import_forms import ValeursImportForm
from .importer import COLUMNS, FORMAT_HELP, MAX_ROWS, MAX_SIZE_LABEL, ImportRefused, import_valeurs, parse_valeurs
from .models import Indicateur, Mesure
from .rules import enterable, may_enter
from .selectors_mesures import grid_rows, indicateur_for, indicateurs_for, mesures_of
from .services_mesures import Saisie, SaisieRefused
from .values import current_quarter

SESSION_KEY = "suivi_import_{}"


def grille_url(dossier) -> str:
    return reverse("suivi:grille", kwargs={"dossier_pk": dossier.pk})


def valeurs_url(indicateur) -> str:
    return reverse("suivi:valeurs", kwargs={"dossier_pk": indicateur.dossier_id, "pk": indicateur.pk})


def _indicateur(request, dossier, pk) -> Indicateur:
    try:
        return indicateur_for(dossier, request.access, pk)
    except Indicateur.DoesNotExist as error:
        raise Http404("Indicateur introuvable.") from error


def _require_enter(request, indicateur) -> None:
    if not may_enter(request.access, indicateur):
        raise PermissionDenied("Vous ne pouvez pas saisir les valeurs de cet indicateur.")


def _crumbs(dossier, indicateur=None):
    crumbs = []
    if indicateur is not None:
        crumbs.append({"url": valeurs_url(indicateur), "title": f"Valeurs de « {indicateur.nom} »"})
    return crumbs


# --- The values of one indicator -------------------------------------------------------------


@dossier_view("dossier.view")
def valeurs(request, dossier, pk):
    """Every viewer who sees the indicator reads its values; who may enter them adds one here."""
    indicateur = _indicateur(request, dossier, pk)
    can_enter = may_enter(request.access, indicateur)
    form = MesureForm(indicateur=indicateur)
    status = 200
    if request.method == "POST":
        _require_enter(request, indicateur)
        form = MesureForm(request.POST, indicateur=indicateur)
        if form.is_valid():
            try:
                services_mesures.mesure_create(
                    indicateur=indicateur, access=request.access, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, "La valeur a été enregistrée.")
                return redirect(valeurs_url(indicateur))
        status = 400
    response = render(
        request,
        "suivi/saisie_valeurs.html",
        dossier_context(
            request,
            dossier,
            page_title=f"Valeurs de « {indicateur.nom} »",
            crumbs=[],
            indicateur=indicateur,
            mesures=mesures_of(indicateur),
            form=form if can_enter else None,
            can_enter=can_enter,
            grille_url=grille_url(dossier) if can_enter else "",
        ),
    )
    response.status_code = status
    return response


def _mesure(request, dossier, pk, mesure_pk):
    indicateur = _indicateur(request, dossier, pk)
    _require_enter(request, indicateur)
    mesure = get_object_or_404(Mesure.objects.filter(indicateur=indicateur), pk=mesure_pk)
    mesure.indicateur = indicateur
    return indicateur, mesure


@dossier_view("suivi.enter")
def valeur_update(request, dossier, pk, mesure_pk):
    indicateur, mesure = _mesure(request, dossier, pk, mesure_pk)
    form = MesureForm(request.POST or None, mesure=mesure, indicateur=indicateur)
    if request.method == "POST" and form.is_valid():
        try:
            services_mesures.mesure_update(
                mesure=mesure,
                access=request.access,
                by=request.user,
                expected_version=form.read_version,
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "La valeur a été corrigée.")
            return redirect(valeurs_url(indicateur))
    response = render(
        request,
        "suivi/saisie_valeur_form.html",
        dossier_context(
            request,
            dossier,
            page_title="Corriger une valeur",
            crumbs=_crumbs(dossier, indicateur),
            indicateur=indicateur,
            mesure=mesure,
            form=form,
            cancel_url=valeurs_url(indicateur),
        ),
    )
    if request.method == "POST":
        response.status_code = 400
    return response


@dossier_view("suivi.enter")
def valeur_delete(request, dossier, pk, mesure_pk):
    indicateur, mesure = _mesure(request, dossier, pk, mesure_pk)
    return delete_view(
        request,
        delete=lambda: services_mesures.mesure_delete(mesure=mesure, access=request.access, by=request.user),
        message="La valeur a été supprimée.",
        done=valeurs_url(indicateur),
        confirm=lambda: dossier_context(
            request,
            dossier,
            page_title="Supprimer une valeur",
            crumbs=_crumbs(dossier, indicateur),
            objet=f"la valeur du {mesure.periode or mesure.date.strftime('%d/%m/%Y')} de « {indicateur.nom} »",
            consequence="",
            unlinked=[],
            cancel_url=valeurs_url(indicateur),
        ),
    )


# --- The saisie grid -------------------------------------------------------------------------


@dossier_view("suivi.enter")
def grille(request, dossier):
    """All the indicators the viewer may enter, for one period, in one form saved in one transaction."""
    periode_form = PeriodeForm(request.GET or None)
    periode = periode_form.chosen()
    indicateurs = grid_rows(dossier, request.access, periode)
    form = GrilleForm(request.POST if request.method == "POST" else None, indicateurs=indicateurs)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            saisies = [
                Saisie(
                    key=indicateur.pk,
                    indicateur=indicateur,
                    date=periode.fin,
                    periode=periode.label,
                    valeur=valeur,
                    source=source,
                    commentaire=commentaire,
                )
                for indicateur, valeur, source, commentaire in form.filled()
            ]
            if not saisies:
                form.add_error(None, "Aucune valeur saisie : remplissez au moins une ligne.")
            else:
                try:
                    result = services_mesures.mesures_save_or_refuse(
                        dossier=dossier, saisies=saisies, access=request.access, by=request.user
                    )
                except SaisieRefused as refused:
                    for pk, faults in refused.errors.items():
                        for name, message in faults:
                            field = f"{name if name in ('source', 'commentaire') else 'valeur'}_{pk}"
                            form.add_error(field, message)
                except ValidationError as error:
                    apply_validation_error(form, error)
                else:
                    created, updated = len(result.created), len(result.updated)
                    messages.success(
                        request,
                        f"Valeurs du {periode.label} enregistrées : "
                        f"{plural(created, 'nouvelle', 'nouvelles')}, {plural(updated, 'corrigée', 'corrigées')}.",
                    )
                    return redirect(f"{grille_url(dossier)}?periode={periode.key}")
    response = render(
        request,
        "suivi/saisie_grille.html",
        dossier_context(
            request,
            dossier,
            page_title="Saisie des valeurs des indicateurs",
            crumbs=[],
            periode=periode,
            periode_form=periode_form,
            is_current=periode == current_quarter(timezone.localdate()),
            form=form,
            rows=list(form.rows()),
            import_url=reverse("suivi:valeurs_import", kwargs={"dossier_pk": dossier.pk}),
        ),
    )
    response.status_code = status
    return response


# --- Import ----------------------------------------------------------------------------------


@dossier_view("suivi.enter")
def import_modele(request, dossier):
    """A CSV to fill: one line per indicator the viewer may enter, dated by the current quarter."""
    periode = current_quarter(timezone.localdate())
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([label for _key, label, _req, _others in COLUMNS])
    for indicateur in enterable(indicateurs_for(dossier, request.access), request.access):
        writer.writerow([indicateur.pk, periode.key, "", indicateur.source, ""])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-valeurs-indicateurs.csv"'
    return response


@dossier_view("suivi.enter")
def valeurs_import(request, dossier):
    key = SESSION_KEY.format(dossier.pk)
    form = ValeursImportForm()
    parsed, empreinte, status = None, "", 200
    if request.method == "POST" and request.POST.get("confirm"):
        stored = request.session.get(key)
        if not stored:
            messages.error(request, "Le fichier à importer n'est plus disponible : déposez-le à nouveau.")
            return redirect("suivi:valeurs_import", dossier_pk=dossier.pk)
        if request.POST.get("empreinte") != stored["empreinte"]:
            messages.error(request, "Un autre fichier a été vérifié depuis cet aperçu : déposez à nouveau le vôtre.")
            return redirect("suivi:valeurs_import", dossier_pk=dossier.pk)
        try:
            result = import_valeurs(
                dossier=dossier,
                content=base64.b64decode(stored["content"]),
                access=request.access,
                by=request.user,
                nom_fichier=stored["nom"],
            )
        except ImportRefused as refused:
            request.session.pop(key, None)
            parsed, status = refused.parsed, 400
        except ValidationError as error:
            request.session.pop(key, None)
            report_validation_error(request, error)
            return redirect("suivi:valeurs_import", dossier_pk=dossier.pk)
        else:
            del request.session[key]
            messages.success(
                request,
                f"Import de « {stored['nom']} » enregistré : "
                f"{plural(len(result.created), 'valeur ajoutée', 'valeurs ajoutées')}, "
                f"{plural(len(result.updated), 'corrigée', 'corrigées')}.",
            )
            return redirect(grille_url(dossier))
    elif request.method == "POST":
        form = ValeursImportForm(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            fichier = form.cleaned_data["fichier"]
            content = fichier.read()
            parsed = parse_valeurs(content, dossier=dossier, access=request.access, nom_fichier=fichier.name)
            if parsed.ok:
                status = 200
                empreinte = hashlib.sha256(content).hexdigest()
                request.session[key] = {
                    "content": base64.b64encode(content).decode(),
                    "nom": fichier.name,
                    "empreinte": empreinte,
                }
            else:
                request.session.pop(key, None)
    response = render(
        request,
        "suivi/saisie_import.html",
        dossier_context(
            request,
            dossier,
            page_title="Importer des valeurs d'indicateurs",
            crumbs=[{"url": grille_url(dossier), "title": "Saisie des valeurs"}],
            form=form,
            parsed=parsed,
            empreinte=empreinte,
            format_help=FORMAT_HELP,
            columns=COLUMNS,
            max_rows=MAX_ROWS,
            max_size=MAX_SIZE_LABEL,
            modele_url=reverse("suivi:valeurs_import_modele", kwargs={"dossier_pk": dossier.pk}),
        ),
    )
    response.status_code = status
    return response
