"""The two-command setup: what `make test` and `.ci/run` rely on."""

import subprocess
from pathlib import Path

from .test_make_and_ci import clean_environ

ROOT = Path(__file__).resolve().parents[3]


def test_sqlite_pass_ignores_database_url(tmp_path):
    # A fake pytest reports the DATABASE_URL it receives: the SQLite pass must not see one.
    fake = tmp_path / "pytest"
    fake.write_text('#!/bin/sh\necho "DATABASE_URL=${DATABASE_URL:-aucune}"\n')
    fake.chmod(0o755)
    env = {**clean_environ(), "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres"}
    result = subprocess.run(  # noqa: S603
        ["make", "--no-print-directory", "test-sqlite", f"BIN={tmp_path}"],  # noqa: S607
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "DATABASE_URL=aucune" in result.stdout


def test_requirements_need_no_machine_specific_index():
    # A fresh machine has no /opt/pypi or /opt/wheels: the pinned files must not point there.
    for path in (ROOT / "requirements").iterdir():
        assert "/opt/" not in path.read_text(), path.name


def test_ci_script_is_valid_bash():
    subprocess.run(["bash", "-n", str(ROOT / ".ci" / "run")], check=True)  # noqa: S603, S607


def test_no_template_has_a_comment_django_would_print():
    """Django strips `{# … #}` on one line only: spread over several lines, the comment is shown to users."""
    printed = []
    for template in [*ROOT.glob("pvd/*/templates/**/*.html"), *ROOT.glob("templates/**/*.html")]:
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), start=1):
            if "{#" in line and "#}" not in line.split("{#", 1)[1]:
                printed.append(f"{template.relative_to(ROOT)}:{number}")
    assert printed == []
