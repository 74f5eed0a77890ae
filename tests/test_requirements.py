"""The production requirements alone must run the site: every module the product imports comes from them."""

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pinned(path: Path) -> set[str]:
    names = set()
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "-")):
            names.add(_normalise(re.split(r"[=<>\[ ;]", line, maxsplit=1)[0]))
    return names


def product_imports() -> dict[str, Path]:
    """Top-level third-party module → first product file importing it (tests and migrations aside)."""
    found: dict[str, Path] = {}
    files = [*(ROOT / "pvd").rglob("*.py"), *(ROOT / "config").rglob("*.py")]
    for path in files:
        relative = path.relative_to(ROOT)
        if "tests" in relative.parts or "migrations" in relative.parts or path.name in {"conftest.py"}:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in {"pvd", "config"}:
                    found.setdefault(top, relative)
    return found


def test_every_module_the_product_imports_is_a_production_requirement():
    base = _pinned(ROOT / "requirements" / "base.txt")
    distributions = packages_distributions()
    missing = []
    for module, path in sorted(product_imports().items()):
        dists = {_normalise(d) for d in distributions.get(module, [module])}
        if not dists & base:
            missing.append(f"{module} ({', '.join(sorted(dists))}), importé par {path}")
    assert not missing, "Absents de requirements/base.txt :\n" + "\n".join(missing)


def test_the_check_sees_icalendar_as_imported_by_the_product():
    # Guards the test above against walking nothing: the gouvernance ICS files need icalendar.
    imports = product_imports()
    assert imports["icalendar"] == Path("pvd/gouvernance/documents.py")
    assert "django" in imports
