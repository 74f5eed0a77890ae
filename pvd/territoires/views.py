from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .selectors import commune_search, epci_search, search_query

MIN_QUERY = 2


def _query(request) -> tuple[str, str]:
    """The query as searched, and the French notice when it was cut to the limits."""
    query, cut = search_query(request.GET.get("q", ""))
    notice = (
        f"Recherche limitée à {settings.PVD_SEARCH_MAX_WORDS} mots et {settings.PVD_SEARCH_MAX_CHARS} "
        f"caractères : « {query} »."
        if cut
        else ""
    )
    return query, notice


@require_GET
def commune_search_view(request):
    """HTML fragment of the communes matching ?q= (for the territory picker)."""
    query, notice = _query(request)
    searched = len(query) >= MIN_QUERY
    communes = commune_search(query) if searched else []
    return render(
        request,
        "territoires/commune_results.html",
        {"communes": communes, "query": query if searched else "", "notice": notice},
    )


@require_GET
def epci_search_view(request):
    """HTML fragment of the EPCI matching ?q= (for the territory picker)."""
    query, notice = _query(request)
    searched = len(query) >= MIN_QUERY
    epcis = epci_search(query) if searched else []
    return render(
        request,
        "territoires/epci_results.html",
        {"epcis": epcis, "query": query if searched else "", "notice": notice},
    )
