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
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pvd.conventions.sections import (  # noqa: E402
    ADHESION_SECTIONS,
    CADRE_SECTIONS,
    PLAN_MATURATION,
    PLAN_VALIDE,
)

OUT = ROOT / "pvd" / "conventions" / "templates_docx"
FIXED = datetime.datetime(2026, 1, 1, 0, 0, 0)
# A4 with 2 cm margins, like the PDF: 17 cm of text width, shared out among a table's columns.
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Cm(21), Cm(29.7), Cm(2)
TEXT_WIDTH_CM = 17.0


def page_setup(document) -> None:
    """A4 portrait, 2 cm margins, « Page n / N » in the footer (PAGE and NUMPAGES fields)."""
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = MARGIN
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.add_run("Page ")
    field(paragraph, "PAGE")
    paragraph.add_run(" / ")
    field(paragraph, "NUMPAGES")


def field(paragraph, instruction: str) -> None:
    """A Word field (`PAGE`, `NUMPAGES`) that the word processor computes."""
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)


def set_widths(t, widths_cm) -> None:
    """Fixed layout with explicit widths (grid, table and every cell): a word processor then
    keeps the columns as set instead of squeezing a long title into a narrow column."""
    assert abs(sum(widths_cm) - TEXT_WIDTH_CM) < 0.01, widths_cm
    t.autofit = False  # w:tblLayout w:type="fixed"
    tbl_pr = t._tbl.tblPr
    width = tbl_pr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        tbl_pr.append(width)
    width.set(qn("w:w"), str(int(Cm(TEXT_WIDTH_CM).twips)))
    width.set(qn("w:type"), "dxa")
    for column, cm in zip(t.columns, widths_cm, strict=True):
        column.width = Cm(cm)  # w:gridCol
    for row in t.rows:
        for cell, cm in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(cm)  # w:tcW


def new_document(title: str) -> Document:
    document = Document()
    document.styles["Normal"].font.name = "Marianne"
    document.styles["Normal"].font.size = Pt(10.5)
    props = document.core_properties
    props.title, props.author, props.last_modified_by = title, "Petites villes de demain", "Petites villes de demain"
    props.created = props.modified = props.last_printed = FIXED
    props.revision = 1
    page_setup(document)
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


def table(document, headers, cells, loop, widths):
    """A table with a header row and one row per item of `loop` ("item in items"), its
    columns `widths` cm wide (17 cm in all)."""
    t = document.add_table(rows=4, cols=len(headers))
    t.style = "Table Grid"
    for cell, header in zip(t.rows[0].cells, headers, strict=True):
        cell.text = header
    t.rows[1].cells[0].text = "{%tr for " + loop + " %}"
    for cell, value in zip(t.rows[2].cells, cells, strict=True):
        cell.text = value
    t.rows[3].cells[0].text = "{%tr endfor %}"
    set_widths(t, widths)
    return t


def parties(document, heading):
    """The parties as the ANCT canevas names them: d'une part, d'autre part."""
    document.add_heading(heading, level=1)
    tag(document, "Entre :")
    tag(document, "{%p for partie in parties.collectivites %}")
    document.add_paragraph("{{ partie.nom }}, {{ partie.representation }} ;", style="List Bullet")
    tag(document, "{%p endfor %}")
    tag(document, "ci-après désignées « les collectivités bénéficiaires », d'une part,")
    tag(document, "Et :")
    document.add_paragraph(
        "{{ parties.etat.nom }}, {{ parties.etat.representation }} ;",
        style="List Bullet",
    )
    tag(document, "{%p for partie in parties.partenaires %}")
    document.add_paragraph("{{ partie.nom }}, {{ partie.representation }} ;", style="List Bullet")
    tag(document, "{%p endfor %}")
    tag(
        document,
        "{% if parties.partenaires %}ci-après désignés « l'État et les partenaires »"
        "{% else %}ci-après désigné « l'État »{% endif %}, d'autre part.",
    )


def signatures(document, heading):
    document.add_heading(heading, level=1)
    tag(document, "Fait à {{ fait_a.lieu }}, le {{ fait_a.date }}, en {{ fait_a.exemplaires }}.")
    tag(document, "{%p for s in signataires %}")
    tag(document, "Pour {{ s.organisation }}, {{ s.representant }}, {{ s.qualite }}")
    tag(document, "Signé le : {{ s.signe_le or '……………' }}        Signature :")
    tag(document, "")
    tag(document, "{%p else %}")
    tag(document, "{{ a_completer }}")
    tag(document, "{%p endfor %}")


FICHE_COLUMNS = (
    ["N°", "Fiche action", "Axes", "Statut", "Coût HT", "Financeurs"],
    ["{{ f.numero }}", "{{ f.titre }}", "{{ f.axes }}", "{{ f.statut }}", "{{ f.cout }}", "{{ f.financeurs }}"],
    [1.0, 5.2, 2.2, 2.0, 3.4, 3.2],
)


