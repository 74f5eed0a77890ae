import csv
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from pvd.territoires import services
from pvd.territoires.models import Commune

from .conftest import SHARED_PVD_CSV


@pytest.fixture
def pvd_codes():
    with SHARED_PVD_CSV.open(encoding="utf-8") as handle:
        return {row["insee_com"]: row["id_pvd"] for row in csv.DictReader(handle)}


@pytest.fixture
def communes_of_list(load_communes, pvd_codes):
    """The communes of the ANCT list, less two, plus one that is not in it."""
    missing = {"52269", "78003"}
    load_communes(*(set(pvd_codes) - missing), "2A004")
    return missing


def test_import_pvd_shared_file(communes_of_list, pvd_codes):
    out = StringIO()
    call_command("import_pvd", str(SHARED_PVD_CSV), stdout=out)
    output = out.getvalue()
    assert "Lignes lues : 1606" in output
    assert "Communes marquées PVD : 1604" in output
    assert "Codes inconnus (2) : 52269, 78003" in output
    assert Commune.objects.filter(pvd=True).count() == 1604
    assert not Commune.objects.get(code="2A004").pvd
    with_id = Commune.objects.exclude(pvd_id="")
    assert with_id.count() == sum(1 for code, pvd_id in pvd_codes.items() if pvd_id and code not in communes_of_list)
    assert Commune.objects.get(code="71190").pvd  # Épinac
    flagged = Commune.objects.filter(code="78003").first()
    assert flagged is None

    # Idempotent.
    call_command("import_pvd", str(SHARED_PVD_CSV), stdout=StringIO())
    assert Commune.objects.filter(pvd=True).count() == 1604


def test_import_pvd_replace_unflags_communes_not_listed(load_communes, tmp_path):
    load_communes("52269", "2A004", "97411")
    Commune.objects.filter(code="97411").update(pvd=True, pvd_id="ancien")
    path = tmp_path / "liste.csv"
    # Semicolons, a 4-digit code (leading zero lost) and a Corsican code.
    path.write_text("id_pvd;insee_com;lib_com\npvd-44-52-15;52269;Langres\n;2a004;Ajaccio\n", encoding="utf-8")
    services.pvd_import(content=path.read_bytes())
    assert set(Commune.objects.filter(pvd=True).values_list("code", flat=True)) == {"52269", "2A004", "97411"}
    out = StringIO()
    call_command("import_pvd", str(path), "--remplacer", stdout=out)
    assert "Communes qui ne sont plus PVD : 1" in out.getvalue()
    assert dict(Commune.objects.filter(pvd=True).values_list("code", "pvd_id")) == {
        "52269": "pvd-44-52-15",
        "2A004": "",
    }


BROKEN_FILES = {
    "colonnes.csv": (b"code,nom\n52269,Langres\n", "Colonnes manquantes : insee_com, id_pvd"),
    "latin1.csv": ("id_pvd,insee_com,lib_com\n,52269,Évreux\n".encode("latin-1"), "n'est pas encodé en UTF-8"),
    "vide.csv": (b"", "Le fichier est vide"),
    "entete.csv": (b"id_pvd,insee_com,lib_com\n", "ne contient aucune commune"),
    "image.png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "n'est pas un fichier CSV"),
    "texte.csv": (b"Bonjour,\nceci n'est pas la liste\n", "Colonnes manquantes"),
    "entete-geant.csv": (b"id_pvd,insee_com," + b"x" * 200_000 + b"\n", "Le fichier CSV est mal formé"),
    "id-trop-long.csv": (
        b"id_pvd,insee_com\npvd-44-52-15,52269\npvd-un-identifiant-bien-trop-long,2A004\n",
        "Commune 2A004 : l'identifiant PVD « pvd-un-identifiant-bien-trop-long » dépasse 20 caractères",
    ),
}


@pytest.mark.parametrize("name", BROKEN_FILES)
def test_import_pvd_malformed_file_changes_nothing(load_communes, tmp_path, name):
    load_communes("52269", "2A004")
    # Flags set beforehand: --remplacer with a broken file must neither remove nor change them.
    Commune.objects.filter(code="52269").update(pvd=True, pvd_id="ancien-id")
    content, message = BROKEN_FILES[name]
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match=re.escape(message)) as error:
        call_command("import_pvd", str(path), "--remplacer", stdout=StringIO())
    assert "Aucune modification" in str(error.value)
    assert dict(Commune.objects.filter(pvd=True).values_list("code", "pvd_id")) == {"52269": "ancien-id"}


def test_import_pvd_missing_file_and_empty_database(db, tmp_path):
    with pytest.raises(CommandError, match="import_cog"):
        call_command("import_pvd", str(SHARED_PVD_CSV), stdout=StringIO())


def test_import_pvd_missing_file(load_communes, tmp_path):
    load_communes("52269")
    with pytest.raises(CommandError, match="Impossible de lire le fichier"):
        call_command("import_pvd", str(tmp_path / "absent.csv"), stdout=StringIO())
