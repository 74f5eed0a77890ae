"""Reusable steps and checks for the browser tests.

Every helper waits on conditions (Playwright's auto-waiting locators and `expect`), never on time.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from playwright.sync_api import Page, expect

from pvd.comptes.tests.factories import PASSWORD

DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 375, "height": 812}
NARROW = 320
ZOOM_200 = {"width": DESKTOP["width"] // 2, "height": DESKTOP["height"] // 2}  # 1280 px at 200 %

AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_FAILING_IMPACTS = {"serious", "critical"}
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
SCROLL_TOLERANCE = 2  # px: sub-pixel rounding, not a real horizontal scroll


def login(page: Page, live_server, user, password: str = PASSWORD) -> None:
    """Log in through the real login form and wait until the login page is left."""
    page.goto(f"{live_server.url}/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).not_to_have_url(re.compile(r"/comptes/connexion/"))


# --- Accessibility -----------------------------------------------------------------------------

_UNLABELLED_FIELDS_JS = """
() => {
  const skipped = new Set(["hidden", "submit", "button", "reset", "image"]);
  const text = (node) => (node ? (node.textContent || "").trim() : "");
  const describe = (el) => el.outerHTML.slice(0, 160);
  return [...document.querySelectorAll("input, select, textarea")]
    .filter((el) => !skipped.has((el.getAttribute("type") || "").toLowerCase()))
    .filter((el) => {
      if ([...(el.labels || [])].some((label) => text(label))) return false;
      if ((el.getAttribute("aria-label") || "").trim()) return false;
      const ids = (el.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
      if (ids.some((id) => text(document.getElementById(id)))) return false;
      if ((el.getAttribute("title") || "").trim()) return false;
      return true;
    })
    .map(describe);
}
"""


def axe_violations(page: Page, impacts=AXE_FAILING_IMPACTS) -> list[dict]:
    """Run axe-core (vendored) on the page; the violations of the given impacts."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async (tags) => {
             const options = {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]};
             const result = await axe.run(document, options);
             return result.violations.map((v) => ({
               id: v.id, impact: v.impact, help: v.help,
               targets: v.nodes.map((n) => n.target.join(" ")),
             }));
           }""",
        AXE_TAGS,
    )
    return [violation for violation in result if violation["impact"] in impacts]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = ", ".join(violation["targets"][:8])
        more = f" (+{len(violation['targets']) - 8})" if len(violation["targets"]) > 8 else ""
        lines.append(f"- {violation['id']} [{violation['impact']}] {violation['help']} → {targets}{more}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """axe-core (WCAG 2 A/AA, serious and critical), one h1, a title, a skip link, labelled fields."""
    where = page.url
    problems = []
    violations = axe_violations(page)
    if violations:
        problems.append("axe-core :\n" + format_violations(violations))
    h1_count = page.locator("h1").count()
    if h1_count != 1:
        problems.append(f"{h1_count} titres h1 au lieu d'un seul")
    if not page.title().strip():
        problems.append("titre de page (<title>) vide")
    if page.locator(".fr-skiplinks a[href='#content']").count() != 1:
        problems.append("pas de lien d'évitement vers #content")
    elif page.locator("#content").count() != 1:
        problems.append("le lien d'évitement vise #content, absent de la page")
    unlabelled = page.evaluate(_UNLABELLED_FIELDS_JS)
    if unlabelled:
        problems.append("champs sans étiquette : " + " | ".join(unlabelled))
    assert not problems, f"Accessibilité de {where} :\n" + "\n".join(problems)


def assert_keyboard_reaches(page: Page, selectors: list[str], max_tabs: int = 120) -> None:
    """Press Tab from the top of the page until each selector has been focused (bounded loop)."""
    remaining = list(selectors)
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    for _ in range(max_tabs):
        if not remaining:
            return
        page.keyboard.press("Tab")
        reached = page.evaluate(
            "(sels) => sels.filter((s) => document.activeElement && document.activeElement.matches(s))",
            remaining,
        )
        remaining = [selector for selector in remaining if selector not in reached]
    assert not remaining, f"Jamais atteints au clavier en {max_tabs} tabulations sur {page.url} : {remaining}"


def tab_to(page: Page, selector: str, max_tabs: int = 120) -> None:
    """Move the focus with Tab (forward) until the element matching selector has it."""
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} jamais atteint au clavier en {max_tabs} tabulations sur {page.url}")


# --- Layout ------------------------------------------------------------------------------------


def horizontal_overflow(page: Page) -> int:
    """How many CSS px the page is wider than its viewport (0 when nothing scrolls sideways)."""
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def assert_no_horizontal_scroll(page: Page, width: int = NARROW, height: int = 640) -> None:
    """At `width` CSS px the page fits without scrolling sideways (RGAA 10.11: 320 px, 200 % zoom)."""
    page.set_viewport_size({"width": width, "height": height})
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    if scroll_width > width + SCROLL_TOLERANCE:
        culprits = page.evaluate(
            """(width) => [...document.querySelectorAll("body *")]
                 .filter((el) => el.getBoundingClientRect().right > width + 2)
                 .filter((el) => !el.closest(".fr-table__content"))
                 .slice(0, 5)
                 .map((el) => [el.tagName.toLowerCase() + (el.id ? "#" + el.id : ""), ...el.classList].join("."))""",
            width,
        )
        raise AssertionError(
            f"{page.url} défile horizontalement à {width} px ({scroll_width} px de large) ; dépassent : {culprits}"
        )


def screenshot(page: Page, name: str) -> list[Path]:
    """Write <name>-desktop.png (1280 px) and <name>-mobile.png (375 px), full page, for review."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    paths = []
    for label, size in (("desktop", DESKTOP), ("mobile", MOBILE)):
        page.set_viewport_size(size)
        path = SCREENSHOTS / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True, animations="disabled")
        paths.append(path)
    if original:
        page.set_viewport_size(original)
    return paths


def force_login(page: Page, live_server, user) -> None:
    """Open a session for `user` without the login form (for page checks; journeys use `login`)."""
    from django.conf import settings as django_settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