def fiches_table(document, items):
    tag(document, "{%p if " + items + " %}")
    headers, cells, widths = FICHE_COLUMNS
    table(document, headers, cells, "f in " + items, widths)
    tag(document, "{%p else %}")
    tag(document, "Aucune fiche.")
    tag(document, "{%p endif %}")


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
    tag(document, "Il est convenu ce qui suit :")
    document.add_heading(s[2], level=1)
    tag(document, "{{ objet }}")
    document.add_heading(s[3], level=1)
    # Built from the diagnostic (pvd.diagnostic.selectors_export.convention_summary).
    tag(document, "{{ diagnostic.synthese }}")
    tag(document, "{%p if diagnostic.chiffres %}")
    tag(document, "Chiffres clés :")
    tag(document, "{%p endif %}")
    tag(document, "{%p for chiffre in diagnostic.chiffres %}")
    document.add_paragraph(
        "{{ chiffre.libelle }} ({{ chiffre.territoire }}) : {{ chiffre.valeur }} — source : {{ chiffre.source }}",
        style="List Bullet",
    )
    tag(document, "{%p endfor %}")
    tag(document, "{%p for groupe in diagnostic.afom %}")
    document.add_paragraph("{{ groupe.categorie }} : {{ groupe.constats|join(' ; ') }}", style="List Bullet")
    tag(document, "{%p endfor %}")
    tag(document, "{{ diagnostic.validation }}")
    document.add_heading(s[4], level=1)
    tag(document, "Ambition du projet de territoire : {{ projet_territoire }}")
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
    tag(
        document,
        "Le plan d'action est constitué des fiches action validées par le comité de projet. Les projets en "
        "maturation, dont la fiche n'est pas encore validée, n'en font partie qu'après leur validation.",
    )
    document.add_heading(PLAN_VALIDE, level=2)
    fiches_table(document, "plan.validees")
    document.add_heading(PLAN_MATURATION, level=2)
    fiches_table(document, "plan.en_maturation")
    tag(document, "{%p if plan.numerotation %}")
    tag(document, "{{ plan.numerotation }}")
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
        [7.4, 3.2, 3.2, 3.2],
    )
    tag(document, "{%p endif %}")
    for key, label in (("par_financeur", "Financeur"), ("par_dispositif", "Dispositif")):
        tag(document, "{%p if maquette." + key + " %}")
        table(
            document,
            [label, "Accordé", "Sollicité"],
            ["{{ l.label }}", "{{ l.accorde }}", "{{ l.sollicite }}"],
            "l in maquette." + key,
            [9.0, 4.0, 4.0],
        )
        tag(document, "{%p endif %}")
    document.add_heading(s[8], level=1)
    tag(document, "{%p for s in signataires %}")
    tag(document, "{{ s.organisation }} s'engage à : {{ s.engagements }}")
    tag(document, "{%p else %}")
    tag(document, "{{ a_completer }}")
    tag(document, "{%p endfor %}")
    document.add_heading(s[9], level=1)
    tag(document, "{{ ingenierie.texte }}")
    tag(document, "Chef de projet Petites villes de demain : {{ ingenierie.chef_de_projet }}")
    tag(document, "{%p for appui in ingenierie.appuis %}")
    document.add_paragraph("{{ appui.nom }} : {{ appui.engagements }}", style="List Bullet")
    tag(document, "{%p endfor %}")
    document.add_heading(s[10], level=1)
    tag(document, "Comité de projet : {{ gouvernance.comite.nom }}")
    tag(document, "{%p for membre in gouvernance.comite.membres %}")
    document.add_paragraph("{{ membre }}", style="List Bullet")
    tag(document, "{%p endfor %}")
    tag(document, "Chef de projet : {{ gouvernance.chef_de_projet }}")
    document.add_heading(s[11], level=1)
    tag(document, "{%p if indicateurs %}")
    table(
        document,
        [
            "Indicateur",
            "Rattachement",
            "Unité",
            "Référence (valeur et date)",
            "Cible (valeur et échéance)",
            "Fréquence de mesure",
        ],
        [
            "{{ i.nom }}",
            "{{ i.rattachement }}",
            "{{ i.unite }}",
            "{{ i.reference }}",
            "{{ i.objectif }}",
            "{{ i.frequence }}",
        ],
        "i in indicateurs",
        [4.4, 2.6, 2.0, 3.0, 3.0, 2.0],
    )
    tag(document, "{%p else %}")
    tag(document, "{{ a_completer }}")
    tag(document, "{%p endif %}")
    # The evaluation calendar and the bilan annuel (pvd.conventions.selectors._evaluation).
    tag(document, "Calendrier d'évaluation :")
    tag(document, "{%p for ligne in evaluation.calendrier %}")
    document.add_paragraph("{{ ligne }}", style="List Bullet")
    tag(document, "{%p endfor %}")
    tag(document, "Bilan annuel : {{ evaluation.bilan }}")
    document.add_heading(s[12], level=1)
    tag(document, "{{ entree_en_vigueur }}")
    document.add_heading(s[13], level=1)
    tag(document, "{{ evolution }}")
    document.add_heading(s[14], level=1)
    tag(document, "{{ resiliation }}")
    document.add_heading(s[15], level=1)
    tag(document, "{{ litiges }}")
    signatures(document, s[16])
    document.add_heading(s[17], level=1)
    tag(document, "{%p for f in fiches %}")
    document.add_heading("Fiche action n° {{ f.numero }} — {{ f.titre }}", level=2)
    tag(document, "Validation : {{ f.validation }}")
    tag(document, "Maître d'ouvrage : {{ f.maitre_ouvrage }}")
    tag(document, "Description : {{ f.description }}")
    tag(document, "Objectifs : {{ f.objectifs }}")
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
    tag(document, "{%p if plan.numerotation %}")
    tag(document, "{{ plan.numerotation }}")
    tag(document, "{%p endif %}")
    save(document, OUT / "convention_cadre.docx")


def build_adhesion():
    s = ADHESION_SECTIONS
    document = new_document("Convention d'adhésion Petites villes de demain")
    parties(document, s[0])
    document.add_heading(s[1], level=1)
    tag(document, "{{ preambule }}")
    tag(document, "Il est convenu ce qui suit :")
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
