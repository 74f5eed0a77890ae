"""Render the content of a generated convention (a plain dict from the selectors) to DOCX
(docxtpl, from the .docx templates in settings.PVD_CONVENTION_TEMPLATES_DIR, by default the
shipped templates_docx/) and to PDF (WeasyPrint, from an HTML template; restyling the DOCX
does not change the PDF). Same data → same bytes: fixed zip entry dates.

The DOCX templates may be restyled in Word: `template_problems` says which docxtpl tag or
section heading a restyled copy lost or misspelt."""

import io
import zipfile
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from pvd.core import rendered

from . import selectors
from .sections import ADHESION_SECTIONS, CADRE_SECTIONS

ZIP_DATE = (2026, 1, 1, 0, 0, 0)

KINDS = {
    "cadre": {
        "content": selectors.convention_cadre_content,
        "docx": "convention_cadre.docx",
        "html": "conventions/pdf/convention_cadre.html",
        "sections": CADRE_SECTIONS,
        "filename": "convention-cadre-valant-ORT",
    },
    "adhesion": {
        "content": selectors.convention_adhesion_content,
        "docx": "convention_adhesion.docx",
        "html": "conventions/pdf/convention_adhesion.html",
        "sections": ADHESION_SECTIONS,
        "filename": "convention-adhesion",
    },
}


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the DOCX archive with fixed entry dates, in the same order."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def template_path(kind: str) -> Path:
    return Path(settings.PVD_CONVENTION_TEMPLATES_DIR) / KINDS[kind]["docx"]


def _docx_context(template, content: dict) -> dict:
    """The content as the DOCX template reads it: the map becomes an image."""
    secteurs = content.get("secteurs")
    if secteurs is None:
        return content
    # The DOCX cannot hold the PDF's SVG map: the same drawing as a PNG.
    carte = ""
    if secteurs["polygones"]:
        from docx.shared import Mm
        from docxtpl import InlineImage

        from .selectors import png_map

        carte = InlineImage(template, io.BytesIO(png_map(secteurs["polygones"])), width=Mm(140))
    return {**content, "secteurs": {**secteurs, "carte": carte}}


def render_docx(kind: str, content: dict) -> bytes:
    """The DOCX of `content`, rendered once per template and content (`pvd.core.rendered`)."""
    path = template_path(kind)
    return rendered.docx(path, {"kind": kind, "content": content}, lambda: _render_docx(path, content))


