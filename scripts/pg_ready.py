"""Exit 0 when the PostgreSQL server of the URL answers, 1 otherwise."""

import sys

import psycopg

try:
    with psycopg.connect(sys.argv[1], connect_timeout=3) as connection:
        connection.execute("SELECT 1")
except Exception as error:  # noqa: BLE001
    print(f"PostgreSQL : {error}", file=sys.stderr)
    sys.exit(1)
