"""The AFOM's pages: who may read and write, the figures shown next to each item, the order
changed with POST buttons, the smuggled figure refused, and query counts at two sizes."""

import pytest
from django.db import transaction
from django.urls import reverse

from conftest import ALL_VIEWERS
from pvd.diagnostic.models import AfomItem
from pvd.dossiers.tests.factories import DossierFactory
from tests.utils import assert_queries_do_not_grow, assert_refused, edit_fields, main

from .factories_afom import AfomItemFactory, DonneeFactory

pytestmark = pytest.mark.django_db

CAN_VIEW = {"chef_de_projet", "equipe", "elu", "partenaire", "lecteur", "prefecture", "anct"}
CAN_EDIT = {"chef_de_projet", "equipe"}


def _url(name, dossier, **kwargs):
    return reverse(f"diagnostic:{name}", kwargs={"dossier_pk": dossier.pk, **kwargs})


@pytest.fixture
def item(dossier):
    return AfomItemFactory(dossier=dossier, theme="commerce", categorie="atout", texte="Un marché couvert actif")


def _views(item):
    return [
        ("afom", {}, "get", "view"),
        ("index", {}, "get", "view"),
        ("afom_create", {}, "get", "edit"),
        ("afom_update", {"pk": item.pk}, "get", "edit"),
        ("afom_delete", {"pk": item.pk}, "get", "edit"),
        ("afom_create", {}, "post", "edit"),
        ("afom_update", {"pk": item.pk}, "post", "edit"),
        ("afom_move", {"pk": item.pk, "direction": "up"}, "post", "edit"),
        ("afom_delete", {"pk": item.pk}, "post", "edit"),
    ]


def test_permissions_per_viewer(client, make_viewer, dossier, item):
    """Every view for every kind of viewer, each request rolled back so that one's write does not change the next."""
    data = {"theme": "commerce", "categorie": "menace", "texte": "Concurrence de la zone commerciale"}
    for name, kwargs, method, perm in _views(item):
        url = _url(name, dossier, **kwargs)
        allowed = CAN_VIEW if perm == "view" else CAN_EDIT
        for kind in ALL_VIEWERS:
            with transaction.atomic():
                client.logout()
                user = make_viewer(dossier, kind)
                if user is not None:
                    client.force_login(user)
                posted = {**data, **edit_fields(client, url)} if method == "post" else None
                response = getattr(client, method)(url, posted)
                changed = AfomItem.objects.filter(texte=data["texte"]).exists() or not AfomItem.objects.exists()
                transaction.set_rollback(True)
            if kind in allowed:
                assert response.status_code == (200 if method == "get" else 302), (name, method, kind)
            else:
                assert_refused(response, kind)
                assert not changed, (name, kind)


def test_the_page_shows_each_theme_with_its_four_categories_and_the_linked_figures(client_for, dossier, item):
    vacance = DonneeFactory(dossier=dossier, libelle="Locaux commerciaux vacants", valeur="18", unite="%")
    item.donnees.add(vacance)
    AfomItemFactory(dossier=dossier, theme="population", categorie="faiblesse", texte="Une population qui vieillit")
    page = main(client_for(dossier, "lecteur").get(_url("afom", dossier)))
    headings = [h2.get_text(strip=True) for h2 in page.select("section[id^=afom-] h2")]
    assert headings == ["Population", "Commerce", "Thèmes sans constat"]  # population first, then the Theme order
    commerce = page.select_one("#afom-commerce")
    assert [h3.get_text(" ", strip=True) for h3 in commerce.select("h3")] == [
        "Atouts — Commerce",
        "Faiblesses — Commerce",
        "Opportunités — Commerce",
        "Menaces — Commerce",
    ]
    atout = commerce.select_one(f"#afom-item-{item.pk}")
    assert atout.select_one(".pvd-afom-item").get_text() == "Un marché couvert actif"
    figure = " ".join(atout.select_one(".pvd-afom-figures").get_text(" ", strip=True).split())
    assert figure == (
        "Locaux commerciaux vacants (Langres) : 18 % — INSEE, recensement de la population 2021, millésime 2021"
    )
    # A reader has no button.
    assert not page.select("form[action*='deplacer']") and not page.select("a[href*='modifier']")
    assert "Habitat" in page.select_one("#afom-sans-constat").get_text()


def test_editor_moves_items_with_post_buttons(client_for, dossier):
    a, b, c = (AfomItemFactory(dossier=dossier, texte=t, ordre=i) for i, t in enumerate("ABC", start=1))
    client = client_for(dossier, "equipe")
    page = main(client.get(_url("afom", dossier)))
    # The first has no « Monter », the last no « Descendre ».
    buttons = {
        li["id"]: [b.get_text(strip=True).split(" :")[0] for b in li.select("button")]
        for li in page.select(".pvd-afom-list > li")
    }
    assert buttons == {
        f"afom-item-{a.pk}": ["Descendre"],
        f"afom-item-{b.pk}": ["Monter", "Descendre"],
        f"afom-item-{c.pk}": ["Monter"],
    }
    response = client.post(_url("afom_move", dossier, pk=c.pk, direction="up"))
    assert response["Location"].endswith(f"#afom-item-{c.pk}")
    assert list(AfomItem.objects.order_by("ordre").values_list("texte", flat=True)) == ["A", "C", "B"]
    client.post(_url("afom_move", dossier, pk=a.pk, direction="sideways"))
    assert list(AfomItem.objects.order_by("ordre").values_list("texte", flat=True)) == ["A", "C", "B"]
    # A GET does not move anything.
    assert client.get(_url("afom_move", dossier, pk=a.pk, direction="down")).status_code == 405


