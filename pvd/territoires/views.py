from django.shortcuts import render
from django.views.decorators.http import require_GET

from .selectors import commune_search, epci_search

MIN_QUERY = 2


@require_GET
def commune_search_view(request):
    """HTML fragment of the communes matching ?q= (for the territory picker)."""
    query = request.GET.get("q", "").strip()
    searched = len(query) >= MIN_QUERY
    communes = commune_search(query) if searched else []
    return render(
        request, "territoires/commune_results.html", {"communes": communes, "query": query if searched else ""}
    )


@require_GET
def epci_search_view(request):
    """HTML fragment of the EPCI matching ?q= (for the territory picker)."""
    query = request.GET.get("q", "").strip()
    searched = len(query) >= MIN_QUERY
    epcis = epci_search(query) if searched else []
    return render(request, "territoires/epci_results.html", {"epcis": epcis, "query": query if searched else ""})
