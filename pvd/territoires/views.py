from django.shortcuts import render

from .selectors import commune_search, epci_search


def commune_search_view(request):
    query = request.GET.get("q", "").strip()
    communes = commune_search(query) if len(query) >= 2 else []
    return render(request, "territoires/commune_results.html", {"communes": communes, "query": query})


def epci_search_view(request):
    query = request.GET.get("q", "").strip()
    epcis = epci_search(query) if len(query) >= 2 else []
    return render(request, "territoires/epci_results.html", {"epcis": epcis, "query": query})
