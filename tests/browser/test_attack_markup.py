"""The attack suite's markup, drawn by JavaScript: with markup in every text field of the world
(`tests.attack.test_markup.markup_everywhere`), every page that draws maps, calendars or charts
opens, its map shapes and markers are hovered and clicked (tooltips, popups), and no script runs:
no dialog opens, no injected image exists in the page, and the names show as text."""

from django.urls import reverse

from tests.attack import world as attack_world
from tests.attack.test_markup import SCRIPT, markup_everywhere

from .helpers import force_login

# The pages drawn (in part) by JavaScript: maps, the plan's calendar, charts.
PAGES = [
    ("strategie:index", {}),
    ("strategie:projet", {}),
    ("strategie:secteur_create", {}),
    ("actions:plan", {}),
    ("actions:plan", {"vue": "calendrier"}),
    ("diagnostic:carte", {}),
    ("diagnostic:chiffres", {}),
    ("suivi:indicateurs", {}),
    ("pilotage:tableau_de_bord", {}),
    ("gouvernance:index", {}),
]


def test_markup_never_runs_in_the_javascript_drawn_parts(page, live_server, transactional_db):
    w = attack_world.build()
    assert markup_everywhere() > 50
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    force_login(page, live_server, w.users["chef_de_projet"])
    pages = [(reverse(name, kwargs={"dossier_pk": w.dossier.pk}), query) for name, query in PAGES]
    pages.append((reverse("suivi:indicateur", kwargs={"dossier_pk": w.dossier.pk, "pk": w.suivi_indicateur.pk}), {}))
    pages.append((reverse("strategie:public", kwargs={"dossier_pk": w.dossier.pk}), {}))
    shown = 0
    for path, query in pages:
        url = path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
        page.goto(url)
        page.wait_for_load_state("load")
        shapes = page.locator(".leaflet-interactive, .leaflet-marker-icon")
        for index in range(min(shapes.count(), 6)):
            shape = shapes.nth(index)
            if shape.is_visible():
                shape.hover(force=True)
                shape.click(force=True)
        shown += page.content().count("alert(1)")
        assert page.locator('img[src="x"]').count() == 0, url
        assert page.evaluate("document.querySelectorAll('script:not([src]):not([type])').length") == 0, url
    assert dialogs == [], dialogs
    assert shown > 0  # the markup is on the pages, as text
    assert SCRIPT not in page.content() or "&lt;script&gt;" in page.content()
