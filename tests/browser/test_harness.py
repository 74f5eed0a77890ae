"""The checks of the harness fail when they should (a check that cannot fail checks nothing)."""

import pytest

from .helpers import assert_accessible, assert_keyboard_reaches, assert_no_horizontal_scroll

BROKEN = """<!DOCTYPE html><html><head><title> </title></head><body>
<h1>Un</h1><h1>Deux</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<input type="text" name="sans-etiquette">
<div style="width: 900px">large</div>
<button id="cache" tabindex="-1">Inatteignable</button>
</body></html>"""


def test_checks_catch_problems(page):
    page.set_content(BROKEN)
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    message = str(failure.value)
    for expected in (
        "image-alt [critical]",
        "label [critical]",
        "html-has-lang [serious]",
        "2 titres h1",
        "titre de page",
        "lien d'évitement",
        "champs sans étiquette",
    ):
        assert expected in message, message
    with pytest.raises(AssertionError, match="défile horizontalement"):
        assert_no_horizontal_scroll(page, width=320)
    with pytest.raises(AssertionError, match="#cache"):
        assert_keyboard_reaches(page, ["#cache"], max_tabs=10)