def _render_docx(path: Path, content: dict) -> bytes:
    from docxtpl import DocxTemplate

    template = DocxTemplate(path)
    template.render(_docx_context(template, content), autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return _normalise_zip(buffer.getvalue())


# Data the shipped DOCX templates leave out on purpose: a restyled template need not have
# them, and may add them. The map's drawing data (the DOCX has the image `secteurs.carte`),
# and details no generated document shows yet. A path covers everything under it.
DOCX_OPTIONAL = {
    "cadre": {
        "secteurs.polygones",
        "secteurs.carte_svg",
        "gouvernance.comite.description",
        "indicateurs[].type",
        # Said by the parties (the representation) and by the entry into force.
        "signataires[].date_deliberation",
        "duree",
        "fiches[].financeurs",  # the annex lists the financing lines
    },
    "adhesion": {"comite.description", "signataires[].date_deliberation"},
}


def _data_paths(value, prefix: str, leaves: set[str], every: set[str]) -> None:
    """The dotted paths of a content dict ("maquette.cout_total"; "fiches[].titre" for each
    item of a list): `leaves` gets the values, `every` every path, intermediate ones included."""
    if prefix:
        every.add(prefix)
    if isinstance(value, dict):
        for key, item in value.items():
            _data_paths(item, f"{prefix}.{key}" if prefix else key, leaves, every)
    elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
        for item in value:
            _data_paths(item, f"{prefix}[]", leaves, every)
    elif isinstance(value, list):
        leaves.add(prefix)
        every.add(f"{prefix}[]")  # `{% for membre in membres %}{{ membre }}`
    else:
        leaves.add(prefix)


def unfilled_lists(content: dict) -> list[str]:
    """The lists of `content` with no item anywhere: the fields of their items cannot be
    derived, so `template_problems` does not require them."""
    seen: dict[str, bool] = {}

    def walk(value, prefix):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{prefix}.{key}" if prefix else key)
        elif isinstance(value, list):
            seen[prefix] = seen.get(prefix, False) or bool(value)
            for item in value:
                walk(item, f"{prefix}[]")

    walk(content, "")
    return sorted(path for path, filled in seen.items() if not filled)


def template_tags(path: Path) -> set[str]:
    """The data paths a docxtpl template reads, loop variables resolved to their list:
    `{%p for f in fiches %}…{{ f.titre }}` reads "fiches" and "fiches[].titre"."""
    from docx import Document
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import parse_xml
    from docxtpl import DocxTemplate
    from jinja2 import Environment, nodes

    template = DocxTemplate(path)
    document = Document(path)
    xml = template.patch_xml(template.xml_to_string(document.element.body))
    for rel in document.part.rels.values():  # a restyler may move tags to a header or footer
        if rel.reltype in (RELATIONSHIP_TYPE.HEADER, RELATIONSHIP_TYPE.FOOTER):
            xml += template.patch_xml(template.xml_to_string(parse_xml(rel.target_part.blob)))

    def path_of(node, scope):
        if isinstance(node, nodes.Name):
            return scope.get(node.name, node.name)
        if isinstance(node, nodes.Getattr):
            base = path_of(node.node, scope)
            return base and f"{base}.{node.attr}"
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            base = path_of(node.node, scope)
            return base and f"{base}.{node.arg.value}"
        return None

    found: set[str] = set()

    def visit(node, scope):
        if isinstance(node, nodes.For):
            visit(node.iter, scope)
            items = path_of(node.iter, scope)
            inner = dict(scope)
            if isinstance(node.target, nodes.Name) and items:
                inner[node.target.name] = f"{items}[]"
            for child in [*node.body, *([node.test] if node.test else [])]:
                visit(child, inner)
            for child in node.else_:
                visit(child, scope)
            return
        if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
            path = path_of(node, scope)
            if path:
                if path.split(".")[0] != "loop" and not (isinstance(node, nodes.Name) and node.ctx != "load"):
                    found.add(path)
                return
        for child in node.iter_child_nodes():
            visit(child, scope)

    visit(Environment(autoescape=True).parse(xml), {})  # parsed only, never rendered
    return found


def template_problems(kind: str, content: dict, path: Path | None = None) -> list[str]:
    """What a (restyled) DOCX template of `kind` lacks or misspells, in French, one line per
    tag or heading. The tags it must read are derived from the context the generator passes
    for `content` (take it from a complete dossier, so that every list has items); the
    headings from the sections definition (see `unfilled_lists` for a dossier with gaps)."""
    from docx import Document
    from docxtpl import DocxTemplate

    path = path or template_path(kind)
    leaves: set[str] = set()
    every: set[str] = set()
    context = _docx_context(DocxTemplate(path), content)
    _data_paths(context, "", leaves, every)
    # The items of an empty list are unknown: their fields are neither required nor unknown.
    unchecked = tuple(f"{items}[]" for items in unfilled_lists(context))
    used = template_tags(path)
    # A tag reads its path and every path above it ("maquette" for "maquette.cout_total").
    reached = {p.rsplit(".", depth)[0] for p in used for depth in range(p.count(".") + 1)}
    reached |= {p.removesuffix("[]") for p in reached}
    name = path.name
    problems = [
        f"{name} : titre de section manquant « {section} »"
        for section in KINDS[kind]["sections"]
        if section not in {paragraph.text.strip() for paragraph in Document(path).paragraphs}
    ]
    optional = DOCX_OPTIONAL[kind]
    problems += [
        f"{name} : balise manquante « {tag} »"
        for tag in sorted(leaves - reached)
        if not any(tag == o or tag.startswith((f"{o}.", f"{o}[]")) for o in optional)
    ]
    problems += [
        f"{name} : balise inconnue « {tag} » (faute de frappe ?)"
        for tag in sorted(used - every)
        if not tag.startswith(unchecked)
    ]
    return problems


def render_pdf(kind: str, content: dict) -> bytes:
    html = render_to_string(KINDS[kind]["html"], {"c": content, "sections": KINDS[kind]["sections"]})
    return rendered.html_to_pdf(html)


def slug(text: str) -> str:
    """ "Les Anses-d'Arlet" → "Les-Anses-d-Arlet": ASCII letters, digits and hyphens, case kept."""
    import re
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")


def town(dossier) -> str:
    """The town a file is named after: the first commune bénéficiaire, else the dossier."""
    commune = dossier.communes.order_by("nom", "code").first()
    return slug(commune.nom if commune else dossier.nom) or f"dossier-{dossier.pk}"


def base_name(convention) -> str:
    """ "convention-cadre-valant-ORT-Langres", "avenant-2-convention-adhesion-Langres"."""
    from .models import ConventionType

    if convention.kind == ConventionType.AVENANT:
        amended = KINDS.get(convention.amende.kind, {}).get("filename", "convention")
        return f"avenant-{convention.numero_avenant}-{amended}-{town(convention.dossier)}"
    return f"{KINDS[convention.kind]['filename']}-{town(convention.dossier)}"


def download_name(document) -> str:
    """The name a stored document downloads under: the convention and the town, "-signee" for
    the signed scan, "-v2"… after the first version."""
    from .models import ConventionDocumentKind

    extension = document.file.name.rsplit(".", 1)[-1].lower() if "." in document.file.name else "pdf"
    name = base_name(document.convention)
    if document.kind == ConventionDocumentKind.SIGNE_PDF:
        name += "-signee"
    if document.version > 1:
        name += f"-v{document.version}"
    return f"{name}.{extension}"


def generate(kind: str, dossier, fmt: str) -> tuple[str, bytes]:
    """(file name, bytes) of the convention of `kind` generated from the live dossier."""
    content = KINDS[kind]["content"](dossier)
    data = render_docx(kind, content) if fmt == "docx" else render_pdf(kind, content)
    return f"{KINDS[kind]['filename']}-{town(dossier)}.{fmt}", data
