"""Backups: one archive holds the database, the uploaded files and a manifest with their checksums.

`backup_create` writes a .tar.gz:

    manifest.json          date, versions, database vendor, migrations applied, row counts,
                           size and SHA-256 of every other member
    manifest.sha256        the SHA-256 of manifest.json (a damaged manifest is caught too)
    database/data.json     SQLite: every table through Django's serialisers (natural keys for the
                           content types and permissions that `migrate` recreates), read in one
                           transaction
    database/pvd.dump      PostgreSQL: `pg_dump --format=custom`, on the snapshot in which the
                           row counts were read
    media/…                every file under MEDIA_ROOT

`backup_restore` brings an archive back on an empty instance (migrated, no data row beyond what
`migrate` creates, no file under MEDIA_ROOT). Everything is checked before anything is written:
a damaged archive (unreadable, truncated, a member missing or added, a wrong checksum), another
database vendor, a migration state this instance does not have, a non-empty instance: each is
refused with a French message and nothing changes. The database is then loaded in one
transaction whose row counts are checked against the manifest; a failure removes the files
already put back.
"""

import contextlib
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import tomllib
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
SQLITE_MEMBER = "database/data.json"
SERIALISATION_FORMAT = "pvdjson"  # Django's JSON, times to the microsecond (pvd/core/backup_json.py)
POSTGRES_MEMBER = "database/pvd.dump"
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024

# Rows that `migrate` itself writes on an empty database (post_migrate signals and data
# migrations): they do not make an instance "non-empty" and the archive's rows replace them.
# pvd/core/tests/test_backup.py checks that a freshly migrated database has no other row.
CREATED_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission", "suivi.indicateurmodele"}
# Recreated identically by `migrate` (referenced by natural key in the SQLite dump).
NOT_SERIALISED = {"contenttypes.contenttype", "auth.permission"}
# Sessions are not data: an instance with open sessions is still empty (they are replaced).
IGNORED_WHEN_CHECKING_EMPTY = CREATED_BY_MIGRATE | {"sessions.session"}


class BackupError(Exception):
    """A backup or a restore refused, with a message for the person who ran it."""


@dataclass
class RestoreResult:
    tables: int
    rows: int
    files: int
    migrated: bool


# --- what the instance holds -------------------------------------------------------------------


def _app_version() -> str:
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as file:
            return tomllib.load(file)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "inconnue"


def _models():
    """Every concrete table of the project, the automatic many-to-many tables included."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]


def _row_counts() -> dict[str, int]:
    existing = set(connection.introspection.table_names())
    return {
        model._meta.db_table: model._base_manager.using(connection.alias).count()
        for model in _models()
        if model._meta.db_table in existing
    }


def _applied_migrations() -> dict[str, list[str]]:
    recorder = MigrationRecorder(connection)
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(recorder.applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _media_files() -> list[Path]:
    root = _media_root()
    if not root.exists():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def _data_rows() -> dict[str, int]:
    """Tables holding rows that `migrate` did not write: an instance with any is not empty."""
    labels = {model._meta.db_table: model._meta.label_lower for model in _models()}
    return {
        table: count
        for table, count in _row_counts().items()
        if count and labels[table] not in IGNORED_WHEN_CHECKING_EMPTY
    }


# --- backup ------------------------------------------------------------------------------------


class _HashingReader(io.RawIOBase):
    """Hashes what tarfile reads from a file, so the sum describes exactly the bytes archived."""

    def __init__(self, file):
        self.file = file
        self.sha256 = hashlib.sha256()

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.file.read(len(buffer))
        self.sha256.update(data)
        buffer[: len(data)] = data
        return len(data)


def _add_file(archive: tarfile.TarFile, source: Path, name: str) -> dict:
    info = tarfile.TarInfo(name)
    info.size = source.stat().st_size
    info.mtime = int(source.stat().st_mtime)
    info.mode = 0o644
    with source.open("rb") as file:
        reader = _HashingReader(file)
        archive.addfile(info, io.BufferedReader(reader, CHUNK))
    return {"path": name, "size": info.size, "sha256": reader.sha256.hexdigest()}


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o644
    archive.addfile(info, io.BytesIO(data))


def _pg_environment() -> dict[str, str]:
    """The connection of Django's default database, for pg_dump, pg_restore and psql."""
    database = connection.settings_dict
    env = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if database.get(key):
            env[variable] = str(database[key])
    env["PGDATABASE"] = database["NAME"]
    options = database.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = options["sslmode"]
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"La commande « {name} » est introuvable : installez les outils clients de PostgreSQL "
            "(paquet Debian « postgresql-client », de la même version majeure que le serveur ou plus récente)."
        )
    return path


