"""The Makefile targets and `.ci/run` on a machine that lacks something, with fake commands."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CLOSED_PORT_URL = "postgres://postgres@127.0.0.1:1/postgres"
PANGO_CACHE = (
    "\tlibpango-1.0.so.0 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libpango-1.0.so.0\n"
    "\tlibpangoft2-1.0.so.0 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libpangoft2-1.0.so.0\n"
)


def fake(directory: Path, name: str, script: str) -> Path:
    path = directory / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return path


# Under `make test` the suite inherits the outer make's command-line variables (REQUIRE_POSTGRES=1,
# PYTHON=… from .ci/run) through MAKEFLAGS; the make run here must see only what the test gives it.
MAKE_VARIABLES = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")


def clean_environ() -> dict:
    return {k: v for k, v in os.environ.items() if k not in MAKE_VARIABLES}


def run(args, *, path_dirs, env=None, cwd=ROOT):
    environ = {**clean_environ(), **(env or {})}
    environ["PATH"] = os.pathsep.join(str(d) for d in path_dirs)
    return subprocess.run(args, cwd=cwd, env=environ, capture_output=True, text=True, check=False)  # noqa: S603


def system_path():
    return os.environ["PATH"].split(os.pathsep)


# --- make test-postgres: skipped without PostgreSQL, unless REQUIRE_POSTGRES=1 ----------------


@pytest.fixture
def fake_bin(tmp_path):
    """A BIN with a pg_ready that really probes the URL and a pytest that only says it ran."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # A script, not a symlink: Python finds its virtualenv (psycopg) from the path it is run as.
    fake(bin_dir, "python", f'exec "{ROOT / ".venv" / "bin" / "python"}" "$@"\n')
    fake(bin_dir, "pytest", 'echo "PYTEST A TOURNÉ"\n')
    return bin_dir


@pytest.mark.parametrize(("require", "returncode", "line"), [
    ("", 0, "== PostgreSQL injoignable (postgres://postgres@127.0.0.1:1/postgres) : seconde passe ignorée."),
    ("1", 2, "PostgreSQL injoignable (postgres://postgres@127.0.0.1:1/postgres) alors que REQUIRE_POSTGRES=1 : échec."),
])  # fmt: skip
def test_test_postgres_without_a_server(fake_bin, require, returncode, line):
    result = run(
        ["make", "--no-print-directory", "test-postgres", f"BIN={fake_bin}", f"POSTGRES_URL={CLOSED_PORT_URL}"],
        path_dirs=system_path(),
        env={"REQUIRE_POSTGRES": require},
    )
    assert result.returncode == returncode, result.stdout + result.stderr
    assert line in result.stdout.splitlines()
    assert "PYTEST A TOURNÉ" not in result.stdout


# --- make pango: WeasyPrint's libraries ------------------------------------------------------


def pango_run(tmp_path, *, cache: str, uid: str):
    fakes = tmp_path / "fakes"
    fakes.mkdir()
    fake(fakes, "ldconfig", f"printf '%s' '{cache}'\n")
    fake(fakes, "id", f"echo {uid}\n")
    log = tmp_path / "apt.log"
    fake(fakes, "apt-get", f'echo "$*" >> {log}\n')
    result = run(["make", "--no-print-directory", "pango"], path_dirs=[fakes, *system_path()])
    return result, (log.read_text() if log.exists() else "")


def test_pango_present_installs_nothing(tmp_path):
    result, apt = pango_run(tmp_path, cache=PANGO_CACHE, uid="0")
    assert result.returncode == 0, result.stdout + result.stderr
    assert apt == ""


def test_pango_missing_as_root_is_installed(tmp_path):
    result, apt = pango_run(tmp_path, cache="\tlibc.so.6 (libc6,x86-64) => /lib/libc.so.6\n", uid="0")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "install -y -qq libpango-1.0-0 libpangoft2-1.0-0" in apt


def test_pango_half_missing_as_user_says_what_to_install(tmp_path):
    cache = PANGO_CACHE.splitlines()[0] + "\n"  # libpangoft2 missing
    result, apt = pango_run(tmp_path, cache=cache, uid="1000")
    assert result.returncode != 0
    assert "Bibliothèques Pango absentes" in result.stdout
    assert "libpango-1.0-0" in result.stdout and "libpangoft2-1.0-0" in result.stdout
    assert apt == ""


def test_run_and_test_need_pango():
    dry_run = {
        target: run(["make", "-n", "--no-print-directory", target], path_dirs=system_path()).stdout
        for target in ("demo", "test")
    }
    for target, commands in dry_run.items():
        assert "libpango-1.0.so.0" in commands, target


# --- .ci/run: make, Python 3.11, then quality before the suite --------------------------------


@pytest.fixture
def ci_path(tmp_path):
    """A PATH with only what .ci/run needs: real shell tools, fake ldconfig/id/python."""
    tools = tmp_path / "tools"
    tools.mkdir()
    for name in ("bash", "dirname", "timeout", "grep", "cat", "rm", "mktemp"):
        (tools / name).symlink_to(shutil.which(name))
    fake(tools, "ldconfig", f"printf '%s' '{PANGO_CACHE}'\n")
    fake(tools, "id", "echo 1000\n")  # never root: nothing is installed
    fake(tools, "python3", "exit 1\n")  # a python3 that is not 3.11
    fake(tools, "python3.11", "exit 0\n")
    return tools


def test_ci_without_make_says_so(ci_path):
    result = run([str(ci_path / "bash"), str(ROOT / ".ci" / "run")], path_dirs=[ci_path])
    assert result.returncode != 0
    missing = next(line for line in result.stdout.splitlines() if line.startswith("Paquets Debian manquants"))
    assert "make" in missing.split(":", 1)[1].split()
    assert "make est nécessaire" in result.stdout


def test_ci_runs_quality_then_the_suite_with_python_3_11(ci_path, tmp_path):
    log = tmp_path / "make.log"
    fake(ci_path, "make", f'echo "$*" >> {log}\n')
    result = run([str(ci_path / "bash"), str(ROOT / ".ci" / "run")], path_dirs=[ci_path])
    assert result.returncode == 0, result.stdout + result.stderr
    python = ci_path / "python3.11"
    assert log.read_text().splitlines() == [
        f"quality PYTHON={python}",
        f"check-production PYTHON={python}",
        f"test REQUIRE_POSTGRES=1 PYTHON={python}",
    ]
