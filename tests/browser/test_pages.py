"""Every main page: axe-core and RGAA basics, screenshots, 320 px and 200 % zoom without sideways scroll."""

import pytest
from playwright.sync_api import expect

from .helpers import ZOOM_200, assert_accessible, assert_no_horizontal_scroll, force_login, screenshot
from .pages import MAIN_PAGES, make_world


@pytest.mark.parametrize("main_page", MAIN_PAGES, ids=[p.name for p in MAIN_PAGES])
def test_main_page(main_page, page, live_server, transactional_db):
    world = make_world()
    if main_page.user:
        force_login(page, live_server, getattr(world, main_page.user))
    response = page.goto(live_server.url + main_page.url(world))
    assert response.status == main_page.status, f"{page.url} : {response.status}"
    if main_page.h1:
        expect(page.locator("h1")).to_contain_text(main_page.h1)

    assert_accessible(page)
    screenshot(page, main_page.name)
    assert_no_horizontal_scroll(page, width=320)
    assert_no_horizontal_scroll(page, **ZOOM_200)
