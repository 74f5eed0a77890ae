"""`manage.py backup` and `restore`: the round trip of the demo dossier (every table, every file) on
the database of the run (SQLite, or PostgreSQL with DATABASE_URL), and each refusal with nothing changed."""

import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from pvd.core import backup
from pvd.dossiers import demo
from pvd.territoires.tests.factories import CommuneFactory, DepartementFactory, EpciFactory


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def seed_demo():
    epci = EpciFactory(siren="200072999", nom="CC du Grand Langres")
    CommuneFactory(code="52269", nom="Langres", epci=epci, departement=DepartementFactory(code="52"))
    return demo.seed_all()


def natural(model, pk):
    """Content types and permissions are compared by natural key: `migrate` may number them differently."""
    if pk is None:
        return None
    if model is ContentType:
        return ContentType.objects.get_for_id(pk).natural_key()
    return Permission.objects.get(pk=pk).natural_key()


def database_rows() -> dict[str, list[tuple]]:
    """Every row of every table (automatic many-to-many tables included), in primary key order."""
    ContentType.objects.clear_cache()
    rows = {}
    for model in backup._models():
        fields = model._meta.concrete_fields
        label = model._meta.label_lower
        if label in {"contenttypes.contenttype", "auth.permission"}:
            rows[label] = sorted(obj.natural_key() for obj in model._base_manager.all())
            continue
        mapped = [field.related_model if field.related_model in (ContentType, Permission) else None for field in fields]
        values = model._base_manager.order_by("pk").values_list(*(field.attname for field in fields))
        rows[label] = [
            tuple(natural(target, value) if target else value for target, value in zip(mapped, row, strict=True))
            for row in values
        ]
    return rows


def media_files(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()}


@pytest.mark.django_db(transaction=True)
def test_round_trip_keeps_every_row_and_every_file(media, tmp_path):
    seed_demo()
    rows, files = database_rows(), media_files(media)
    assert len(files) >= 3, "the demo uploads documents, pièces and conventions"
    assert sum(len(table) for table in rows.values()) > 300
    archive = tmp_path / "sauvegarde.tar.gz"

    call_command("backup", output=str(archive), stdout=io.StringIO())

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["rows"]["dossiers_dossier"] >= 1
    assert {entry["path"] for entry in manifest["files"]} >= {f"media/{name}" for name in files}
    assert manifest["migrations"]["dossiers"]

    call_command("flush", interactive=False)
    shutil.rmtree(media)
    assert database_rows()["dossiers.dossier"] == []

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)

    assert "Restauration terminée" in out.getvalue()
    restored = database_rows()
    assert restored.keys() == rows.keys()
    for label, table in rows.items():
        assert restored[label] == table, label
    assert media_files(media) == files


# --- refusals: nothing changes ------------------------------------------------------------------


@pytest.fixture
def small_archive(transactional_db, media, tmp_path):
    """An archive of a small instance (a dossier and one uploaded file), the instance left as it was.

    Committed data (transactional_db): pg_dump reads in its own session."""
    from pvd.documents.tests.factories import DocumentVersionFactory

    DocumentVersionFactory()
    archive = tmp_path / "petite.tar.gz"
    backup.backup_create(output=archive)
    return archive


def members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {info.name: tar.extractfile(info).read() for info in tar if info.isfile()}


def write(archive: Path, content: dict[str, bytes], *, resign=False) -> Path:
    if resign:
        content = {**content, "manifest.sha256": hashlib.sha256(content["manifest.json"]).hexdigest().encode()}
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in content.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return archive


def edit_manifest(content: dict[str, bytes], change) -> dict[str, bytes]:
    manifest = json.loads(content["manifest.json"])
    change(manifest)
    return {**content, "manifest.json": json.dumps(manifest).encode()}


def state(media: Path):
    return backup._row_counts(), media_files(media)


def refused(archive: Path, media: Path, message: str):
    before = state(media)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(archive))
    assert state(media) == before


def test_restore_refuses_an_instance_with_data(small_archive, media):
    refused(small_archive, media, "contient déjà des données")


def test_restore_refuses_files_left_in_media(small_archive, media):
    call_command("flush", interactive=False)
    refused(small_archive, media, "contient déjà 1 fichier")


def test_restore_refuses_a_truncated_archive(small_archive, media, tmp_path):
    data = small_archive.read_bytes()
    damaged = tmp_path / "tronquee.tar.gz"
    damaged.write_bytes(data[: len(data) // 2])
    refused(damaged, media, "Archive endommagée ou incomplète : le fichier ne se lit pas jusqu'au bout")


def test_restore_refuses_a_changed_file(small_archive, media, tmp_path):
    content = members(small_archive)
    name = next(name for name in content if name.startswith("media/"))
    damaged = write(tmp_path / "modifiee.tar.gz", {**content, name: content[name] + b"!"})
    refused(damaged, media, f"la somme de contrôle de « {name} » ne correspond pas")


def test_restore_refuses_a_missing_member(small_archive, media, tmp_path):
    content = members(small_archive)
    name = next(name for name in content if name.startswith("media/"))
    del content[name]
    refused(write(tmp_path / "incomplete.tar.gz", content), media, "absent\\(s\\) de l'archive")


def test_restore_refuses_a_changed_manifest(small_archive, media, tmp_path):
    content = edit_manifest(members(small_archive), lambda manifest: manifest["rows"].update(dossiers_dossier=99))
    refused(write(tmp_path / "manifeste.tar.gz", content), media, "la somme de contrôle du manifeste")


def test_restore_refuses_another_database_vendor(small_archive, media, tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    content = edit_manifest(members(small_archive), lambda manifest: manifest["database"].update(vendor=other))
    refused(write(tmp_path / "autre.tar.gz", content, resign=True), media, "restaurez-la sur une base du même type")


def test_restore_refuses_a_newer_migration_state(small_archive, media, tmp_path):
    content = edit_manifest(
        members(small_archive), lambda manifest: manifest["migrations"]["dossiers"].append("9999_future")
    )
    archive = write(tmp_path / "future.tar.gz", content, resign=True)
    refused(archive, media, "version plus récente.*dossiers.9999_future")


def test_backup_never_overwrites_a_file(small_archive):
    with pytest.raises(CommandError, match="existe déjà"):
        call_command("backup", output=str(small_archive))


def test_a_migrated_database_holds_only_what_migrate_creates(db):
    """The list of tables that migrate fills (ignored by the emptiness check) is complete."""
    assert backup._data_rows() == {}


def test_missing_pg_dump_is_said_clearly(monkeypatch):
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    with pytest.raises(backup.BackupError, match="« pg_dump » est introuvable.*postgresql-client"):
        backup._pg_tool("pg_dump")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL restores an older archive, then migrates it")
def test_sqlite_refuses_an_older_migration_state(small_archive, media, tmp_path):
    call_command("flush", interactive=False)
    shutil.rmtree(media)
    content = edit_manifest(members(small_archive), lambda manifest: manifest["migrations"]["dossiers"].pop())
    archive = write(tmp_path / "ancienne.tar.gz", content, resign=True)
    refused(archive, media, "version plus ancienne")
