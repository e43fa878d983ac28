#!/bin/sh
# `make load`: gunicorn (4 workers, 127.0.0.1 only) on the scale data, 50 simulated people for
# 60 seconds with locust (headless), then requests per second, errors and the 95th percentile.
# Uses DATABASE_URL when set, else var/bench-$TRAINEES.sqlite3 (as `make bench`).
set -eu
PY=${PY:-.venv/bin/python}
LOCUST=${LOCUST:-.venv-load/bin/locust}
PORT=${LOAD_PORT:-8765}
USERS=${LOAD_USERS:-50}
SECONDS_=${LOAD_SECONDS:-60}
OUT=var/bench
mkdir -p "$OUT"
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-load-test-only-secret-key-not-for-production-0123456789abcdef}"
export DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=false DJANGO_SECURE_COOKIES=false
export DJANGO_HSTS_SECONDS=0 PATHWAY_LOAD_PLAN="$OUT/load-plan.json"
export PATHWAY_BENCH=1  # `manage.py bench` is the bench app's command (pathway/settings.py)

$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
$PY manage.py bench --trainees "${TRAINEES:-2000}" --load-plan "$PATHWAY_LOAD_PLAN"

.venv/bin/gunicorn pathway.wsgi --bind "127.0.0.1:$PORT" --workers 4 \
    --access-logfile /dev/null --error-logfile "$OUT/gunicorn.log" &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null || true; wait $GUNICORN 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 50); do
    if $PY -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/sign-in/')" 2>/dev/null; then break; fi
    sleep 0.2
done

"$LOCUST" -f bench/locustfile.py --headless --host "http://127.0.0.1:$PORT" \
    --users "$USERS" --spawn-rate 5 --run-time "${SECONDS_}s" --only-summary --reset-stats \
    --csv "$OUT/load" --loglevel WARNING > "$OUT/load-locust.txt" 2>&1 || true

$PY - "$OUT/load_stats.csv" <<'PYEOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
total = next(r for r in rows if r["Name"] == "Aggregated")
print(f"{'page':<45} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8}")
for r in rows:
    if r["Name"] != "Aggregated":
        print(f"{r['Type'] + ' ' + r['Name']:<45} {r['Request Count']:>9} {r['Failure Count']:>7} "
              f"{r['50%']:>8} {r['95%']:>8}")
print()
print(f"Requests per second: {float(total['Requests/s']):.1f}")
print(f"Errors: {total['Failure Count']} of {total['Request Count']} requests")
print(f"95th percentile: {total['95%']} ms (median {total['50%']} ms)")
PYEOF
