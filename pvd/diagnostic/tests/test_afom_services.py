"""The AFOM's writes: order kept per theme and category without holes, figures of the dossier only."""

import pytest
from django.core.exceptions import ValidationError

from pvd.comptes.tests.factories import UserFactory
from pvd.diagnostic import services
from pvd.diagnostic.models import AfomItem
from pvd.dossiers.tests.factories import DossierFactory

from .factories_afom import DonneeFactory

pytestmark = pytest.mark.django_db


def _texts(dossier, theme="habitat", categorie="faiblesse"):
    items = AfomItem.objects.filter(dossier=dossier, theme=theme, categorie=categorie).order_by("ordre")
    return [(item.texte, item.ordre) for item in items]


def _add(dossier, texte, theme="habitat", categorie="faiblesse", **extra):
    return services.afom_item_create(
        dossier=dossier, theme=theme, categorie=categorie, texte=texte, by=UserFactory(), **extra
    )


def test_items_go_last_of_their_theme_and_category(dossier):
    _add(dossier, "A")
    _add(dossier, "B")
    _add(dossier, "Autre catégorie", categorie="atout")
    _add(dossier, "Autre thème", theme="commerce")
    _add(DossierFactory(), "Autre dossier")
    _add(dossier, "C")
    assert _texts(dossier) == [("A", 1), ("B", 2), ("C", 3)]
    assert _texts(dossier, categorie="atout") == [("Autre catégorie", 1)]
    assert _texts(dossier, theme="commerce") == [("Autre thème", 1)]


def test_move_up_and_down_within_the_group_only(dossier):
    a, b, c = (_add(dossier, t) for t in "ABC")
    other = _add(dossier, "Atout", categorie="atout")
    services.afom_item_move(item=c, direction="up", by=None)
    assert _texts(dossier) == [("A", 1), ("C", 2), ("B", 3)]
    services.afom_item_move(item=a, direction="up", by=None)  # already first: nothing moves
    services.afom_item_move(item=b, direction="down", by=None)  # already last: nothing moves
    assert _texts(dossier) == [("A", 1), ("C", 2), ("B", 3)]
    services.afom_item_move(item=a, direction="down", by=None)
    assert _texts(dossier) == [("C", 1), ("A", 2), ("B", 3)]
    assert AfomItem.objects.get(pk=other.pk).ordre == 1
    with pytest.raises(ValidationError, match="Sens de déplacement inconnu"):
        services.afom_item_move(item=a, direction="left", by=None)


def test_delete_leaves_no_hole(dossier):
    _a, b, _c, _d = (_add(dossier, t) for t in "ABCD")
    services.afom_item_delete(item=b, by=None)
    assert _texts(dossier) == [("A", 1), ("C", 2), ("D", 3)]
    services.afom_item_move(item=AfomItem.objects.get(texte="D"), direction="up", by=None)
    assert _texts(dossier) == [("A", 1), ("D", 2), ("C", 3)]


def test_changing_category_moves_last_there_and_closes_the_old_group(dossier):
    _a, b, _c = (_add(dossier, t) for t in "ABC")
    _add(dossier, "X", categorie="menace")
    services.afom_item_update(item=b, theme="habitat", categorie="menace", texte="B devenu menace", by=None)
    assert _texts(dossier) == [("A", 1), ("C", 2)]
    assert _texts(dossier, categorie="menace") == [("X", 1), ("B devenu menace", 2)]


def test_figures_of_another_dossier_are_refused_and_nothing_is_saved(dossier):
    mine = DonneeFactory(dossier=dossier)
    theirs = DonneeFactory(dossier=DossierFactory())
    with pytest.raises(ValidationError) as error:
        _add(dossier, "Vacance élevée", donnees=[mine, theirs])
    assert "n'appartient pas au diagnostic de ce dossier" in str(error.value)
    assert not AfomItem.objects.exists()
    item = _add(dossier, "Vacance élevée", donnees=[mine])
    assert list(item.donnees.all()) == [mine]
    with pytest.raises(ValidationError):
        services.afom_item_update(
            item=item, theme="habitat", categorie="faiblesse", texte="Vacance", donnees=[theirs], by=None
        )
    item.refresh_from_db()
    assert (item.texte, list(item.donnees.all())) == ("Vacance élevée", [mine])


@pytest.mark.parametrize(
    ("theme", "categorie", "texte", "message"),
    [
        ("habitat", "faiblesse", "   ", "Ce champ ne peut pas être vide"),
        ("logement", "faiblesse", "Texte", "Choisissez un thème de l'AFOM"),
        ("habitat", "force", "Texte", "n’est pas un choix valide"),
    ],
)
def test_bad_items_are_refused_in_french(dossier, theme, categorie, texte, message):
    with pytest.raises(ValidationError, match=message):
        _add(dossier, texte, theme=theme, categorie=categorie)
    assert not AfomItem.objects.exists()


def test_population_is_offered_first():
    from pvd.diagnostic.selectors import afom_themes

    codes = [code for code, _label in afom_themes()]
    assert codes[0] == "population" and len(codes) == len(set(codes)) == 10
