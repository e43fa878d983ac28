"""Two web servers, one worker, PostgreSQL, Blob Storage and Redis, proved (`make cluster-test`).

Pathway is deployed as several stateless web containers behind a load balancer, with workers
for background work. This runs that layout on one machine and checks what it promises:

1. Evidence uploaded through one server downloads, byte for byte, through the other: files are
   in Blob Storage (Azurite, Microsoft's emulator), sessions in PostgreSQL, nothing on a server.
2. A worker killed in the middle of sending an email has the task run again, and the email goes
   once: the queue (Redis) hands the task out again (acks late, reject on worker lost), and the
   task finds the row locked, then sent (notifications/services.py).
3. Mixed load (the locust plan of `make load`) on both servers at once ends with no error.
4. Both servers stop gracefully on SIGTERM.

It prints each result and the 95th percentile per server, writes var/cluster/summary.json, and
exits 1 if any check fails. Whatever it starts it stops. By hand (it needs locust's virtual
environment, `.venv-load`, which the Makefile target builds), not in CI; results are recorded
in docs/performance.md.
"""

from __future__ import annotations

import contextlib
import csv
import http.cookiejar
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tests.azurite import Azurite  # noqa: E402  (the same emulator the tests start)
from tools.lighthouse import free_port  # noqa: E402

OUT = BASE_DIR / "var" / "cluster"
PY = BASE_DIR / ".venv" / "bin" / "python"
GUNICORN = BASE_DIR / ".venv" / "bin" / "gunicorn"
CELERY = BASE_DIR / ".venv" / "bin" / "celery"
LOCUST = BASE_DIR / ".venv-load" / "bin" / "locust"
PG_BASE = os.environ.get("CLUSTER_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
PG_DB = os.environ.get("CLUSTER_POSTGRES_DB", "pathway_cluster")
BROKER = os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/9")
TRAINEES = int(os.environ.get("CLUSTER_TRAINEES", "200"))
LOAD_USERS = int(os.environ.get("CLUSTER_USERS", "20"))  # per server
LOAD_SECONDS = int(os.environ.get("CLUSTER_SECONDS", "60"))
EMAILS = 5
MAIL_DELAY_SECONDS = 3


class Cluster:
    def __init__(self, azurite: Azurite):
        self.azurite = azurite
        self.processes: list[subprocess.Popen] = []
        self.env = {
            **os.environ,
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECURE_COOKIES": "false",
            "DJANGO_HSTS_SECONDS": "0",
            "PATHWAY_LEDGER_KEYS": "cluster:cluster-test-ledger-key-local-only",
            "DATABASE_URL": f"{PG_BASE}/{PG_DB}",
            "PATHWAY_STORAGE": "azure",
            "PATHWAY_AZURE_CONNECTION_STRING": azurite.connection_string,
            "PATHWAY_AZURE_CONTAINER": "cluster",
            "PATHWAY_BROKER_URL": BROKER,
            "PATHWAY_CACHE_URL": BROKER.rsplit("/", 1)[0] + "/8",
            "PATHWAY_LOG_FORMAT": "json",
            # A mail server that takes a few seconds to answer (tools/cluster_mail.py), writing
            # each message it accepts to a folder, so duplicates can be counted.
            "DJANGO_EMAIL_BACKEND": "tools.cluster_mail.SlowFileBackend",
            "PATHWAY_CLUSTER_MAIL_DIR": str(OUT / "mail"),
            "PATHWAY_CLUSTER_MAIL_DELAY": str(MAIL_DELAY_SECONDS),
            "PYTHONPATH": str(BASE_DIR),
            "PATHWAY_BENCH": "1",
        }

    def manage(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(PY), "manage.py", *args], cwd=BASE_DIR, env=self.env, check=True, **kwargs
        )

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        log = (OUT / f"{name}.log").open("wb")
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        self.processes.append(process)
        return process

    def web(self, port: int) -> subprocess.Popen:
        return self.start(
            f"web-{port}",
            [str(GUNICORN), "pathway.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--threads", "2", "--graceful-timeout", "20", "--access-logfile", "-",
             # Longer than any client or load balancer keeps an idle connection: otherwise the
             # server may close one just as the client sends on it (a reset, not an answer).
             "--keep-alive", "75"],
        )  # fmt: skip

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
            if process.poll() is None:
                process.kill()


