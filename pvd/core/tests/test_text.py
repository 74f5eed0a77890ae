import pytest
from django.template import Context, Template

from pvd.core.text import plural, plural_word


@pytest.mark.parametrize(("n", "expected"), [(0, "0 fiche validée"), (1, "1 fiche validée"), (2, "2 fiches validées")])
def test_plural_helper(n, expected):
    assert plural(n, "fiche validée", "fiches validées") == expected


@pytest.mark.parametrize(("n", "expected"), [(0, "sommet"), (1, "sommet"), (12, "sommets")])
def test_plural_word(n, expected):
    assert plural_word(n, "sommet", "sommets") == expected


@pytest.mark.parametrize(("n", "expected"), [(0, "0 budget annuel"), (1, "1 budget annuel"), (2, "2 budgets annuels")])
def test_pluriel_filter(n, expected):
    template = Template('{% load pvd_text %}{{ n|pluriel:"budget annuel,budgets annuels" }}')
    assert template.render(Context({"n": n})) == expected
