#!/usr/bin/env bash
# `make chaos`: Pathway under a bounded load of sign-offs and practice logs while things break
# (a gunicorn worker killed mid-request, PostgreSQL crashed and restarted, the evidence disk
# full), then checks that nothing is half-written and that every acknowledged write is there.
# docs/reliability.md says what it does and what it found.
#
# Everything runs on this machine only, in a folder of its own: a private PostgreSQL 15 cluster
# on a free port (never the machine's shared server), a 16MB tmpfs as the evidence folder, and
# gunicorn on another free port. All of it is stopped and removed on exit, whatever happens.
# Needs root (to mount the small folder and to run PostgreSQL as its own user).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
GUNICORN=${GUNICORN:-.venv/bin/gunicorn}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_USER=${CHAOS_PG_USER:-postgres}          # the system account PostgreSQL runs as
TRAINEES=${CHAOS_TRAINEES:-40}              # the size of the seeded programme (seed_scale)
WORKERS=${CHAOS_WORKERS:-3}
MEDIA_SIZE=${CHAOS_MEDIA_SIZE:-16m}
OUT=${CHAOS_OUT:-var/chaos/$(date +%Y%m%d-%H%M%S)}

if [ "$(id -u)" != 0 ]; then
    echo "make chaos needs root: it mounts a small tmpfs as the evidence folder and runs a" >&2
    echo "private PostgreSQL as the '$PG_USER' account." >&2
    exit 2
fi
for tool in "$PY" "$GUNICORN" "$PG_BIN/initdb" "$PG_BIN/pg_ctl"; do
    [ -x "$tool" ] || { echo "make chaos: $tool is missing" >&2; exit 2; }
done

WORK=$(mktemp -d /tmp/pathway-chaos.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
PGDATA="$WORK/pg"
MEDIA="$WORK/media"
GUNICORN_PID=""
as_pg() { runuser -u "$PG_USER" -- "$@"; }

cleanup() {
    status=$?
    trap - EXIT INT TERM
    if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        kill -TERM "$GUNICORN_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$GUNICORN_PID" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$GUNICORN_PID" 2>/dev/null || true
    fi
    if [ -f "$PGDATA/postmaster.pid" ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    cp "$WORK/postgres.log" "$OUT/postgres.log" 2>/dev/null || true
    if mountpoint -q "$MEDIA"; then umount "$MEDIA" || umount -l "$MEDIA" || true; fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
PG_PORT=$(free_port)
WEB_PORT=$(free_port)
while [ "$WEB_PORT" = "$PG_PORT" ]; do WEB_PORT=$(free_port); done

echo "== private PostgreSQL on 127.0.0.1:$PG_PORT, data in $PGDATA"
mkdir -p "$PGDATA" "$WORK/socket"
chown "$PG_USER" "$PGDATA" "$WORK/socket"
chmod 700 "$PGDATA"
as_pg "$PG_BIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
cat >> "$PGDATA/postgresql.conf" <<CONF
port = $PG_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK/socket'
max_connections = 50
CONF
touch "$WORK/postgres.log" && chown "$PG_USER" "$WORK/postgres.log"
as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$WORK/postgres.log" -w start >/dev/null
as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres pathway

echo "== evidence folder: a $MEDIA_SIZE tmpfs at $MEDIA"
mkdir -p "$MEDIA"
mount -t tmpfs -o "size=$MEDIA_SIZE,mode=0755" tmpfs "$MEDIA"

export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/pathway"
export PATHWAY_MEDIA_ROOT="$MEDIA"
export DJANGO_SECRET_KEY="chaos-test-only-secret-key-not-for-production-0123456789abcdef"
export PATHWAY_LEDGER_KEYS="chaos:chaos-test-only-ledger-key-not-for-production"
export DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=false DJANGO_SECURE_COOKIES=false
export DJANGO_HSTS_SECONDS=0 DJANGO_DEBUG=false
export DJANGO_EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend
unset DJANGO_SETTINGS_MODULE

echo "== migrate and seed ($TRAINEES trainees) [${SECONDS} s]"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py collectstatic --noinput -v0
# seed_scale lives with the benchmark code, which is only installed with PATHWAY_BENCH=1.
PATHWAY_BENCH=1 "$PY" manage.py seed_scale --trainees "$TRAINEES" >"$OUT/seed.log"
"$PY" chaos/prepare.py --plan "$WORK/plan.json" --base-url "http://127.0.0.1:$WEB_PORT"

echo "== gunicorn ($WORKERS workers) on 127.0.0.1:$WEB_PORT [${SECONDS} s]"
"$GUNICORN" pathway.wsgi --bind "127.0.0.1:$WEB_PORT" --workers "$WORKERS" \
    --timeout 30 --graceful-timeout 10 --no-control-socket \
    --access-logfile /dev/null --error-logfile - >"$OUT/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 100); do
    if "$PY" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$WEB_PORT/sign-in/')" 2>/dev/null; then
        break
    fi
    sleep 0.2
done

echo "== load and faults [${SECONDS} s]"
"$PY" chaos/driver.py --plan "$WORK/plan.json" --results "$OUT/results.json" \
    --gunicorn-pid "$GUNICORN_PID" --workers "$WORKERS" \
    --pg-ctl "$PG_BIN/pg_ctl" --pg-data "$PGDATA" --pg-log "$WORK/postgres.log" --pg-user "$PG_USER" \
    --media "$MEDIA"

echo "== checks [${SECONDS} s]"
set +e
"$PY" chaos/check.py --results "$OUT/results.json" | tee "$OUT/summary.txt"
checked=${PIPESTATUS[0]}
"$PY" manage.py verify_records | tee -a "$OUT/summary.txt"
verified=${PIPESTATUS[0]}
set -e
echo "Results, logs and this summary: $OUT [${SECONDS} s]"
if [ "$checked" != 0 ] || [ "$verified" != 0 ]; then
    echo "make chaos: FAILED" | tee -a "$OUT/summary.txt"
    exit 1
fi
echo "make chaos: passed" | tee -a "$OUT/summary.txt"
