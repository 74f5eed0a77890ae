"""Reusable steps and checks for the browser tests.

Every helper waits on conditions (Playwright's auto-waiting locators and `expect`), never on time.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from playwright.sync_api import Locator, Page, expect

from pvd.comptes.tests.factories import PASSWORD

DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 375, "height": 812}
NARROW = 320
ZOOM_200 = {"width": DESKTOP["width"] // 2, "height": DESKTOP["height"] // 2}  # 1280 px at 200 %

# Kept out of static/ so that production never serves it; injected from the file by the tests.
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
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


def watch_responses(page: Page, origin: str) -> list[str]:
    """The same-origin 4xx/5xx responses of the page, as they come (a missing static file, a failing
    fragment or script); the page's own document is left out below 500 (its status is the test's
    business: 403/404 pages, a form answered with 400), so is an HTMX form answered with 400/422."""
    broken: list[str] = []

    def check(response):
        if not response.url.startswith(origin) or response.status < 400:
            return
        kind = response.request.resource_type
        if kind == "document" and response.status < 500:
            return
        if kind in ("fetch", "xhr") and response.status in (400, 422):
            return
        broken.append(f"{response.status} {response.request.method} {response.url}")

    page.on("response", check)
    return broken


# Records every Content-Security-Policy violation of the page in window.__cspViolations (the
# init script runs before the page's own scripts, in every document of the context).
CSP_WATCH_JS = """
(() => {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    const sample = event.sample ? ` « ${event.sample.slice(0, 60)} »` : "";
    const where = `${event.sourceFile || event.documentURI}:${event.lineNumber}`;
    const blocked = event.blockedURI || "inline";
    window.__cspViolations.push(`${event.effectiveDirective} refuse ${blocked}${sample} (${where})`);
  });
})();
"""
# Console messages of the browser itself that are no error of the page: a response in error is
# for watch_responses (and a 403/404 page is the test's business).
IGNORED_CONSOLE_ERRORS = ("Failed to load resource",)


def watch_console_and_csp(page: Page) -> list[str]:
    """The page's console errors (Chromium writes there every Content-Security-Policy violation:
    « Refused to apply inline style… ») and the violations the init script CSP_WATCH_JS saw, as
    they come; fed until the page closes."""
    problems: list[str] = []

    def on_console(message):
        if message.type == "error" and not message.text.startswith(IGNORED_CONSOLE_ERRORS):
            problems.append(f"{page.url} : console : {message.text}")

    page.on("console", on_console)
    return problems


def csp_violations(page: Page) -> list[str]:
    """The violations recorded in the page's current document (empty for a closed page or a
    document without the watcher, such as a PDF)."""
    try:
        return page.evaluate("() => window.__cspViolations || []")
    except Exception:  # noqa: BLE001 - a closed page or a download has no window to read
        return []


def login_with_keyboard(page: Page, live_server, user, password: str = PASSWORD) -> None:
    """Log in through the real login form with the keyboard alone."""
    page.goto(f"{live_server.url}/comptes/connexion/")
    kb_type(page, "#id_username", user.email)
    kb_type(page, "#id_password", password)
    page.keyboard.press("Enter")
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
        # Evaluated through the DevTools protocol, not added as an inline <script> (which the
        # Content-Security-Policy refuses, as it should).
        page.evaluate(AXE.read_text(encoding="utf-8"))
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
    title_problem = _title_problem(page.title())
    if title_problem:
        problems.append(title_problem)
    if page.locator(".fr-skiplinks a[href='#content']").count() != 1:
        problems.append("pas de lien d'évitement vers #content")
    elif page.locator("#content").count() != 1:
        problems.append("le lien d'évitement vise #content, absent de la page")
    unlabelled = page.evaluate(_UNLABELLED_FIELDS_JS)
    if unlabelled:
        problems.append("champs sans étiquette : " + " | ".join(unlabelled))
    assert not problems, f"Accessibilité de {where} :\n" + "\n".join(problems)


def _title_problem(title: str) -> str:
    """RGAA 8.6: the <title> names the page (« <page> — <site> »), not only the site."""
    site = settings.PVD_BRANDING["site_title"]
    title = " ".join(title.split())
    if not title:
        return "titre de page (<title>) vide"
    specific = title.removesuffix(f" — {site}").strip() if title.endswith(f" — {site}") else ""
    if not specific or specific == site:
        return f"titre de page (<title>) sans partie propre à la page : « {title} »"
    return ""


_FOCUSABLE_IN_MAIN_JS = """
(scope) => {
  const root = document.querySelector(scope);
  if (!root) return [];
  const selector = "a[href], button, input, select, textarea, summary, iframe, [tabindex], [contenteditable=true]";
  const visible = (el) => {
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") return false;
    return el.getClientRects().length > 0;
  };
  const controls = [...root.querySelectorAll(selector)].filter((el) =>
    !el.disabled && el.getAttribute("tabindex") !== "-1" && el.type !== "hidden"
    && !el.closest("[inert], [aria-hidden=true]") && visible(el)
    && !(el.tagName === "SUMMARY" && el.parentElement.tagName !== "DETAILS")
    // Inside a closed <details> only its summary is in the tab order (Chromium still gives rects).
    && !(el.tagName !== "SUMMARY" && el.closest("details:not([open])")));
  // One radio of a group is in the tab order (the checked one, else the first): the group counts once.
  const seenGroups = new Set();
  const keep = [];
  for (const el of controls) {
    if (el.type === "radio" && el.name) {
      const group = (el.form ? el.form.id || "" : "") + "|" + el.name;
      if (seenGroups.has(group)) continue;
      seenGroups.add(group);
      el.dataset.kbdGroup = el.name;
    }
    keep.push(el);
  }
  keep.forEach((el, i) => { el.dataset.kbd = String(i); });
  window.__kbd = {reached: new Set(), invisible: []};
  const focusShown = (el) => {
    const shown = (style) => (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
      || (style.boxShadow && style.boxShadow !== "none");
    if (shown(getComputedStyle(el))) return true;
    // DSFR draws the focus of a checkbox, radio or toggle on its label (the input itself is transparent).
    return [...(el.labels || [])].some((label) =>
      shown(getComputedStyle(label)) || shown(getComputedStyle(label, "::before"))
      || shown(getComputedStyle(label, "::after")));
  };
  if (window.__kbdListener) document.removeEventListener("focusin", window.__kbdListener);
  window.__kbdListener = (event) => {
    let el = event.target;
    if (el.type === "radio" && el.name) {
      el = root.querySelector(`[data-kbd-group="${CSS.escape(el.name)}"]`) || el;
    }
    if (el.dataset && el.dataset.kbd !== undefined) {
      window.__kbd.reached.add(el.dataset.kbd);
      if (!focusShown(event.target)) window.__kbd.invisible.push(event.target.outerHTML.slice(0, 120));
    }
  };
  document.addEventListener("focusin", window.__kbdListener);
  return keep.map((el) => el.outerHTML.slice(0, 120));
}
"""


def assert_keyboard_reaches_all(page: Page, scope: str = "main", batch: int = 10) -> int:
    """Tab from the top through the page: every visible control inside `scope` is reached, with a
    visible focus (RGAA 12.8 and 10.7). Returns how many controls were reached."""
    controls = page.evaluate(_FOCUSABLE_IN_MAIN_JS, scope)
    total_focusable = page.evaluate(
        "() => document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]').length"
    )
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    presses = 0
    while presses < total_focusable + 5:
        for _ in range(batch):
            page.keyboard.press("Tab")
        presses += batch
        if page.evaluate("(n) => window.__kbd.reached.size >= n", len(controls)):
            break
    reached, invisible = page.evaluate("() => [[...window.__kbd.reached], window.__kbd.invisible]")
    # Leave no focus behind: a link left focused above main when the viewport then narrows to 320 px made
    # DSFR's script overflow its call stack (seen on pages with few controls in main).
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    missed = [html for index, html in enumerate(controls) if str(index) not in set(reached)]
    assert not missed, f"Contrôles jamais atteints au clavier sur {page.url} ({presses} tabulations) : {missed}"
    assert not invisible, f"Focus invisible sur {page.url} : {invisible}"
    return len(controls)


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


def _is_focused(page: Page, target: str | Locator) -> bool:
    if isinstance(target, str):
        return page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", target)
    return target.evaluate("(el) => el === document.activeElement")


def tab_to(page: Page, target: str | Locator, max_tabs: int = 120) -> None:
    """Move the focus with Tab (forward) until `target` (a selector or a locator) has it."""
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        if _is_focused(page, target):
            return
    raise AssertionError(f"{target} jamais atteint au clavier en {max_tabs} tabulations sur {page.url}")


def kb_type(page: Page, target: str | Locator, text: str) -> None:
    """Tab to a field and type into it, as with the keyboard alone."""
    tab_to(page, target)
    page.keyboard.type(text)


def kb_choose(page: Page, target: str | Locator, label: str, max_options: int = 60) -> None:
    """Tab to a closed <select> and move through its options with the arrow keys until `label` is chosen."""
    tab_to(page, target)
    page.keyboard.press("Home")
    current = "(el) => el.selectedOptions.length ? el.selectedOptions[0].text.trim() : ''"
    for _ in range(max_options):
        if page.evaluate(f"() => ({current})(document.activeElement)") == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"Option « {label} » introuvable au clavier dans {target} sur {page.url}")


def kb_press(page: Page, target: str | Locator, key: str = "Enter") -> None:
    """Tab to a button or a link and activate it (Enter; Space for a checkbox)."""
    tab_to(page, target)
    page.keyboard.press(key)


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
