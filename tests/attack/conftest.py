"""The shared world of the attack suite, built once per test module."""

import pytest
from django.db import connections, transaction

from tests.attack import world as world_module


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world (`tests.attack.world.build`), inside a transaction rolled back after the module;
    each test runs in its own savepoint within it (pytest-django's `db`)."""
    from django.test import override_settings

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    media.enable()
    with django_db_blocker.unblock():
        atomics = {alias: transaction.atomic(using=alias) for alias in connections}
        for atomic in atomics.values():
            atomic.__enter__()
        try:
            yield world_module.build()
        finally:
            for alias, atomic in atomics.items():
                transaction.set_rollback(True, using=alias)
                atomic.__exit__(None, None, None)
    media.disable()


@pytest.fixture
def w(world, db):
    """The world, in a test that may use the database (its changes are rolled back)."""
    return world
