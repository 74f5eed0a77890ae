import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from pvd.comptes.tests.factories import UserFactory
from pvd.territoires.selectors import commune_search, epci_search

CODES = ["71190", "15187", "52269", "2A004", "2B033", "97411", "93066", "42218", "52448"]


@pytest.fixture
def communes(load_communes):
    # Épinac, Saint-Flour, Langres, Ajaccio, Bastia, Saint-Denis (974 and 93), Saint-Étienne, Saint-Dizier
    load_communes(*CODES)


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("epinac", "71190"),
        ("Épinac", "71190"),
        ("ÉPINAC", "71190"),
        ("saint flour", "15187"),
        ("st-flour", "15187"),
        ("Saint-Flour", "15187"),
        ("saint etienne", "42218"),
        ("St Étienne", "42218"),
        ("52269", "52269"),
        ("52200", "52269"),
        ("2A004", "2A004"),
        ("2a004", "2A004"),
        ("20000", "2A004"),
        ("ajac", "2A004"),
        ("bastia", "2B033"),
        ("97411", "97411"),
        ("97400", "97411"),
    ],
)
def test_commune_search(communes, query, first):
    assert commune_search(query)[0].code == first


def test_commune_search_orders_exact_then_population(communes):
    # Two Saint-Denis: the exact name first, both before Saint-Dizier; the most populated first.
    results = [c.code for c in commune_search("saint denis")]
    assert results == ["97411", "93066"]
    assert [c.code for c in commune_search("saint di")] == ["52448"]
    assert commune_search("") == []
    assert commune_search("zzzz") == []


def test_epci_search(communes):
    assert epci_search("grand langres")[0].nom == "CC du Grand Langres"
    assert epci_search("communaute de communes langres")[0].nom == "CC du Grand Langres"
    assert epci_search("242010056")[0].nom == "CA du Pays Ajaccien"


def test_search_views_need_login(client, communes):
    for name in ("territoires:commune_search", "territoires:epci_search"):
        response = client.get(reverse(name), {"q": "langres"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("comptes:login"))


def test_commune_search_view_fragment(client, communes):
    client.force_login(UserFactory())
    response = client.get(reverse("territoires:commune_search"), {"q": "st flour"})
    soup = BeautifulSoup(response.content, "html.parser")
    buttons = soup.select("#commune-results [data-pick-value]")
    assert [b["data-pick-value"] for b in buttons] == ["15187"]
    assert buttons[0]["data-pick-label"] == "Saint-Flour (15187)"

    response = client.get(reverse("territoires:commune_search"), {"q": "introuvable"})
    assert "Aucune commune ne correspond à « introuvable »" in response.content.decode()
    response = client.get(reverse("territoires:commune_search"), {"q": "a"})
    assert BeautifulSoup(response.content, "html.parser").select("#commune-results li") == []


def test_epci_search_view_fragment(client, communes):
    client.force_login(UserFactory())
    response = client.get(reverse("territoires:epci_search"), {"q": "langres"})
    soup = BeautifulSoup(response.content, "html.parser")
    assert [b["data-pick-label"] for b in soup.select("#epci-results [data-pick-value]")] == ["CC du Grand Langres"]


def test_dossier_create_form_has_pickers(client, communes):
    client.force_login(UserFactory(anct=True))  # the State opens dossiers
    response = client.get(reverse("dossiers:create"))
    soup = BeautifulSoup(response.content, "html.parser")
    pickers = soup.select("#content [data-picker]")
    assert [(p["data-picker-target"], p["data-picker-multiple"]) for p in pickers] == [
        ("id_communes", "true"),
        ("id_epci", "false"),
    ]
    assert pickers[0].select_one("[data-picker-search]")["hx-get"] == reverse("territoires:commune_search")
    assert pickers[1].select_one("[data-picker-search]")["hx-get"] == reverse("territoires:epci_search")
    # Without JavaScript the codes are typed in the field itself.
    assert soup.select_one("#content input#id_communes[name=communes]") is not None


def test_factory_commune_codes_are_five_characters_and_unique():
    from pvd.territoires.tests.factories import commune_code

    codes = [commune_code(n) for n in range(4000)]
    assert {len(code) for code in codes} == {5}
    assert len(set(codes)) == 4000
    assert commune_code(1000) != commune_code(0)


@pytest.mark.parametrize("nom", ["Mont", "Ver", "Ger", "Nay", "Ur", "Llo", "Igny"])
def test_commune_search_finds_a_small_commune_by_its_exact_name(db, nom):
    from pvd.territoires.models import Commune
    from pvd.territoires.selectors import CANDIDATES
    from pvd.territoires.tests.factories import CommuneFactory, DepartementFactory, EpciFactory

    departement, epci = DepartementFactory(), EpciFactory()
    # More bigger communes whose name contains the query than the ranking's candidates.
    bigger = []
    for i in range(CANDIDATES + 20):
        name = f"{nom}ville {i}" if i % 2 else f"Saint-{nom}in {i}"
        code = f"Z{i:04d}"  # never a factory code (digits only), whatever the sequence has reached
        bigger.append(
            CommuneFactory.build(
                code=code, nom=name, departement=departement, epci=epci, population=10_000 + i, codes_postaux=[]
            )
        )
    Commune.objects.bulk_create(bigger)
    small = CommuneFactory(nom=nom, population=80, departement=departement, epci=epci)
    results = commune_search(nom)
    assert results[0] == small
    assert len(results) == 20
    assert commune_search(nom.upper())[0] == small


@pytest.mark.parametrize("name", ["territoires:commune_search", "territoires:epci_search"])
@pytest.mark.parametrize(
    "query",
    ["a" * 10_000, " ".join(["saint"] * 2_000), "langres " * 500, "( [ * + ? \\ " * 800],
    ids=["long-word", "many-words", "repeated", "regex-characters"],
)
def test_search_caps_long_queries(client, communes, name, query):
    """A query of 10 000 characters or thousands of words is cut to the limits, told in French;
    never a server error."""
    client.force_login(UserFactory())
    response = client.get(reverse(name), {"q": query})
    assert response.status_code == 200
    notice = BeautifulSoup(response.content, "html.parser").select_one("[data-search-notice]")
    assert notice is not None
    assert "Recherche limitée à 6 mots et 100 caractères" in notice.get_text()


def test_search_cut_keeps_the_first_words(client, communes):
    client.force_login(UserFactory())
    response = client.get(reverse("territoires:commune_search"), {"q": "langres " + "x" * 200})
    soup = BeautifulSoup(response.content, "html.parser")
    assert "langres" in soup.select_one("[data-search-notice]").get_text()
    response = client.get(reverse("territoires:commune_search"), {"q": "langres"})
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("[data-search-notice]") is None
    assert [li["data-code"] for li in soup.select("li[data-code]")] == ["52269"]
