"""`make quality` is not run by `make test`: the suite itself catches a forgotten migration."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_migration_is_missing(capsys):
    try:
        call_command("makemigrations", check=True, dry_run=True, verbosity=1)
    except SystemExit:
        changes = capsys.readouterr().out
        pytest.fail(f"Migrations manquantes : lancez `python manage.py makemigrations`.\n{changes}")
