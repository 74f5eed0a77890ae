"""Render the content of a generated convention (a plain dict from the selectors) to DOCX
(docxtpl, from the committed templates_docx/*.docx) and to PDF (WeasyPrint, from an HTML
template). Same data → same bytes: fixed core properties and fixed zip entry dates."""

import io
import zipfile
from pathlib import Path

from django.template.loader import render_to_string

from . import selectors
from .sections import ADHESION_SECTIONS, CADRE_SECTIONS

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates_docx"
ZIP_DATE = (2026, 1, 1, 0, 0, 0)

KINDS = {
    "cadre": {
        "content": selectors.convention_cadre_content,
        "docx": "convention_cadre.docx",
        "html": "conventions/pdf/convention_cadre.html",
        "sections": CADRE_SECTIONS,
        "filename": "convention-cadre",
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


def render_docx(kind: str, content: dict) -> bytes:
    from docxtpl import DocxTemplate

    template = DocxTemplate(TEMPLATES_DIR / KINDS[kind]["docx"])
    secteurs = content.get("secteurs")
    if secteurs is not None:
        # The DOCX cannot hold the PDF's SVG map: the same drawing as a PNG.
        carte = ""
        if secteurs["polygones"]:
            from docx.shared import Mm
            from docxtpl import InlineImage

            from .selectors import png_map

            carte = InlineImage(template, io.BytesIO(png_map(secteurs["polygones"])), width=Mm(140))
        content = {**content, "secteurs": {**secteurs, "carte": carte}}
    template.render(content, autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return _normalise_zip(buffer.getvalue())


def render_pdf(kind: str, content: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(KINDS[kind]["html"], {"c": content, "sections": KINDS[kind]["sections"]})
    return HTML(string=html).write_pdf()


def generate(kind: str, dossier, fmt: str) -> tuple[str, bytes]:
    """(file name, bytes) of the convention of `kind` generated from the live dossier."""
    content = KINDS[kind]["content"](dossier)
    data = render_docx(kind, content) if fmt == "docx" else render_pdf(kind, content)
    return f"{KINDS[kind]['filename']}-{dossier.pk}.{fmt}", data
