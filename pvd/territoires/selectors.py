from django.db.models import Q

from .models import Commune, Epci
from .search import normalize

# Abbreviations people type for the saints of French place names: "st-flour", "ste maxime".
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
CANDIDATES = 300


def search_words(query: str) -> list[str]:
    return [ABBREVIATIONS.get(word, word) for word in normalize(query).split()]


def commune_search(query: str, *, limit: int = 20) -> list[Commune]:
    """Communes matching a name (accents, hyphens and "st" optional), an INSEE code or a postcode.

    Exact name or code first, then names that start with the query, then the most populated.
    """
    words = search_words(query)
    if not words:
        return []
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)
    qs = Commune.objects.filter(condition).select_related("departement", "epci")
    return _rank(list(qs.order_by("-population", "code")[:CANDIDATES]), " ".join(words), limit)


def _rank(candidates: list[Commune], text: str, limit: int) -> list[Commune]:
    def key(commune):
        name = normalize(commune.nom)
        exact = name == text or commune.code.lower() == text or text in commune.codes_postaux
        return (not exact, not name.startswith(text), -(commune.population or 0))

    return sorted(candidates, key=key)[:limit]


def epci_search(query: str, *, limit: int = 20) -> list[Epci]:
    """EPCI matching a name (accents optional), a SIREN or a type ("communauté de communes")."""
    words = search_words(query)
    if not words:
        return []
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)
    return list(Epci.objects.filter(condition).order_by("-population", "siren")[:limit])
