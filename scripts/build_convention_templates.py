"""Create the initial DOCX templates of the generated conventions — only to start over.

    .venv/bin/python scripts/build_convention_templates.py --ecraser

The .docx files in pvd/conventions/templates_docx/ are docxtpl templates (Jinja tags in the
text) and are the reference: a person restyles them in Word (fonts, colours, logos, page
layout) without touching code, as long as the {{ … }} and {%p … %} / {%tr … %} tags and the
section headings stay in place (the test suite checks them: documents.template_problems).
An operator may also keep restyled copies elsewhere and point PVD_CONVENTION_TEMPLATES_DIR
to them.

This script writes plain, unstyled templates from scratch: it OVERWRITES any restyling of
the shipped files, hence the --ecraser flag. Use it only to start over from a clean base
(then restyle again), not after changing the generator: add the new tag in Word instead.
"""

import datetime
import io
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.shared import Pt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pvd.conventions.sections import ADHESION_SECTIONS, CADRE_SECTIONS  # noqa: E402

OUT = ROOT / "pvd" / "conventions" / "templates_docx"
FIXED = datetime.datetime(2026, 1, 1, 0, 0, 0)


def new_document(title: str) -> Document:
    document = Document()
    document.styles["Normal"].font.name = "Marianne"
    document.styles["Normal"].font.size = Pt(10.5)
    props = document.core_properties
    props.title, props.author, props.last_modified_by = title, "Petites villes de demain", "Petites villes de demain"
    props.created = props.modified = props.last_printed = FIXED
    props.revision = 1
    document.add_heading("{{ titre }}", level=0)
    document.add_paragraph("{{ dossier }} — {{ communes }} — {{ epci }}")
    return document


def save(document, path: Path) -> None:
    """Save with fixed zip entry dates, so that re-running the script changes nothing."""
    buffer = io.BytesIO()
    document.save(buffer)
    source = zipfile.ZipFile(buffer)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))


def tag(document, text):
    document.add_paragraph(text)


def table(document, headers, cells, loop):
    """A table with a header row and one row per item of `loop` ("item in items")."""
    t = document.add_table(rows=4, cols=len(headers))
    t.style = "Table Grid"
    for cell, header in zip(t.rows[0].cells, headers, strict=True):
        cell.text = header
    t.rows[1].cells[0].text = "{%tr for " + loop + " %}"
    for cell, value in zip(t.rows[2].cells, cells, strict=True):
        cell.text = value
    t.rows[3].cells[0].text = "{%tr endfor %}"
    return t


def parties(document, heading):
    document.add_heading(heading, level=1)
    tag(document, "Entre :")
    tag(document, "{%p for partie in parties %}")
    document.add_paragraph("{{ partie.nom }} ({{ partie.role }})", style="List Bullet")
    tag(document, "{%p endfor %}")
    tag(document, "{%p if signataires %}")
    tag(document, "Signataires :")
    table(
        document,
        ["Organisation", "Représentant", "Qualité", "Délibération"],
        ["{{ s.organisation }}", "{{ s.representant }}", "{{ s.qualite }}", "{{ s.date_deliberation }}"],
        "s in signataires",
    )
    tag(document, "{%p else %}")
    tag(document, "Signataires : {{ a_completer }}")
    tag(document, "{%p endif %}")


def signatures(document, heading):
    document.add_heading(heading, level=1)
    tag(document, "{%p for s in signataires %}")
    tag(document, "Pour {{ s.organisation }}, {{ s.representant }}, {{ s.qualite }}")
    tag(document, "Signé le : {{ s.signe_le or '……………' }}        Signature :")
    tag(document, "")
    tag(document, "{%p else %}")
    tag(document, "{{ a_completer }}")
    tag(document, "{%p endfor %}")


