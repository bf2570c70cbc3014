#!/bin/sh
# Start the app as production runs it, for bench/loadtest.py: gunicorn with 2 sync workers, DEBUG off, static files
# collected and served by WhiteNoise, against the database of DATABASE_URL.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/cadre_bench bench/serve.sh            # http://127.0.0.1:8001
#   BIND=127.0.0.1:8002 WORKERS=2 DATABASE_URL=… bench/serve.sh
#
# Localhost has no TLS proxy: SECURE_SSL_REDIRECT=0 (README, Production) keeps plain-HTTP requests from being
# redirected to https://; the load-test driver sends X-Forwarded-Proto: https as the proxy would, so the secure
# cookies and the CSRF origin check behave as in production. Settings already in the environment win.
# Stop it with Ctrl-C, or `kill $(cat "$PIDFILE")` when started in the background (PIDFILE below).
set -eu
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/cadre_bench}"
export DATABASE_URL
export DEBUG=0
export SECRET_KEY="${SECRET_KEY:-bench-only-$(python3 -c 'import secrets; print(secrets.token_urlsafe(40))')}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-0}"
export SECURE_HSTS_SECONDS="${SECURE_HSTS_SECONDS:-0}"
BIND="${BIND:-127.0.0.1:8001}"
WORKERS="${WORKERS:-2}"
THREADS="${THREADS:-1}"  # more than 1: gunicorn's gthread worker, each worker serving that many requests at once
PIDFILE="${PIDFILE:-/tmp/cadre-bench-gunicorn.pid}"

.venv/bin/python manage.py collectstatic --noinput -v0
# `python -m gunicorn` puts this checkout first on sys.path before anything is imported: started as the gunicorn
# script, the standard library's probe for Jython (`from org.python.core import …` in copy.py) imports the
# project's `org` package early through the editable install — from the checkout it was installed from.
exec .venv/bin/python -m gunicorn cadre_mgmt.wsgi:application --bind "$BIND" --workers "$WORKERS" --threads "$THREADS" --pid "$PIDFILE" \
    --access-logfile - --access-logformat '%(r)s %(s)s %(b)s %(M)sms' --log-level warning
