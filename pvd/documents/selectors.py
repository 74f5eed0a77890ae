"""Reads of the documents: what a reader may see, with current version and validation state."""

from django.db.models import Prefetch

from pvd.gouvernance.selectors import validation_state, validation_states

from .models import Document, DocumentVersion


def documents_for(dossier, access):
    """The documents of the dossier `access` may see (confidential ones: the équipe-projet only)."""
    return Document.objects.filter(dossier=dossier).visible_to(access)


def documents_listed(dossier, access):
    """The documents of the list page, newest first, with what a row shows (to paginate)."""
    return (
        documents_for(dossier, access)
        .select_related("created_by")
        .prefetch_related(Prefetch("versions", queryset=DocumentVersion.objects.order_by("-numero")))
        .order_by("-created_at", "-pk")
    )


def document_rows(dossier, access, documents=None) -> list[Document]:
    """The list page: each document (all of them, or the page `documents` of `documents_listed`)
    with `current` (its latest version) and `state` (its validation by the comité de projet), in
    a fixed number of queries."""
    documents = list(documents_listed(dossier, access) if documents is None else documents)
    states = validation_states(documents)
    for document in documents:
        versions = list(document.versions.all())
        document.current = versions[0] if versions else None
        document.state = states[document.pk]
    return documents


def document_detail(document) -> dict:
    versions = list(document.versions.select_related("uploaded_by").order_by("-numero"))
    return {
        "versions": versions,
        "current": versions[0] if versions else None,
        "validation": validation_state(document),
    }
