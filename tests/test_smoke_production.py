"""scripts/smoke_production.py lists every URL pattern of config.urls (check-production serves them all)."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_smoke():
    spec = importlib.util.spec_from_file_location("smoke_production", ROOT / "scripts" / "smoke_production.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_smoke_lists_every_url_pattern():
    smoke = load_smoke()
    missing, stale = smoke.uncovered(dict(smoke.url_patterns()))
    assert missing == [], f"À ajouter à PAGES dans scripts/smoke_production.py : {missing}"
    assert stale == [], f"Entrées de PAGES sans adresse : {stale}"


def test_a_new_pattern_is_reported_by_name():
    smoke = load_smoke()
    names = dict.fromkeys(smoke.PAGES) | {"documents:nouvelle_page": None}
    assert smoke.uncovered(names) == (["documents:nouvelle_page"], [])


def test_every_page_names_ids_the_demo_provides_and_a_known_user():
    smoke = load_smoke()
    for name, page in smoke.PAGES.items():
        assert page.user in (None, *smoke.USERS), name
        assert page.user is not None or page.anonymous != "login", name