def test_a_figure_of_another_dossier_smuggled_into_the_post_is_refused(client_for, dossier, item):
    mine = DonneeFactory(dossier=dossier)
    theirs = DonneeFactory(dossier=DossierFactory(), libelle="Chiffre d'ailleurs")
    client = client_for(dossier, "chef_de_projet")
    form_page = main(client.get(_url("afom_update", dossier, pk=item.pk)))
    offered = {int(box["value"]) for box in form_page.select("input[name=donnees]")}
    assert offered == {mine.pk}
    data = {"theme": "commerce", "categorie": "atout", "texte": "Modifié", "donnees": [mine.pk, theirs.pk]}
    update = _url("afom_update", dossier, pk=item.pk)
    response = client.post(update, {**data, **edit_fields(client, update)})
    assert response.status_code == 400
    assert "choix valide" in main(response).select_one("#id_donnees").get_text()
    item.refresh_from_db()
    assert item.texte == "Un marché couvert actif" and not item.donnees.exists()
    data["donnees"] = [mine.pk]
    client.post(update, {**data, **edit_fields(client, update)})
    assert list(item.donnees.all()) == [mine]


def test_create_from_a_category_button_is_prefilled_and_lands_on_the_item(client_for, dossier):
    client = client_for(dossier, "chef_de_projet")
    form_page = main(client.get(_url("afom_create", dossier) + "?theme=sante&categorie=menace"))
    assert form_page.select_one("#id_theme option[selected]")["value"] == "sante"
    assert form_page.select_one("input[name=categorie][checked]")["value"] == "menace"
    response = client.post(
        _url("afom_create", dossier),
        {"theme": "sante", "categorie": "menace", "texte": "Départ du dernier ophtalmologue"},
    )
    created = AfomItem.objects.get()
    assert response["Location"].endswith(f"#afom-item-{created.pk}")
    response = client.post(_url("afom_create", dossier), {"theme": "sante", "categorie": "menace", "texte": ""})
    assert response.status_code == 400 and AfomItem.objects.count() == 1


def test_delete_goes_through_a_confirmation_page(client_for, dossier, item):
    client = client_for(dossier, "chef_de_projet")
    confirm = main(client.get(_url("afom_delete", dossier, pk=item.pk)))
    assert "Un marché couvert actif" in confirm.select_one(".fr-alert").get_text()
    assert AfomItem.objects.exists()
    client.post(_url("afom_delete", dossier, pk=item.pk))
    assert not AfomItem.objects.exists()


def test_items_of_another_dossier_are_not_found(client_for, dossier):
    other = AfomItemFactory(dossier=DossierFactory())
    client = client_for(dossier, "chef_de_projet")
    for name in ("afom_update", "afom_delete"):
        assert client.get(_url(name, dossier, pk=other.pk)).status_code == 404
    assert client.post(_url("afom_move", dossier, pk=other.pk, direction="up")).status_code == 404


def test_index_sums_up_each_theme(client_for, dossier):
    for categorie in ("atout", "atout", "menace"):
        AfomItemFactory(dossier=dossier, theme="habitat", categorie=categorie)
    AfomItemFactory(dossier=dossier, theme="mobilite", categorie="opportunite")
    table = main(client_for(dossier, "prefecture").get(_url("index", dossier))).select_one("#afom-synthese table")
    rows = [[cell.get_text(strip=True) for cell in tr.select("th, td")] for tr in table.select("tbody tr")]
    assert rows == [["Habitat", "2", "0", "0", "1", "3"], ["Mobilité", "0", "0", "1", "0", "1"]]


def test_afom_page_queries_do_not_grow(client_for, dossier):
    client = client_for(dossier, "chef_de_projet")
    donnees = [DonneeFactory(dossier=dossier) for _ in range(2)]

    def grow(n):
        for i in range(n):
            item = AfomItemFactory(dossier=dossier, theme=["habitat", "commerce", "sante"][i % 3], categorie="atout")
            item.donnees.set(donnees[: i % 3])

    grow(2)

    def run():
        response = client.get(_url("afom", dossier))
        assert response.status_code == 200
        return response

    small, large = assert_queries_do_not_grow(run, grow=lambda: grow(12))
    assert len(main(large).select(".pvd-afom-list > li")) == 14


def test_index_queries_do_not_grow(client_for, dossier):
    client = client_for(dossier, "lecteur")
    assert_queries_do_not_grow(
        lambda: client.get(_url("index", dossier)),
        grow=lambda: [AfomItemFactory(dossier=dossier, theme=t) for t in ("habitat", "commerce", "sante", "autre")],
    )
