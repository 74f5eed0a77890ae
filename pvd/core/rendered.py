"""Generated PDF and DOCX, cached per version of their content.

A reader who asks again and again for the same fiche, convention or bilan must not make the
server render it each time (WeasyPrint takes seconds and hundreds of megabytes). The bytes are
kept in the `documents` cache (a file cache under PVD_DOCUMENTS_CACHE_DIR, bounded by its
MAX_ENTRIES) under a hash of what they are made of: the rendered HTML for a PDF, the template
and the context for a DOCX, the builder's version and its plain content for a DOCX built
by code. A change of content gives another key, so another document; an
unchanged one is served from the cache. Nothing is ever invalidated by hand.
"""

import datetime
import hashlib
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.core.cache import caches

CACHE_ALIAS = "documents"


def _key(kind: str, *parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return f"pvd:{kind}:{digest.hexdigest()}"


def cached(kind: str, parts: list[bytes], render: Callable[[], bytes]) -> bytes:
    """The bytes `render()` makes, from the cache when `parts` are unchanged."""
    cache = caches[CACHE_ALIAS]
    key = _key(kind, *parts)
    content = cache.get(key)
    if content is None:
        content = render()
        cache.set(key, content)
    return content


def _write_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def html_to_pdf(html: str) -> bytes:
    """The PDF of this HTML (WeasyPrint), rendered once per distinct HTML."""
    return cached("pdf", [html.encode()], lambda: _write_pdf(html))


def _plain(value):
    if isinstance(value, datetime.date | datetime.time | Decimal):
        return f"{type(value).__name__}:{value.isoformat() if hasattr(value, 'isoformat') else value}"
    if isinstance(value, set | frozenset | tuple):
        return sorted(value, key=repr) if isinstance(value, set | frozenset) else list(value)
    # Anything else (a model instance, say) is not known by its whole content: no key.
    raise TypeError(f"{type(value).__name__} ne peut pas servir de clé de cache")


def context_bytes(context) -> bytes:
    """A stable serialisation of a DOCX's context, for its cache key; TypeError when a value is
    not plain data (the document is then rendered without the cache, never served stale)."""
    return json.dumps(context, sort_keys=True, default=_plain, ensure_ascii=False).encode()


def docx(template: Path | None, context, render: Callable[[], bytes]) -> bytes:
    """A DOCX made by `render()` from `template` (its bytes count: a restyled template gives a
    new document) and `context`, rendered once per distinct pair."""
    try:
        parts = [template.read_bytes() if template is not None else b"", context_bytes(context)]
    except TypeError:
        return render()
    return cached("docx", parts, render)


def built_docx(kind: str, version: str, content, render: Callable[[], bytes]) -> bytes:
    """A DOCX built by code (python-docx) from `content` alone, rendered once per distinct
    content and builder `version`. `content` must be plain data holding all the document shows:
    a TypeError here is a bug of the caller, never a stale document."""
    return cached(kind, [version.encode(), context_bytes(content)], render)
