"""Every main page: axe-core and RGAA basics, screenshots, 320 px and 200 % zoom without sideways scroll."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .helpers import (
    MOBILE,
    ZOOM_200,
    assert_accessible,
    assert_keyboard_reaches_all,
    assert_no_horizontal_scroll,
    force_login,
    screenshot,
)
from .pages import MAIN_PAGES, make_world


@pytest.mark.parametrize("main_page", MAIN_PAGES, ids=[p.name for p in MAIN_PAGES])
def test_main_page(main_page, page, live_server, transactional_db):
    world = make_world()
    if main_page.user:
        force_login(page, live_server, getattr(world, main_page.user))
    url = main_page.url(world)
    response = page.goto(live_server.url + url)
    # Before any check, so that a failing page is captured too.
    screenshot(page, main_page.name)

    # page.goto follows redirects: a page that sends to the login form must not pass for itself.
    expected_path = (main_page.final_path or main_page.url)(world)
    assert urlsplit(page.url).path == urlsplit(expected_path).path, f"{url} a mené à {page.url}"
    assert response.status == main_page.status, f"{page.url} : {response.status}"
    assert main_page.h1, f"{main_page.name} : indiquer le h1 attendu"
    expect(page.locator("h1")).to_contain_text(main_page.h1)
    if main_page.shows:
        expect(page.locator(main_page.shows).first).to_be_visible()

    assert_accessible(page)
    assert_keyboard_reaches_all(page)
    assert_no_horizontal_scroll(page, width=320)
    assert_no_horizontal_scroll(page, **ZOOM_200)
    # axe-core on a phone too (375 px): a table wider than the screen scrolls in a region that the
    # keyboard reaches (tabindex="0", role="region", a name).
    page.set_viewport_size(MOBILE)
    assert_accessible(page)