def build_cadre():
    s = CADRE_SECTIONS
    document = new_document("Convention-cadre valant ORT")
    parties(document, s[0])
    document.add_heading(s[1], level=1)
    tag(document, "{{ preambule }}")
    tag(
        document,
        "Convention d'adhésion signée le {{ adhesion_signee_le }} ; échéance de la convention-cadre : {{ echeance }}.",
    )
    document.add_heading(s[2], level=1)
    tag(document, "{{ objet }}")
    document.add_heading(s[3], level=1)
    tag(document, "{{ diagnostic }}")
    document.add_heading(s[4], level=1)
    tag(document, "{{ projet_territoire }}")
    tag(document, "{%p for axe in axes %}")
    document.add_heading("Axe {{ axe.numero }} — {{ axe.titre }}", level=2)
    tag(document, "Enjeux : {{ axe.enjeux }}")
    tag(document, "Indicateurs : {{ axe.indicateurs|join(', ') or a_completer }}")
    tag(document, "{%p else %}")
    tag(document, "{{ a_completer }}")
    tag(document, "{%p endfor %}")
    document.add_heading(s[5], level=1)
    tag(document, "{{ secteurs.carte }}")
    tag(document, "{%p for secteur in secteurs.liste %}")
    document.add_paragraph(
        "{{ secteur.nom }} — {{ secteur.type }} ({{ secteur.commune }}, {{ secteur.surface }})", style="List Bullet"
    )
    tag(document, "{%p else %}")
    tag(document, "{{ a_completer }}")
    tag(document, "{%p endfor %}")
    document.add_heading(s[6], level=1)
    tag(document, "{%p if fiches %}")
    table(
        document,
        ["N°", "Fiche action", "Axes", "Statut", "Coût HT", "Financeurs"],
        ["{{ f.numero }}", "{{ f.titre }}", "{{ f.axes }}", "{{ f.statut }}", "{{ f.cout }}", "{{ f.financeurs }}"],
        "f in fiches",
    )
    tag(document, "{%p else %}")
    tag(document, "{{ a_completer }}")
    tag(document, "{%p endif %}")
    document.add_heading(s[7], level=1)
    tag(document, "Coût total HT du plan d'action : {{ maquette.cout_total }}")
    tag(
        document,
        "Financements accordés : {{ maquette.accorde }} ({{ maquette.taux_accorde }} du coût HT) ; "
        "financements sollicités : {{ maquette.sollicite }}",
    )
    tag(
        document,
        "Reste à financer (coût HT moins les financements accordés) : {{ maquette.reste_a_financer }} ; "
        "reste à trouver (hors financements sollicités) : {{ maquette.reste_a_trouver }}",
    )
    tag(document, "{%p if maquette.par_axe %}")
    table(
        document,
        ["Axe", "Coût HT", "Accordé", "Sollicité"],
        ["{{ l.label }}", "{{ l.cout }}", "{{ l.accorde }}", "{{ l.sollicite }}"],
        "l in maquette.par_axe",
    )
    tag(document, "{%p endif %}")
    for key, label in (("par_financeur", "Financeur"), ("par_dispositif", "Dispositif")):
        tag(document, "{%p if maquette." + key + " %}")
        table(
            document,
            [label, "Accordé", "Sollicité"],
            ["{{ l.label }}", "{{ l.accorde }}", "{{ l.sollicite }}"],
            "l in maquette." + key,
        )
        tag(document, "{%p endif %}")
    document.add_heading(s[8], level=1)
    tag(document, "{%p for s in signataires %}")
    tag(document, "{{ s.organisation }} s'engage à : {{ s.engagements }}")
    tag(document, "{%p else %}")
    tag(document, "{{ a_completer }}")
    tag(document, "{%p endfor %}")
    document.add_heading(s[9], level=1)
    tag(document, "Comité de projet : {{ gouvernance.comite.nom }}")
    tag(document, "{%p for membre in gouvernance.comite.membres %}")
    document.add_paragraph("{{ membre }}", style="List Bullet")
    tag(document, "{%p endfor %}")
    tag(document, "Chef de projet : {{ gouvernance.chef_de_projet }}")
    document.add_heading(s[10], level=1)
    tag(document, "{%p if indicateurs %}")
    table(
        document,
        ["Indicateur", "Rattachement", "Unité", "Référence", "Cible", "Échéance"],
        [
            "{{ i.nom }}",
            "{{ i.rattachement }}",
            "{{ i.unite }}",
            "{{ i.initiale }}",
            "{{ i.cible }}",
            "{{ i.echeance }}",
        ],
        "i in indicateurs",
    )
    tag(document, "{%p else %}")
    tag(document, "{{ a_completer }}")
    tag(document, "{%p endif %}")
    document.add_heading(s[11], level=1)
    tag(document, "La présente convention est conclue pour une durée de : {{ duree }}.")
    signatures(document, s[12])
    document.add_heading(s[13], level=1)
    tag(document, "{%p for f in fiches %}")
    document.add_heading("Fiche action n° {{ f.numero }} — {{ f.titre }}", level=2)
    tag(
        document,
        "Axes : {{ f.axes }} ; statut : {{ f.statut }} ; maturité : {{ f.maturite }} ; "
        "secteur d'intervention : {{ f.secteur }}",
    )
    tag(document, "Calendrier : {{ f.debut }} → {{ f.fin }} ; coût HT : {{ f.cout }}")
    tag(
        document,
        "Financements : {% for l in f.financements %}"
        "{{ l.financeur }} ({{ l.dispositif }}) {{ l.montant }} {{ l.statut }}"
        "{% if not loop.last %} ; {% endif %}{% else %}{{ a_completer }}{% endfor %}",
    )
    tag(document, "{%p else %}")
    tag(document, "{{ a_completer }}")
    tag(document, "{%p endfor %}")
    save(document, OUT / "convention_cadre.docx")


def build_adhesion():
    s = ADHESION_SECTIONS
    document = new_document("Convention d'adhésion Petites villes de demain")
    parties(document, s[0])
    document.add_heading(s[1], level=1)
    tag(document, "{{ preambule }}")
    document.add_heading(s[2], level=1)
    tag(document, "{{ objet }}")
    document.add_heading(s[3], level=1)
    tag(document, "{%p for s in signataires %}")
    tag(document, "{{ s.organisation }} s'engage à : {{ s.engagements }}")
    tag(document, "{%p else %}")
    tag(document, "{{ a_completer }}")
    tag(document, "{%p endfor %}")
    document.add_heading(s[4], level=1)
    tag(document, "Chef de projet Petites villes de demain : {{ chef_de_projet }}")
    document.add_heading(s[5], level=1)
    tag(document, "Comité de projet : {{ comite.nom }}")
    tag(document, "{%p for membre in comite.membres %}")
    document.add_paragraph("{{ membre }}", style="List Bullet")
    tag(document, "{%p endfor %}")
    document.add_heading(s[6], level=1)
    tag(document, "La présente convention est conclue pour une durée de : {{ duree }}.")
    signatures(document, s[7])
    save(document, OUT / "convention_adhesion.docx")


if __name__ == "__main__":
    if "--ecraser" not in sys.argv[1:]:
        sys.exit(
            f"Ce script écrase les gabarits de {OUT} et toute leur mise en forme. "
            "Relancez-le avec --ecraser pour repartir de gabarits sans mise en forme."
        )
    OUT.mkdir(parents=True, exist_ok=True)
    build_cadre()
    build_adhesion()
    print(f"Gabarits écrits dans {OUT}")
