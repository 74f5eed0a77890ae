#!/usr/bin/env bash
# The production requirements alone serve the site: a virtualenv with requirements/base.txt
# only, `check --deploy` under config.settings.production, then gunicorn serving every URL pattern
# of config.urls to a visitor and to the demo user concerned (scripts/smoke_production.py) on a
# throw-away SQLite database with the demo data.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3.11}"
VENV=.venv-prod
stamp="$VENV/.installed-$(md5sum requirements/base.txt | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade pip
  "$VENV/bin/pip" install --quiet -r requirements/base.txt
  touch "$stamp"
fi

work="$(mktemp -d)"
port="${SMOKE_PORT:-$(( 20000 + RANDOM % 20000 ))}"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

export DJANGO_SETTINGS_MODULE=config.settings.production
SECRET_KEY="$("$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL="sqlite:///$work/db.sqlite3"
export MEDIA_ROOT="$work/media"
export STATIC_ROOT="$work/static"
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
export SMOKE_THROWAWAY_DATABASE=1  # the smoke completes the demo and adds an administrator here
py="$VENV/bin/python"

echo "== Dépendances de production seules : check --deploy"
"$py" manage.py check --deploy --fail-level WARNING
"$py" manage.py migrate --noinput >/dev/null
"$py" manage.py createcachetable
"$py" manage.py collectstatic --noinput >/dev/null
"$py" manage.py import_cog >/dev/null
"$py" manage.py seed_demo >/dev/null

echo "== Dépendances de production seules : gunicorn sur le port $port"
"$VENV/bin/gunicorn" config.wsgi --bind "127.0.0.1:$port" --workers 2 --timeout 120 \
  --error-logfile "$work/gunicorn.log" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 60); do
  timeout 1 bash -c ": <>/dev/tcp/127.0.0.1/$port" 2>/dev/null && break
  sleep 0.5
done
if ! "$py" scripts/smoke_production.py "http://127.0.0.1:$port"; then
  # The refusals the smoke expects (403, 404, 405) are logged too: only the end is shown.
  echo "-- journal de gunicorn"; tail -n 60 "$work/gunicorn.log"
  echo "-- journal de l'application (erreurs)"; grep -A 40 "Internal Server Error" "$work/server.log" | head -n 200
  echo "-- journal de l'application (fin)"; tail -n 40 "$work/server.log"; exit 1
fi
