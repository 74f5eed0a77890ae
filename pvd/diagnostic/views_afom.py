"""The AFOM (atouts, faiblesses, opportunités, menaces) of the diagnostic, by theme: its page,
the forms of its items, their order (POST buttons, no JavaScript needed) and their deletion."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pvd.core.forms import apply_validation_error, report_validation_error
from pvd.core.views import delete_view
from pvd.dossiers.views_utils import dossier_context, dossier_view

from . import selectors, services
from .forms import AfomItemForm
from .models import AfomCategorie, AfomItem
from .views import crumbs


def afom_url(dossier) -> str:
    return reverse("diagnostic:afom", kwargs={"dossier_pk": dossier.pk})


def _item_anchor(dossier, item) -> str:
    return f"{afom_url(dossier)}#afom-item-{item.pk}"


def _crumbs(dossier) -> list[dict]:
    return [*crumbs(dossier), {"url": afom_url(dossier), "title": "AFOM"}]


def _item(dossier, pk) -> AfomItem:
    return get_object_or_404(AfomItem.objects.filter(dossier=dossier), pk=pk)


def _form_page(request, dossier, *, title, form, submit_label="Enregistrer", status=200):
    context = dossier_context(
        request,
        dossier,
        page_title=title,
        crumbs=_crumbs(dossier),
        form=form,
        cancel_url=afom_url(dossier),
        submit_label=submit_label,
    )
    return render(request, "diagnostic/afom_form.html", context, status=400 if form.errors else status)


@dossier_view("dossier.view")
def afom(request, dossier):
    context = dossier_context(
        request,
        dossier,
        page_title="Atouts, faiblesses, opportunités et menaces",
        crumbs=crumbs(dossier),
        categories=AfomCategorie.choices,
        **selectors.afom_board(dossier),
    )
    return render(request, "diagnostic/afom.html", context)


def _initial(request) -> dict:
    """The theme and category of the « Ajouter » button that led here, when they are valid."""
    initial = {}
    if request.GET.get("theme") in dict(selectors.afom_themes()):
        initial["theme"] = request.GET["theme"]
    if request.GET.get("categorie") in AfomCategorie.values:
        initial["categorie"] = request.GET["categorie"]
    return initial


@dossier_view("diagnostic.edit")
def afom_create(request, dossier):
    form = AfomItemForm(request.POST or None, initial=_initial(request), dossier=dossier)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.afom_item_create(dossier=dossier, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            where = f"{item.get_theme_display()}, {item.get_categorie_display().lower()}"
            messages.success(request, f"Le constat est ajouté : {where}.")
            return redirect(_item_anchor(dossier, item))
    return _form_page(request, dossier, title="Ajouter un constat à l'AFOM", form=form, submit_label="Ajouter")


def _afom_initial(item) -> dict:
    return {
        "theme": item.theme,
        "categorie": item.categorie,
        "texte": item.texte,
        "donnees": list(item.donnees.values_list("pk", flat=True)),
    }


@dossier_view("diagnostic.edit")
def afom_update(request, dossier, pk):
    item = _item(dossier, pk)
    form = AfomItemForm(request.POST or None, versioned=item, initial_for=_afom_initial, dossier=dossier)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.afom_item_update(
                item=item, by=request.user, expected_version=form.read_version, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Le constat est modifié.")
            return redirect(_item_anchor(dossier, item))
    return _form_page(request, dossier, title="Modifier un constat de l'AFOM", form=form)


@dossier_view("diagnostic.edit")
def afom_delete(request, dossier, pk):
    item = _item(dossier, pk)
    return delete_view(
        request,
        delete=lambda: services.afom_item_delete(item=item, by=request.user),
        message="Le constat est supprimé de l'AFOM.",
        done=afom_url(dossier) + f"#afom-{item.theme}",
        confirm=lambda: dossier_context(
            request,
            dossier,
            page_title="Supprimer un constat de l'AFOM",
            crumbs=_crumbs(dossier),
            consequence=(
                f"Le constat « {item} » ({item.get_theme_display()}, {item.get_categorie_display().lower()}) "
                "sera supprimé ; les chiffres auxquels il renvoie restent dans le diagnostic."
            ),
            cancel_url=_item_anchor(dossier, item),
        ),
    )


@require_POST
@dossier_view("diagnostic.edit")
def afom_move(request, dossier, pk, direction):
    item = _item(dossier, pk)
    try:
        services.afom_item_move(item=item, direction=direction, by=request.user)
    except ValidationError as error:
        report_validation_error(request, error)
    return redirect(_item_anchor(dossier, item))
