"""Imports of figures: upload → preview with every fault or what would change → confirm (all
or nothing); the dossier's imports listed, each deletable with its figures; sample files."""

import base64
import hashlib
from pathlib import Path

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from pvd.core.text import plural
from pvd.core.views import delete_view
from pvd.dossiers.views_utils import dossier_context, dossier_view

from . import catalogue, services
from .import_forms import DonneesImportForm
from .importer import FORMAT_HELP, MAX_ROWS, MAX_SIZE_LABEL, ImportRefused, imports_of, parse_import
from .models import Donnee, DonneeImport
from .views import crumbs, index_url

SESSION_KEY = "diagnostic_import_{}"
SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
# The sample files offered as models: name → (label, content type).
SAMPLES = {
    "insee_comparateur_exemple.csv": ("Exemple de fichier INSEE (CSV)", "text/csv; charset=utf-8"),
    "donnees_exemple.csv": ("Exemple de fichier générique (CSV)", "text/csv; charset=utf-8"),
    "donnees_exemple.xlsx": (
        "Exemple de fichier générique (XLSX)",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


def imports_url(dossier) -> str:
    return reverse("diagnostic:imports", kwargs={"dossier_pk": dossier.pk})


def _variables() -> list[dict]:
    """The INSEE variables read, for the help: one row per variable, with what it gives."""
    return [
        {
            "variable": pattern.replace("{YY}", "21"),
            "indicateur": catalogue.INDICATEURS[code],
            "source": source.format(annee="2021"),
        }
        for pattern, code, source in catalogue.INSEE_VARIABLES
    ]


@dossier_view("diagnostic.edit")
def donnees_import(request, dossier):
    key = SESSION_KEY.format(dossier.pk)
    form = DonneesImportForm()
    parsed = None
    empreinte = ""
    status = 200
    if request.method == "POST" and request.POST.get("confirm"):
        stored = request.session.get(key)
        if not stored:
            messages.error(request, "Le fichier à importer n'est plus disponible : déposez-le à nouveau.")
            return redirect(imports_url(dossier))
        if request.POST.get("empreinte") != stored["empreinte"]:
            # Another file was checked since this preview (in another tab): import only what was seen.
            messages.error(request, "Un autre fichier a été vérifié depuis cet aperçu : déposez à nouveau le vôtre.")
            return redirect(imports_url(dossier))
        try:
            donnee_import = services.donnees_import(
                dossier=dossier, content=base64.b64decode(stored["content"]), nom_fichier=stored["nom"], by=request.user
            )
        except ImportRefused as refused:
            request.session.pop(key, None)
            parsed = refused.parsed
            status = 400
        else:
            del request.session[key]
            count = plural(donnee_import.nb_donnees, "chiffre importé", "chiffres importés")
            messages.success(request, f"Import de « {donnee_import.nom_fichier} » enregistré : {count}.")
            return redirect(imports_url(dossier) + "#imports")
    elif request.method == "POST":
        form = DonneesImportForm(request.POST, request.FILES)
        if form.is_valid():
            fichier = form.cleaned_data["fichier"]
            content = fichier.read()
            parsed = parse_import(content, dossier=dossier, nom_fichier=fichier.name)
            if parsed.ok:
                empreinte = hashlib.sha256(content).hexdigest()
                request.session[key] = {
                    "content": base64.b64encode(content).decode(),
                    "nom": fichier.name,
                    "empreinte": empreinte,
                }
            else:
                request.session.pop(key, None)
                status = 400
        else:
            status = 400
    context = dossier_context(
        request,
        dossier,
        page_title="Importer des données",
        crumbs=crumbs(dossier),
        form=form,
        parsed=parsed,
        empreinte=empreinte,
        imports=imports_of(dossier),
        format_help=FORMAT_HELP,
        variables=_variables(),
        derives=[
            {"libelle": catalogue.INDICATEURS[derive.code].libelle, "formule": derive.formule}
            for derive in catalogue.DERIVES
        ],
        samples=[{"name": name, "label": label} for name, (label, _) in SAMPLES.items()],
        max_rows=MAX_ROWS,
        max_size=MAX_SIZE_LABEL,
        index_url=index_url(dossier),
    )
    response = render(request, "diagnostic/import_donnees.html", context)
    response.status_code = status
    return response


@dossier_view("diagnostic.edit")
def donnees_import_delete(request, dossier, import_pk):
    donnee_import = get_object_or_404(DonneeImport.objects.filter(dossier=dossier), pk=import_pk)

    def confirm():
        count = donnee_import.donnees.count()
        cited = Donnee.afom_items.through.objects.filter(donnee__donnee_import=donnee_import).count()
        consequence = (
            f"L'import « {donnee_import.nom_fichier} » sera supprimé avec ses "
            f"{plural(count, 'chiffre', 'chiffres')}, y compris ceux qu'il a mis à jour."
        )
        if cited:
            consequence += f" {plural(cited, 'lien', 'liens')} de l'AFOM vers ces chiffres disparaîtront."
        return dossier_context(
            request,
            dossier,
            page_title=f"Supprimer l'import « {donnee_import.nom_fichier} »",
            crumbs=[*crumbs(dossier), {"url": imports_url(dossier), "title": "Importer des données"}],
            consequence=consequence,
            cancel_url=imports_url(dossier) + "#imports",
        )

    return delete_view(
        request,
        delete=lambda: services.donnee_import_delete(donnee_import=donnee_import, by=request.user),
        message=f"L'import « {donnee_import.nom_fichier} » et ses chiffres ont été supprimés.",
        done=imports_url(dossier) + "#imports",
        confirm=confirm,
    )


@dossier_view("diagnostic.edit")
def donnees_import_exemple(request, dossier, nom):
    if nom not in SAMPLES:
        raise Http404("Fichier d'exemple inconnu.")
    return FileResponse((SAMPLES_DIR / nom).open("rb"), as_attachment=True, filename=nom, content_type=SAMPLES[nom][1])
