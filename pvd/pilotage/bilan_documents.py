"""The bilan annuel as a PDF (WeasyPrint, indicator charts as inline SVG each followed by its
values) and as a DOCX (python-docx, built from the same content: an editable copy for the
comité's papers). Both render `bilan.bilan_content(...)`; neither computes anything."""

import io

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from pvd.core import rendered
from pvd.diagnostic.charts import chart_svg


def bilan_pdf(content: dict) -> bytes:
    from pvd.core.context_processors import site

    indicateurs = [
        {**i, "svg": mark_safe(chart_svg(i["chart"]))}  # noqa: S308 - our own SVG, labels escaped
        for i in content["indicateurs"]
    ]
    html = render_to_string("pilotage/pdf/bilan.html", {**site(None), **content, "indicateurs": indicateurs})
    return rendered.html_to_pdf(html)


def _table(document, headers: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = str(text)


def _empty(document, text: str) -> None:
    document.add_paragraph().add_run(text).italic = True


def bilan_docx(content: dict) -> bytes:
    """Rendered once per content (`pvd.core.rendered`)."""
    return rendered.docx(None, {"bilan": content}, lambda: _bilan_docx(content))


def _bilan_docx(content: dict) -> bytes:
    """Text is added as runs (never parsed as markup): a title typed by a user stays text."""
    from docx import Document

    annee = content["annee"]
    document = Document()
    document.core_properties.title = f"Bilan annuel {annee} — {content['dossier'].nom}"
    document.add_heading(f"Bilan annuel {annee} — {content['dossier'].nom}", level=0)
    validation = content["validation"]
    document.add_paragraph(
        f"Du {content['debut']:%d/%m/%Y} au {content['fin']:%d/%m/%Y}. Chiffres arrêtés au "
        f"{content['reference']:%d/%m/%Y}. {validation.label if validation else 'Non soumis'}."
    )

    document.add_heading("1. Appréciation du chef de projet", level=1)
    if content["appreciation"]:
        for paragraph in content["appreciation"].split("\n"):
            document.add_paragraph(paragraph)
    else:
        _empty(document, "Non rédigée.")

    document.add_heading("2. Avancement des fiches action", level=1)
    statuts = ", ".join(f"{s['nombre']} {s['statut'].lower()}" for s in content["fiches_par_statut"])
    document.add_paragraph(
        f"{content['fiches_nombre']} fiche(s) action{' : ' + statuts if statuts else ''}. Étapes de l'année : "
        f"{content['fiches_etapes_faites']} réalisée(s) sur {content['fiches_etapes_prevues']} prévue(s). "
        f"{len(content['fiches_en_retard'])} en retard."
    )
    if content["fiches_fiches"]:
        _table(
            document,
            ["N°", "Fiche action", "Statut", "Fin prévue", "Étapes de l'année", "Retard"],
            [
                [
                    f["numero"],
                    f["titre"],
                    f["statut"],
                    f["fin"],
                    f"{f['etapes_faites']} / {f['etapes_prevues']}",
                    "En retard" if f["en_retard"] else "—",
                ]
                for f in content["fiches_fiches"]
            ],
        )
    else:
        _empty(document, "Aucune fiche action.")

    document.add_heading("3. Indicateurs", level=1)
    for i in content["indicateurs"]:
        document.add_heading(f"{i['nom']} ({i['unite']}) — {i['rattachement']}", level=2)
        document.add_paragraph(
            f"Référence : {i['reference']} au {i['date_reference']} ; cible : {i['cible']} à l'échéance du "
            f"{i['echeance']} ; dernière valeur : {i['derniere']}. {i['etat']}. Fréquence de mesure : {i['frequence']}."
        )
        if i["valeurs"]:
            _table(
                document,
                ["Date", f"Valeur ({i['unite']})", "Source"],
                [[v["date"], v["valeur"], v["source"] or "—"] for v in i["valeurs"]],
            )
        else:
            _empty(document, f"Aucune valeur mesurée en {annee}.")
    if not content["indicateurs"]:
        _empty(document, "Aucun indicateur.")

    document.add_heading("4. Budget et financements", level=1)
    argent = content["argent"]
    if argent["fiches"]:
        _table(
            document,
            [
                "N°",
                "Fiche action",
                f"Budget prévu {annee}",
                f"Réalisé {annee}",
                "Financements accordés",
                "Financements sollicités",
                "Versé",
            ],
            [
                [f["numero"], f["titre"], f["prevu"], f["realise"], f["accorde"], f["sollicite"], f["verse"]]
                for f in argent["fiches"]
            ]
            + [
                [
                    "",
                    "Total",
                    *(argent["total"][k] for k in ("prevu", "realise", "accorde", "sollicite", "verse")),
                ]
            ],
        )
    else:
        _empty(document, "Aucun budget ni financement.")

    document.add_heading("5. Décisions de l'année", level=1)
    if content["decisions"]:
        _table(
            document,
            ["Séance", "Instance", "Objet", "Décision"],
            [
                [d["date"], d["instance"], d["objet"] + (f" — {d['texte']}" if d["texte"] else ""), d["resultat"]]
                for d in content["decisions"]
            ],
        )
    else:
        _empty(document, f"Aucune décision en {annee}.")

    document.add_heading("6. Évolution trimestrielle", level=1)
    if content["instantanes"]:
        from pvd.core.formatting import montant

        _table(
            document,
            [
                "Trimestre",
                "Fiches (réalisées / en cours)",
                "Étapes échues réalisées",
                "Accordé",
                "Sollicité",
                "Indicateurs renseignés",
                "Contributions",
            ],
            [
                [
                    r["trimestre"],
                    f"{r['fiches_total']} ({r['realisees']} / {r['en_cours']})",
                    f"{r['etapes_faites']} / {r['etapes_prevues']}",
                    montant(r["accorde"]),
                    montant(r["sollicite"]),
                    f"{r['indicateurs_renseignes']} / {r['indicateurs']}",
                    r["contributions"],
                ]
                for r in content["instantanes"]
            ],
        )
    else:
        _empty(document, "Aucun instantané trimestriel pour cette année.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
