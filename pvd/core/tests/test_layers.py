"""The apps form layers (README, « Couches »), checked by import-linter with the contracts of
pyproject.toml: on the project itself, and on a fake project that breaks them on purpose."""

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(  # noqa: S603 - our own virtualenv's command
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def test_the_apps_keep_their_layers():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def layer_apps() -> set[str]:
    apps = set()
    for contract in CONFIG["contracts"]:
        for layer in contract.get("layers", []):
            apps.update(name.strip() for name in layer.replace("|", ":").split(":"))
    return apps


def test_every_app_is_in_a_layer_and_new_ones_must_be():
    apps = {path.parent.name for path in (ROOT / "pvd").glob("*/__init__.py")}
    assert apps == layer_apps()
    assert any(contract.get("exhaustive") for contract in CONFIG["contracts"])


def toml_value(value) -> str:
    # JSON's strings, lists and booleans are TOML's too.
    return json.dumps(value)


@pytest.fixture
def fake_project(tmp_path):
    """The project's contracts on a package `pvd` of empty apps (and `config`) in tmp_path:
    each test adds the import it checks. The ignored imports of the real project (gouvernance's,
    removed by the decision registry) do not exist here, so they are not reported as unmatched."""
    lines = ["[tool.importlinter]", f"root_packages = {toml_value(CONFIG['root_packages'])}", ""]
    for contract in CONFIG["contracts"]:
        lines.append("[[tool.importlinter.contracts]]")
        lines.extend(f"{key} = {toml_value(value)}" for key, value in contract.items())
        lines.extend(['unmatched_ignore_imports_alerting = "none"', ""])
    (tmp_path / "pyproject.toml").write_text("\n".join(lines))
    for package in ["pvd", "config", "pvd/territoires/tests"]:
        (tmp_path / package).mkdir(parents=True)
        (tmp_path / package / "__init__.py").write_text("")
    for app in layer_apps():
        (tmp_path / "pvd" / app).mkdir(exist_ok=True)
        for module in ("__init__", "models", "perms", "services", "selectors", "views", "urls"):
            (tmp_path / "pvd" / app / f"{module}.py").write_text("")
    return tmp_path


def write(root: Path, path: str, source: str) -> None:
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(source)


def test_imports_down_the_layers_pass(fake_project):
    write(fake_project, "pvd/dossiers/models.py", "from pvd.territoires import models\nfrom pvd.core import forms\n")
    write(
        fake_project, "pvd/actions/views.py", "from pvd.strategie import models\nfrom pvd.gouvernance import services\n"
    )
    write(
        fake_project,
        "pvd/conventions/selectors.py",
        "from pvd.actions import models\nfrom pvd.suivi import selectors\n",
    )
    write(fake_project, "config/urls.py", "from pvd.participation import urls\n")
    # Tests are not layered: any app's factories.
    write(
        fake_project,
        "pvd/territoires/tests/test_x.py",
        "from pvd.conventions import models\nfrom pvd.actions import views\n",
    )
    result = lint_imports(fake_project)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("path", "source", "message"),
    [
        # Inside a function too: that is how the cycles hid.
        (
            "pvd/territoires/services.py",
            "def curate():\n    from pvd.dossiers.perms import national_access_for\n",
            "pvd.territoires is not allowed to import pvd.dossiers",
        ),
        (
            "pvd/comptes/views.py",
            "from pvd.dossiers import services\n",
            "pvd.comptes is not allowed to import pvd.dossiers",
        ),
        ("pvd/core/views.py", "import pvd.strategie.models\n", "pvd.core is not allowed to import pvd.strategie"),
        (
            "pvd/gouvernance/views.py",
            "from pvd.actions.models import FicheAction\n",
            "pvd.gouvernance is not allowed to import pvd.actions",
        ),
        (
            "pvd/strategie/selectors.py",
            "def unlinks():\n    from pvd.actions.models import FicheAction\n",
            "pvd.strategie is not allowed to import pvd.actions",
        ),
        (
            "pvd/suivi/models.py",
            "from pvd.strategie import models\n",
            "pvd.suivi is not allowed to import pvd.strategie",
        ),
        (
            "pvd/conventions/views.py",
            "from pvd.participation import models\n",
            "pvd.conventions is not allowed to import pvd.participation",
        ),
        ("pvd/dossiers/views.py", "from config import urls\n", "pvd.dossiers.views -> config"),
        # A new app must be given its layer.
        ("pvd/nouvelle/__init__.py", "", "pvd.nouvelle"),
    ],
)
def test_an_import_up_the_layers_fails(fake_project, path, source, message):
    write(fake_project, path, source)
    result = lint_imports(fake_project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert message in " ".join(result.stdout.split()), result.stdout
