#!/usr/bin/env python3
"""Rebuild pvd/territoires/data/cog2026.json.gz from the npm package @etalab/decoupage-administratif.

Usage: python scripts/build_cog_extract.py [--tarball PATH]

Runs `npm pack @etalab/decoupage-administratif@6.0.0` in a temporary directory (or reads a
tarball already downloaded), keeps only what the platform uses and writes a compact, stable
(sorted, no timestamp) gzip'd JSON file. Only the maintainers need Node/npm; users of the
project load the committed extract with `python manage.py import_cog`.
"""

import argparse
import gzip
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "@etalab/decoupage-administratif"
VERSION = "6.0.0"
ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "pvd" / "territoires" / "data" / "cog2026.json.gz"

# Column order of the rows in the extract (documented in PROVENANCE.md).
REGION_FIELDS = ["code", "nom"]
DEPARTEMENT_FIELDS = ["code", "nom", "region"]
EPCI_FIELDS = ["siren", "nom", "type", "population", "membres"]
COMMUNE_FIELDS = ["code", "nom", "departement", "region", "siren", "codesPostaux", "population", "epci"]


def npm_pack(directory: Path) -> Path:
    result = subprocess.run(  # noqa: S603
        ["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"],  # noqa: S607
        cwd=directory,
        check=True,
        capture_output=True,
        text=True,
    )
    return directory / result.stdout.strip().splitlines()[-1]


def read_package(tarball: Path) -> dict[str, list]:
    data = {}
    with tarfile.open(tarball) as archive:
        for name in ("regions", "departements", "epci", "communes"):
            member = archive.extractfile(f"package/data/{name}.json")
            data[name] = json.load(io.TextIOWrapper(member, encoding="utf-8"))
    return data


def build(data: dict[str, list]) -> dict:
    communes = [c for c in data["communes"] if c.get("type") == "commune-actuelle"]
    current = {c["code"] for c in communes}
    epci_of = {}
    epcis = []
    for epci in sorted(data["epci"], key=lambda e: e["code"]):
        membres = sorted(m["code"] for m in epci.get("membres", []) if m["code"] in current)
        for code in membres:
            epci_of[code] = epci["code"]
        population = epci.get("populationMunicipale", epci.get("populationTotale"))
        epcis.append([epci["code"], epci["nom"], epci.get("type", ""), population, membres])
    return {
        "source": f"npm {PACKAGE}@{VERSION}",
        "licence": "Licence Ouverte / Open Licence 2.0 (données), MIT (code du paquet)",
        "fields": {
            "regions": REGION_FIELDS,
            "departements": DEPARTEMENT_FIELDS,
            "epci": EPCI_FIELDS,
            "communes": COMMUNE_FIELDS,
        },
        "regions": [[r["code"], r["nom"]] for r in sorted(data["regions"], key=lambda r: r["code"])],
        "departements": [
            [d["code"], d["nom"], d["region"]] for d in sorted(data["departements"], key=lambda d: d["code"])
        ],
        "epci": epcis,
        "communes": [
            [
                c["code"],
                c["nom"],
                c["departement"],
                c["region"],
                c.get("siren", ""),
                sorted(c.get("codesPostaux", [])),
                c.get("population"),
                epci_of.get(c["code"], ""),
            ]
            for c in sorted(communes, key=lambda c: c["code"])
        ],
    }


def write(extract: dict, output: Path) -> None:
    payload = json.dumps(extract, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    output.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the file byte-identical between two builds.
    with open(output, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as gz:
        gz.write(payload)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, help="tarball already downloaded with npm pack")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tarball = args.tarball or npm_pack(Path(tmp))
        extract = build(read_package(tarball))
    write(extract, args.output)
    print(
        f"{args.output}: {len(extract['regions'])} régions, {len(extract['departements'])} départements, "
        f"{len(extract['epci'])} EPCI, {len(extract['communes'])} communes ({args.output.stat().st_size} octets)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