def _run(command: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, env=_pg_environment(), capture_output=True, check=False, **kwargs)  # noqa: S603
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip()
        raise BackupError(f"{what} a échoué : {detail}")
    return result


def _dump_database(workdir: Path) -> tuple[Path, str, dict, dict]:
    """The dump, its member name, the row counts and the migrations, read in one snapshot."""
    if connection.vendor == "postgresql":
        pg_dump = _pg_tool("pg_dump")
        target = workdir / "pvd.dump"
        if connection.in_atomic_block:
            # pg_dump reads in its own session: it would not see what this transaction has written.
            raise BackupError("La sauvegarde ne peut pas être lancée à l'intérieur d'une transaction.")
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            counts, migrations = _row_counts(), _applied_migrations()
            command = [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}"]
            _run([*command, f"--file={target}"], "La copie de la base par pg_dump")
        return target, POSTGRES_MEMBER, counts, migrations
    if connection.vendor != "sqlite":
        raise BackupError(f"Base « {connection.vendor} » non prise en charge : SQLite ou PostgreSQL seulement.")
    target = workdir / f"data.{SERIALISATION_FORMAT}"
    serializers.register_serializer(SERIALISATION_FORMAT, "pvd.core.backup_json")
    with transaction.atomic():
        counts, migrations = _row_counts(), _applied_migrations()
        call_command(
            "dumpdata",
            exclude=sorted(NOT_SERIALISED),
            natural_foreign=True,
            use_base_manager=True,
            format=SERIALISATION_FORMAT,
            output=str(target),
            verbosity=0,
        )
    return target, SQLITE_MEMBER, counts, migrations


def backup_create(*, output: Path) -> dict:
    """Write the archive at `output` (never over an existing file) and return its manifest."""
    output = Path(output)
    if output.exists():
        raise BackupError(f"Le fichier {output} existe déjà : choisissez un autre nom.")
    if not output.parent.is_dir():
        raise BackupError(f"Le dossier {output.parent} n'existe pas.")
    with tempfile.TemporaryDirectory(prefix="pvd-sauvegarde-") as work:
        dump, member, counts, migrations = _dump_database(Path(work))
        partial = output.with_name(f".{output.name}.partiel")
        try:
            with tarfile.open(partial, "w:gz") as archive:
                files = [_add_file(archive, dump, member)]
                root = _media_root()
                for path in _media_files():
                    files.append(_add_file(archive, path, MEDIA_PREFIX + path.relative_to(root).as_posix()))
                manifest = {
                    "format": FORMAT,
                    "date": timezone.now().isoformat(),
                    "application": {"nom": "pvd", "version": _app_version()},
                    "django": django.get_version(),
                    "database": {"vendor": connection.vendor, "member": member},
                    "migrations": migrations,
                    "rows": counts,
                    "files": files,
                }
                data = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True).encode()
                _add_bytes(archive, MANIFEST, data)
                _add_bytes(archive, MANIFEST_SUM, hashlib.sha256(data).hexdigest().encode())
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


# --- restore -----------------------------------------------------------------------------------


def _damaged(reason: str) -> BackupError:
    return BackupError(f"Archive endommagée ou incomplète : {reason}. Rien n'a été modifié.")


