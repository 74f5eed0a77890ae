"""Benchmarks of the pages that grow with the programme (`make bench`).

Builds a throw-away SQLite database with national-scale data (default: 1,600 dossiers, one
ANCT user who sees them all), then times the pages and counts their queries and peak
memory. Numbers are printed, never asserted: timings belong here, not in the tests.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dossiers", type=int, default=1600)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="pvd-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import override_settings

    call_command("migrate", verbosity=0)
    from pvd.comptes.tests.factories import UserFactory
    from pvd.dossiers.models import Dossier
    from pvd.territoires.tests.factories import CommuneFactory, EpciFactory

    started = time.perf_counter()
    epcis = [EpciFactory() for _ in range(50)]
    communes = [CommuneFactory(epci=epcis[i % 50], code=f"{10000 + i}") for i in range(args.dossiers)]
    dossiers = Dossier.objects.bulk_create(
        [Dossier(nom=f"Dossier {i}", epci=communes[i].epci) for i in range(args.dossiers)]
    )
    Dossier.communes.through.objects.bulk_create(
        [Dossier.communes.through(dossier=d, commune=c) for d, c in zip(dossiers, communes, strict=True)]
    )
    user = UserFactory(anct=True)
    engine = settings.DATABASES["default"]["ENGINE"]
    print(f"Données : {args.dossiers} dossiers créés en {time.perf_counter() - started:.1f} s ({engine})")

    client = Client()
    client.force_login(user)
    pages = {"Liste des dossiers (ANCT)": "/dossiers/", "Tableau de bord d'un dossier": f"/dossiers/{dossiers[0].pk}/"}
    with override_settings(DEBUG=True):
        for label, url in pages.items():
            durations = []
            for _ in range(args.repeat):
                reset_queries()
                tracemalloc.start()
                t0 = time.perf_counter()
                response = client.get(url)
                durations.append(time.perf_counter() - t0)
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                assert response.status_code == 200, (url, response.status_code)
            print(
                f"{label:35} médiane {statistics.median(durations) * 1000:8.1f} ms"
                f"  requêtes {len(connection.queries):3}  mémoire max {peak / 1e6:6.1f} Mo"
            )


if __name__ == "__main__":
    main()
