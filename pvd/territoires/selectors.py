import re

from django.conf import settings
from django.db.models import Q

from .models import Commune, Epci, Organisation, OrganisationType
from .search import normalize

# Abbreviations people type for the saints of French place names: "st-flour", "ste maxime".
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
CANDIDATES = 300


def search_query(query: str) -> tuple[str, bool]:
    """The query as searched: at most PVD_SEARCH_MAX_CHARS characters and PVD_SEARCH_MAX_WORDS
    words (a name has fewer; a longer query would build a regular expression without end);
    and whether it was cut."""
    text = " ".join((query or "").split())
    cut = text[: settings.PVD_SEARCH_MAX_CHARS]
    words = cut.split()
    if len(words) > settings.PVD_SEARCH_MAX_WORDS:
        words = words[: settings.PVD_SEARCH_MAX_WORDS]
    kept = " ".join(words)
    return kept, kept != text


def search_words(query: str) -> list[str]:
    words = [ABBREVIATIONS.get(word, word) for word in normalize(search_query(query)[0]).split()]
    return words[: settings.PVD_SEARCH_MAX_WORDS]


def commune_search(query: str, *, limit: int = 20) -> list[Commune]:
    """Communes matching a name (accents, hyphens and "st" optional), an INSEE code or a postcode.

    Exact name, code or postcode first, then names that start with the query, then the most populated.
    """
    words = search_words(query)
    if not words:
        return []
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)
    text = " ".join(words)
    qs = Commune.objects.select_related("departement", "epci").order_by("-population", "code")
    # Exact names and codes are fetched apart: "Mont" or "Ur" must not be crowded out of the
    # candidates by the hundreds of bigger communes whose name merely contains the query.
    # search_text is "<name> <code> <postcodes>", and codes start with a digit.
    exact = Q(search_text__regex="^" + " ".join(re.escape(word) for word in words) + " [0-9]")
    exact |= Q(code__iexact=text)
    if text.isdigit():
        exact |= Q(search_text__regex=rf" {text}( |$)")
    exact_matches = list(qs.filter(exact)[:limit])
    others = qs.filter(condition).exclude(pk__in=[c.pk for c in exact_matches])
    return (exact_matches + _rank(list(others[:CANDIDATES]), text, limit))[:limit]


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


def organisation_key(name: str) -> str:
    """How organisation names compare: trimmed, case-insensitive."""
    return str(name).strip().casefold()


def national_organisations():
    """The national bodies ANCT curates (Banque des Territoires, Anah, Cerema, the régions…):
    shared, and of no territory."""
    return Organisation.objects.filter(
        dossier__isnull=True, commune__isnull=True, epci__isnull=True, departement__isnull=True
    ).exclude(kind__in=[OrganisationType.COMMUNE, OrganisationType.EPCI])


def offered_to(dossier) -> Q:
    """Which organisations a form of this dossier may pick: its own, the national list, and the
    organisations of its territory (its communes, its EPCI, its départements' préfecture and
    other bodies linked to them). Another dossier's organisations never."""
    departements = Commune.objects.filter(dossiers=dossier).values("departement")
    territory = (
        Q(commune__in=dossier.communes.values("pk")) | Q(epci_id=dossier.epci_id) | Q(departement__in=departements)
    )
    national = Q(pk__in=national_organisations().values("pk"))
    return Q(dossier=dossier) | (Q(dossier__isnull=True) & territory) | national


def organisations_for(dossier):
    """The organisations every picker of this dossier offers (member, signatory, funder,
    partner, maître d'ouvrage), in one query. The organisations of its communes, of its EPCI
    and the préfecture of its départements are always there: missing ones are created first
    (`territory_organisations_ensure`, a fixed number of queries)."""
    from .services import territory_organisations_ensure

    territory_organisations_ensure(dossier=dossier)
    return Organisation.objects.filter(offered_to(dossier)).order_by("nom", "pk")


def organisations_by_name(names, *, dossier) -> dict[str, Organisation]:
    """The organisations offered to this dossier of these names, whatever their type, keyed by
    `organisation_key(name)`, in one query: typing a name that exists (other capitals, other
    type) reuses the row instead of creating a duplicate. The dossier's own wins over a shared
    one, then the oldest."""
    cleaned = {str(n).strip() for n in names if n and str(n).strip()}
    if not cleaned:
        return {}
    query = Q()
    for name in cleaned:
        query |= Q(nom__iexact=name)
    found = {}
    candidates = Organisation.objects.filter(offered_to(dossier)).filter(query)
    for organisation in sorted(candidates, key=lambda o: (o.dossier_id is None, o.pk)):
        found.setdefault(organisation_key(organisation.nom), organisation)
    return found


def communes_geojson(communes) -> dict:
    """The outlines of `communes` that have one (see `import_contours_communes`), as a GeoJSON
    FeatureCollection with their code, name and population: what every map of a dossier draws."""
    features = [
        {
            "type": "Feature",
            "geometry": commune.contour,
            "properties": {"code": commune.code, "nom": commune.nom, "population": commune.population},
        }
        for commune in communes
        if commune.contour
    ]
    return {"type": "FeatureCollection", "features": features}