def _safe_member_path(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise _damaged(f"le chemin « {name} » sort de l'archive")
    return path


def _extract(archive_path: Path, staging: Path) -> dict:
    """Read every member into `staging`, checking each against the manifest; return the manifest."""
    sums: dict[str, tuple[int, str]] = {}
    manifest_data = manifest_sum = None
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            for info in archive:
                path = _safe_member_path(info.name)
                if info.isdir():
                    continue
                if not info.isfile():
                    raise _damaged(f"« {info.name} » n'est pas un fichier ordinaire")
                source = archive.extractfile(info)
                if info.name in (MANIFEST, MANIFEST_SUM):
                    data = source.read()
                    if info.name == MANIFEST:
                        manifest_data = data
                    else:
                        manifest_sum = data.decode(errors="replace").strip()
                    continue
                if info.name in sums:
                    raise _damaged(f"« {info.name} » y figure deux fois")
                target = staging.joinpath(*path.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                size = 0
                with target.open("wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                sums[info.name] = (size, digest.hexdigest())
    except FileNotFoundError as error:
        raise BackupError(f"L'archive {archive_path} est introuvable.") from error
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise _damaged(f"le fichier ne se lit pas jusqu'au bout comme un .tar.gz ({error})") from error
    if manifest_data is None or manifest_sum is None:
        raise _damaged("le manifeste (manifest.json et manifest.sha256) manque")
    if hashlib.sha256(manifest_data).hexdigest() != manifest_sum:
        raise _damaged("la somme de contrôle du manifeste ne correspond pas")
    try:
        manifest = json.loads(manifest_data)
        listed = {entry["path"]: (entry["size"], entry["sha256"]) for entry in manifest["files"]}
        manifest["database"]["vendor"], manifest["migrations"], manifest["rows"]  # noqa: B018
    except (ValueError, KeyError, TypeError) as error:
        raise _damaged("le manifeste ne se lit pas") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Format d'archive {manifest.get('format')!r} inconnu de cette version de la plateforme.")
    if missing := sorted(set(listed) - set(sums)):
        raise _damaged(f"{len(missing)} fichier(s) du manifeste absent(s) de l'archive, dont « {missing[0]} »")
    if extra := sorted(set(sums) - set(listed)):
        raise _damaged(f"{len(extra)} fichier(s) hors du manifeste, dont « {extra[0]} »")
    for name, (size, digest) in listed.items():
        if sums[name] != (size, digest):
            raise _damaged(f"la somme de contrôle de « {name} » ne correspond pas")
    if manifest["database"].get("member") not in listed:
        raise _damaged("la copie de la base manque")
    return manifest


def _check_compatible(manifest: dict) -> bool:
    """Refuse another vendor or a newer migration state; True when the archive is older."""
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        raise BackupError(
            f"Cette archive vient d'une base {names.get(vendor, vendor)} et cette instance utilise "
            f"{names.get(connection.vendor, connection.vendor)} : restaurez-la sur une base du même type. "
            "Rien n'a été modifié."
        )
    archived = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    if unknown := sorted(archived - known):
        app, name = unknown[0]
        raise BackupError(
            f"Cette archive vient d'une version plus récente de la plateforme (version "
            f"{manifest.get('application', {}).get('version', '?')}) : {len(unknown)} migration(s) inconnue(s) ici, "
            f"dont {app}.{name}. Installez une version au moins aussi récente avant de restaurer. Rien n'a été modifié."
        )
    applied = {(app, name) for app, names in _applied_migrations().items() for name in names}
    if not_applied := sorted(archived - applied):
        app, name = not_applied[0]
        raise BackupError(
            f"L'archive suppose des migrations que cette instance n'a pas appliquées (dont {app}.{name}) : "
            "lancez « python manage.py migrate » avant de restaurer. Rien n'a été modifié."
        )
    older = applied - archived
    if older and connection.vendor != "postgresql":
        app, name = sorted(older)[0]
        raise BackupError(
            f"Cette archive vient d'une version plus ancienne de la plateforme (version "
            f"{manifest.get('application', {}).get('version', '?')}, sans la migration {app}.{name}) : sur SQLite, "
            "restaurez-la avec cette version-là puis mettez la plateforme à jour. Rien n'a été modifié."
        )
    return bool(older)


def _check_empty() -> None:
    if rows := _data_rows():
        tables = ", ".join(sorted(rows)[:5])
        raise BackupError(
            f"Cette instance contient déjà des données ({sum(rows.values())} ligne(s) dans {len(rows)} table(s), "
            f"dont {tables}) : la restauration se fait sur une instance vide (base migrée, sans données). "
            "Rien n'a été modifié."
        )
    if files := _media_files():
        raise BackupError(
            f"Le dossier des fichiers déposés ({_media_root()}) contient déjà {len(files)} fichier(s) : "
            "la restauration se fait sur une instance vide. Rien n'a été modifié."
        )


@contextlib.contextmanager
def _history_paused():
    """django-simple-history's own switch, read at each signal: off while the command loads."""
    previous = getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
    settings.SIMPLE_HISTORY_ENABLED = False
    try:
        yield
    finally:
        settings.SIMPLE_HISTORY_ENABLED = previous


def _load_sqlite(dump: Path, manifest: dict) -> None:
    fixture = dump.rename(dump.with_name(f"data.{SERIALISATION_FORMAT}"))  # loaddata reads the format in the name
    serializers.register_serializer(SERIALISATION_FORMAT, "pvd.core.backup_json")
    with transaction.atomic():
        # Rows written by `migrate` (and open sessions) give way to the archive's.
        for model in _models():
            if model._meta.label_lower in IGNORED_WHEN_CHECKING_EMPTY - NOT_SERIALISED:
                model._base_manager.all().delete()
        # The archive holds the audit trail as it was: loading must not add to it (the journal
        # writes a history row on every save and many-to-many change, raw or not).
        with _history_paused():
            call_command("loaddata", str(fixture), verbosity=0)
        _check_counts(manifest, skip=NOT_SERIALISED)


def _check_counts(manifest: dict, *, skip: set[str]) -> None:
    counts = _row_counts()
    labels = {model._meta.db_table: model._meta.label_lower for model in _models()}
    for table, expected in manifest["rows"].items():
        if labels.get(table) in skip:
            continue
        if counts.get(table) != expected:
            raise BackupError(
                f"Restauration annulée : la table {table} compte {counts.get(table)} ligne(s) au lieu de {expected}. "
                "Rien n'a été modifié."
            )


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _load_postgresql(dump: Path, manifest: dict, workdir: Path) -> None:
    """One psql transaction: drop the (empty) schema's tables, load the dump, check the counts."""
    pg_restore, psql = _pg_tool("pg_restore"), _pg_tool("psql")
    script = workdir / "restauration.sql"
    _run([pg_restore, "--no-owner", "--no-privileges", f"--file={script}", str(dump)], "La lecture de la copie")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S')"
        )
        relations = cursor.fetchall()
        cursor.execute("SELECT current_schema()")
        schema = _quote(cursor.fetchone()[0])  # the restored script empties the search_path
    kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
    before = workdir / "avant.sql"
    before.write_text(
        "\\set ON_ERROR_STOP on\nSET client_min_messages = warning;\n"
        # Tables first: the sequences they own and the views on them go with them.
        + "".join(
            f"DROP {kinds[kind]} IF EXISTS {schema}.{_quote(name)} CASCADE;\n"
            for name, kind in sorted(relations, key=lambda relation: relation[1] not in "rp")
        )
    )
    # Table names are limited to letters, digits and « _ », and quoted.
    checks = "".join(
        f"DO $$ BEGIN IF (SELECT count(*) FROM {schema}.{_quote(table)}) <> {int(expected)} THEN "  # noqa: S608
        f"RAISE EXCEPTION 'la table {table} ne compte pas {int(expected)} ligne(s)'; END IF; END $$;\n"
        for table, expected in manifest["rows"].items()
        if all(char.isalnum() or char == "_" for char in table)
    )
    after = workdir / "apres.sql"
    after.write_text(checks)
    connection.close()  # no session of this process holds a lock on the tables dropped
    command = [psql, "--no-psqlrc", "--quiet", "--single-transaction", "-v", "ON_ERROR_STOP=1"]
    _run([*command, "-f", str(before), "-f", str(script), "-f", str(after)], "Le chargement de la copie par psql")


def backup_restore(*, archive: Path, migrate=None) -> RestoreResult:
    """Restore `archive` on this empty instance. `migrate` runs the migrations an older archive lacks."""
    archive = Path(archive)
    root = _media_root()
    with tempfile.TemporaryDirectory(prefix="pvd-restauration-") as work:
        work = Path(work)
        staging = work / "archive"
        staging.mkdir()
        manifest = _extract(archive, staging)
        older = _check_compatible(manifest)
        _check_empty()
        placed: list[Path] = []
        try:
            media = staging / "media"
            if media.exists():
                for source in sorted(path for path in media.rglob("*") if path.is_file()):
                    target = root / source.relative_to(media)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.move(source, target)
                    placed.append(target)
            dump = staging.joinpath(*PurePosixPath(manifest["database"]["member"]).parts)
            if connection.vendor == "postgresql":
                _load_postgresql(dump, manifest, work)
            else:
                _load_sqlite(dump, manifest)
        except BaseException:
            for path in placed:
                with contextlib.suppress(OSError):
                    path.unlink()
            raise
    ContentType.objects.clear_cache()
    if older:
        (migrate or (lambda: call_command("migrate", interactive=False, verbosity=0)))()
    rows = sum(manifest["rows"].values())
    return RestoreResult(tables=len(manifest["rows"]), rows=rows, files=len(placed), migrated=older)