def wait_ready(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as answer,
        ):
            if answer.status == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"the server on port {port} did not become ready")


def opener_with(cookie_name: str, session: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    jar.set_cookie(
        http.cookiejar.Cookie(
            0, cookie_name, session, None, False, "127.0.0.1", False, False, "/", True,
            False, None, False, None, None, {},
        )
    )  # fmt: skip
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def multipart(fields: list[tuple[str, str]], file_field: str, name: str, content: bytes):
    boundary = uuid.uuid4().hex
    parts = []
    for key, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
        )
    body = (
        "".join(parts).encode()
        + (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
            f'filename="{name}"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def evidence_through_one_download_through_other(plan: dict, ports: list[int]) -> dict:
    trainee = plan["trainees"][0]
    record = re.search(r"/records/(\d+)/", " ".join(trainee["pages"])).group(1)
    browser = opener_with(plan["session_cookie"], trainee["session"])
    first, second = (f"http://127.0.0.1:{port}" for port in ports)
    form = browser.open(f"{first}/records/{record}/evidence/add/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    competency = re.search(r'name="competencies" value="(\d+)"', form).group(1)
    content = b"%PDF-1.4\n" + secrets.token_bytes(200_000) + b"\n%%EOF\n"
    title = f"Cluster evidence {uuid.uuid4().hex[:8]}"
    body, content_type = multipart(
        [("csrfmiddlewaretoken", token), ("kind", "file"), ("title", title),
         ("competencies", competency)],
        "upload", "chart-audit.pdf", content,
    )  # fmt: skip
    request = urllib.request.Request(
        f"{first}/records/{record}/evidence/add/",
        data=body,
        headers={"Content-Type": content_type, "Referer": f"{first}/"},
    )
    browser.open(request).read()
    page = browser.open(f"{second}/records/{record}/competencies/{competency}/").read().decode()
    links = re.findall(r'href="(/evidence/[0-9a-f-]{36}/)"', page)
    downloaded = [browser.open(f"{second}{link}").read() for link in links]
    return {
        "uploaded_bytes": len(content),
        "downloads_offered": len(links),
        "same_bytes_through_other": content in downloaded,
    }


def kill_worker_mid_email(cluster: Cluster, worker: subprocess.Popen) -> dict:
    mail_dir = OUT / "mail"
    created = cluster.manage(
        "shell", "-c",
        "from django.db import transaction\n"
        "from notifications.services import notify\n"
        "from pathway.models import User\n"
        "people = list(User.objects.filter(is_active=True).exclude(email='')"
        f".order_by('pk')[:{EMAILS}])\n"
        "with transaction.atomic():\n"
        "    made = [notify(recipient=p, kind='sign_off_requested', subject='Cluster test',"
        " body='A task queue test.') for p in people]\n"
        "print(','.join(str(n.pk) for n in made))\n",
        capture_output=True, text=True,
    )  # fmt: skip
    ids = created.stdout.strip().splitlines()[-1].split(",")
    # The first email is being sent (the slow mail server has it): kill the process sending it.
    deadline = time.monotonic() + 60
    while not list(mail_dir.glob("sending-*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    children = subprocess.run(
        ["pgrep", "-P", str(worker.pid)], capture_output=True, text=True
    ).stdout.split()
    killed = []
    for child in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(child), signal.SIGKILL)
            killed.append(child)
    deadline = time.monotonic() + 120
    sent = []
    while time.monotonic() < deadline:
        sent = [path.read_text() for path in mail_dir.glob("*.log")]
        if len(sent) >= EMAILS:
            time.sleep(MAIL_DELAY_SECONDS * 2)  # anything more would arrive now
            sent = [path.read_text() for path in mail_dir.glob("*.log")]
            break
        time.sleep(0.5)
    message_ids = [
        match.group(1)
        for text in sent
        for match in re.finditer(r"^Message-ID: <([^>]+)>", text, re.MULTILINE)
    ]
    wanted = {f"notification-{pk}@127.0.0.1" for pk in ids}
    return {
        "notifications": len(ids),
        "worker_processes_killed": len(killed),
        "emails_sent": len(message_ids),
        "every_email_once": sorted(message_ids) == sorted(wanted),
    }


def mixed_load(plan_path: Path, ports: list[int]) -> dict:
    runs = []
    for port in ports:
        runs.append(
            subprocess.Popen(
                [str(LOCUST), "-f", "bench/locustfile.py", "--headless",
                 "--host", f"http://127.0.0.1:{port}", "--users", str(LOAD_USERS),
                 "--spawn-rate", "5", "--run-time", f"{LOAD_SECONDS}s", "--only-summary",
                 "--reset-stats", "--csv", str(OUT / f"load-{port}"), "--loglevel", "WARNING"],
                cwd=BASE_DIR, env={**os.environ, "PATHWAY_LOAD_PLAN": str(plan_path)},
                stdout=subprocess.DEVNULL, stderr=(OUT / f"locust-{port}.log").open("wb"),
            )
        )  # fmt: skip
    for run in runs:
        run.wait()
    servers = {}
    for port in ports:
        rows = list(csv.DictReader((OUT / f"load-{port}_stats.csv").open()))
        total = next(row for row in rows if row["Name"] == "Aggregated")
        servers[str(port)] = {
            "requests": int(total["Request Count"]),
            "errors": int(total["Failure Count"]),
            "median_ms": float(total["50%"]),
            "p95_ms": float(total["95%"]),
            "requests_per_second": round(float(total["Requests/s"]), 1),
        }
    return servers


def main() -> int:
    if not LOCUST.exists():
        print("make cluster-test: no .venv-load/bin/locust (the Makefile target builds it)")
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "mail").mkdir(exist_ok=True)
    for old in (OUT / "mail").glob("*"):
        old.unlink()
    # A new database each run: Azurite keeps its blobs in memory, so files from a last run
    # are gone, and records of them must be too.
    import psycopg2

    with contextlib.closing(psycopg2.connect(f"{PG_BASE}/postgres")) as server:
        server.autocommit = True
        server.cursor().execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
    subprocess.run([str(PY), ".ci/ensure_postgres.py", PG_BASE, PG_DB], cwd=BASE_DIR, check=True)
    import redis

    redis.Redis.from_url(BROKER).flushdb()
    summary: dict = {"trainees": TRAINEES, "users_per_server": LOAD_USERS}
    with Azurite(OUT / "azurite") as azurite:
        cluster = Cluster(azurite)
        try:
            cluster.manage("migrate", "--noinput", "-v0")
            cluster.manage("collectstatic", "--noinput", "-v0")
            (OUT / "no-files").mkdir(exist_ok=True)
            cluster.manage(
                "move_files_to_storage", "--create-container", "--from", str(OUT / "no-files")
            )
            plan_path = OUT / "load-plan.json"
            cluster.manage("bench", "--trainees", str(TRAINEES), "--load-plan", str(plan_path))
            plan = json.loads(plan_path.read_text())
            ports = [free_port(), free_port()]
            webs = [cluster.web(port) for port in ports]
            worker = cluster.start(
                "worker",
                [str(CELERY), "-A", "pathway", "worker", "--concurrency", "1",
                 "--loglevel", "INFO"],
            )  # fmt: skip
            for port in ports:
                wait_ready(port)
            summary["evidence"] = evidence_through_one_download_through_other(plan, ports)
            print("evidence:", summary["evidence"])
            summary["worker_killed"] = kill_worker_mid_email(cluster, worker)
            print("worker killed mid-email:", summary["worker_killed"])
            summary["load"] = mixed_load(plan_path, ports)
            summary["load_average_after"] = [round(value, 1) for value in os.getloadavg()]
            print("mixed load:", summary["load"])
            for web in webs:
                web.send_signal(signal.SIGTERM)
            summary["graceful_stop"] = all(web.wait(timeout=40) == 0 for web in webs)
        finally:
            cluster.stop_all()
    passed = (
        summary["evidence"]["same_bytes_through_other"]
        and summary["worker_killed"]["every_email_once"]
        and summary["worker_killed"]["worker_processes_killed"] > 0
        and all(server["errors"] == 0 for server in summary["load"].values())
        and summary["graceful_stop"]
    )
    summary["passed"] = bool(passed)
    (OUT / "summary.json").write_text(json.dumps(summary, indent=1))
    print("PASSED" if passed else "FAILED", json.dumps(summary))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
