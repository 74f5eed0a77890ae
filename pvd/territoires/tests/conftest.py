import copy
import gzip
import json
import os
from pathlib import Path

import pytest
from django.conf import settings

from pvd.territoires import services

# ../shared/ stands beside the repository (on developers' machines and in CI).
SHARED_DIR = Path(os.environ.get("PVD_SHARED_DIR", Path(settings.BASE_DIR).parent / "shared"))
SHARED_PVD_CSV = SHARED_DIR / "data" / "pvd" / "pvd_communes_2021-01-22.csv"


@pytest.fixture(scope="session")
def cog_data():
    return services.read_cog_extract()


@pytest.fixture
def write_extract(tmp_path, cog_data):
    """write_extract(codes, edit=None) → path of an extract with only these communes (and their EPCI)."""

    def write(codes, edit=None):
        codes = set(codes)
        data = dict(cog_data)
        data["communes"] = copy.deepcopy([row for row in cog_data["communes"] if row[0] in codes])
        sirens = {row[7] for row in data["communes"]}
        data["epci"] = copy.deepcopy([row for row in cog_data["epci"] if row[0] in sirens])
        if edit:
            edit(data)
        path = tmp_path / f"extrait-{len(list(tmp_path.iterdir()))}.json.gz"
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as handle:
            json.dump(data, handle)
        return path

    return write


@pytest.fixture
def load_communes(db, write_extract):
    """load_communes(*codes) → the real COG rows of these communes (with départements, régions, EPCI)."""

    def load(*codes):
        services.cog_import(path=write_extract(codes))

    return load
