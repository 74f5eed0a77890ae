from django.db.models import Q

from .models import Commune, Epci
from .search import normalize


def commune_search(query: str, *, limit: int = 20):
    """Communes matching a name (accents optional), an INSEE code or a postcode."""
    words = normalize(query).split()
    if not words:
        return Commune.objects.none()
    qs = Commune.objects.select_related("departement", "epci")
    for word in words:
        qs = qs.filter(search_text__contains=word)
    # Exact name or code first, then the most populated.
    text = normalize(query)
    return _rank(qs, text, limit)


def _rank(qs, text: str, limit: int):
    candidates = list(qs.order_by("-population")[:200])
    candidates.sort(key=lambda c: (normalize(c.nom) != text and c.code.lower() != text, -(c.population or 0)))
    return candidates[:limit]


def epci_search(query: str, *, limit: int = 20):
    words = normalize(query).split()
    if not words:
        return Epci.objects.none()
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)
    return Epci.objects.filter(condition).order_by("-population")[:limit]
