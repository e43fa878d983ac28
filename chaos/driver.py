"""The load and the faults of `make chaos` (run by chaos/run.sh; checked by chaos/check.py).

Load: mentors and trainees of the plan (chaos/prepare.py), each a thread with its own HTTP
session, signing in through the real sign-in form. Mentors open their queue and decide open
requests (signing with their password); trainees log supervised practice and upload small
PDF evidence. Every response is recorded (status, whether it was Pathway's own page, the
"briefly unavailable" page or something else, whether it carried a traceback), and every
acknowledged write (the 302 after a sign-off, practice or evidence POST) with what finds it
in the database afterwards.

Faults, one after another, while the load runs, each by a driver of its own (a mentor and a
trainee nobody else uses):
1. a sign-off held inside its transaction (its progress row locked from another connection)
   and its gunicorn worker killed with SIGKILL there; then the same sign-off again;
2. an evidence upload held the same way after its file is written (inserts into the evidence
   table locked), its worker killed; then the same upload again;
3. PostgreSQL stopped as if it crashed (immediate), kept down a few seconds, started again;
4. the evidence folder filled to the last byte, kept full a few seconds, then freed.
The worker of a held request is found by its sockets (/proc), not guessed.

Bounded: a fixed number of people for a fixed time, only to 127.0.0.1; it stops by itself.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import random
import re
import signal
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import psycopg2
import requests

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
QUEUE_LINK = re.compile(r'href="/mentor/requests/(\d+)/"')
METHOD = re.compile(r'<input[^>]*name="method"[^>]*>')
VALUE = re.compile(r'value="([^"]*)"')
SUMMARY = re.compile(r'nhsuk-error-summary__list">(.*?)</ul>', re.S)
TAG = re.compile(r"<[^>]+>")
UNAVAILABLE = "Pathway is briefly unavailable, try again in a minute"
STORE_FULL = "the space for evidence files is full"
TRACEBACK_MARKS = ("Traceback (most recent call last)", "Exception Value:", 'File "/')
REQUEST_TIMEOUT = 60


def small_pdf(token: str) -> bytes:
    """A small, valid PDF (about 3KB) that names the upload it belongs to."""
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]"
        b"/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    )
    padding = b"% chaos evidence " + token.encode() + b"\n"
    return body + padding * (3000 // len(padding)) + b"trailer<</Root 1 0 R>>\n%%EOF\n"


# What was seen -------------------------------------------------------------------------------


@dataclass
class Log:
    started: float = field(default_factory=time.monotonic)
    responses: list = field(default_factory=list)
    acks: list = field(default_factory=list)
    faults: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> float:
        return round(time.monotonic() - self.started, 3)

    def response(self, entry: dict) -> None:
        with self.lock:
            self.responses.append(entry)

    def ack(self, entry: dict) -> None:
        with self.lock:
            self.acks.append({**entry, "t": self.now()})

    def fault(self, entry: dict) -> None:
        with self.lock:
            self.faults.append(entry)
        print(f"  [{self.now():6.1f} s] {entry['fault']}: {entry.get('summary', '')}", flush=True)


def classify(response: requests.Response) -> dict:
    """What the person would have seen."""
    if response.is_redirect:
        return {"page": "redirect", "traceback": False}
    text = response.text
    nhs_layout = 'class="nhsuk-header' in text and "Pathway" in text
    if not nhs_layout:
        page = "other"
    elif UNAVAILABLE in text:
        page = "unavailable"
    else:
        page = "pathway"
    summary = SUMMARY.search(text)
    return {
        "page": page,
        "traceback": any(mark in text for mark in TRACEBACK_MARKS),
        "summary": " ".join(TAG.sub(" ", summary.group(1)).split()) if summary else "",
    }


class Person:
    """One person's browser: a session, the sign-in form, and every request logged."""

    def __init__(self, log: Log, plan: dict, email: str, role: str):
        self.log, self.plan, self.email, self.role = log, plan, email, role
        self.base = plan["base_url"]
        self.session = requests.Session()
        self.signed_in = False
        self.last_upload = None

    def call(self, what: str, method: str, path: str, **kwargs) -> requests.Response | None:
        start = self.log.now()
        entry = {"who": self.email, "role": self.role, "what": what, "method": method}
        try:
            response = self.session.request(
                method, self.base + path, allow_redirects=False, timeout=REQUEST_TIMEOUT, **kwargs
            )
        except requests.RequestException as error:
            entry.update(start=start, end=self.log.now(), status=None, error=type(error).__name__)
            self.log.response(entry)
            return None
        entry.update(start=start, end=self.log.now(), status=response.status_code)
        entry.update(classify(response))
        if response.is_redirect:
            entry["location"] = response.headers.get("Location", "")
        self.log.response(entry)
        if response.is_redirect and "/sign-in/" in entry["location"]:
            self.signed_in = False
        return response

    def form(self, what: str, path: str) -> tuple[str, str] | None:
        """Open a form page: (its CSRF token, its HTML), or None when it did not come."""
        page = self.call(f"{what} form", "GET", path)
        if page is None or page.status_code != 200:
            return None
        token = TOKEN.search(page.text)
        return (token.group(1), page.text) if token else None

    def sign_in(self) -> bool:
        opened = self.form("sign-in", "/sign-in/")
        if opened is None:
            return False
        response = self.call(
            "sign-in POST",
            "POST",
            "/sign-in/",
            data={
                "username": self.email,
                "password": self.plan["password"],
                "csrfmiddlewaretoken": opened[0],
            },
        )
        self.signed_in = response is not None and response.status_code == 302
        return self.signed_in

    def today(self) -> datetime.date:
        return datetime.datetime.now(ZoneInfo(self.plan["time_zone"])).date()

    @staticmethod
    def date_fields(name: str, day: datetime.date) -> dict:
        return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}

    def acknowledged(self, response, *, not_to=("/sign-in/",)) -> bool:
        if response is None or response.status_code != 302:
            return False
        location = response.headers.get("Location", "")
        return not any(part in location for part in not_to)

    # Writes, each returning whether it was acknowledged ----------------------------------

    def decide(self, request_id: int, *, outcome: str = "achieved", send=None) -> bool:
        opened = self.form("sign-off", f"/mentor/requests/{request_id}/")
        if opened is None:
            return False
        token, html = opened
        methods = [VALUE.search(tag).group(1) for tag in METHOD.findall(html)]
        data = {
            "csrfmiddlewaretoken": token,
            "outcome": outcome,
            "method": random.choice(methods) if methods else "direct_observation",
            **self.date_fields("assessed_on", self.today()),
            "feedback": "" if outcome == "achieved" else "Practise it once more with me",
            "password": self.plan["password"],
        }
        path = f"/mentor/requests/{request_id}/"
        response = (send or self.call)("sign-off POST", "POST", path, data=data)
        if self.acknowledged(response) and response.headers["Location"].endswith("/mentor/"):
            self.log.ack(
                {"kind": "sign-off", "request": request_id, "outcome": outcome, "by": self.email}
            )
            return True
        return False

    def log_practice(self, record: int, competency: int, *, opened=None) -> bool:
        """Log practice; with `opened` (a form opened earlier), send it without opening it."""
        opened = opened or self.form("practice", f"/records/{record}/practice/add/")
        if opened is None:
            return False
        token = uuid.uuid4().hex
        response = self.call(
            "practice POST",
            "POST",
            f"/records/{record}/practice/add/",
            data={
                "csrfmiddlewaretoken": opened[0],
                "competencies": [competency],
                **self.date_fields("practised_on", self.today()),
                "supervisor_name": "Sam Patel, staff nurse",
                "activity": f"Chaos practice {token}",
                "reflection": "Went well under supervision",
            },
        )
        if self.acknowledged(response):
            self.log.ack(
                {"kind": "practice", "record": record, "competency": competency, "token": token}
            )
            return True
        return False

    def upload(self, record: int, competency: int, *, send=None) -> tuple[bool, requests.Response]:
        opened = self.form("evidence", f"/records/{record}/evidence/add/")
        if opened is None:
            return False, None
        token = self.last_upload = uuid.uuid4().hex
        content = small_pdf(token)
        response = (send or self.call)(
            "evidence POST",
            "POST",
            f"/records/{record}/evidence/add/",
            data={
                "csrfmiddlewaretoken": opened[0],
                "kind": "file",
                "title": f"Chaos evidence {token}",
                "competencies": [competency],
            },
            files={"upload": (f"audit-{token[:8]}.pdf", content, "application/pdf")},
        )
        if self.acknowledged(response):
            self.log.ack(
                {"kind": "evidence", "record": record, "token": token, "size": len(content)}
            )
            return True, response
        return False, response


# The load ------------------------------------------------------------------------------------


def mentor_load(person: Person, stop: threading.Event, rng: random.Random) -> None:
    while not stop.is_set():
        if not person.signed_in and not person.sign_in():
            stop.wait(1)
            continue
        queue = person.call("queue", "GET", "/mentor/")
        if queue is None or queue.status_code != 200:
            stop.wait(1)
            continue
        waiting = [int(pk) for pk in QUEUE_LINK.findall(queue.text)]
        if not waiting:
            stop.wait(2)
            continue
        outcome = "achieved" if rng.random() < 0.8 else "not_yet_competent"
        person.decide(rng.choice(waiting[:5]), outcome=outcome)
        stop.wait(rng.uniform(0.4, 1.0))


class Uploads:
    """Lets the fault driver hold one upload alone: while it holds inserts into the evidence
    table, other uploads would be held too and could take every worker."""

    def __init__(self):
        self.allowed = threading.Event()
        self.allowed.set()
        self.running = 0
        self.lock = threading.Condition()

    def begin(self) -> bool:
        with self.lock:
            if not self.allowed.is_set():
                return False
            self.running += 1
            return True

    def end(self) -> None:
        with self.lock:
            self.running -= 1
            self.lock.notify_all()

    def pause(self) -> None:
        with self.lock:
            self.allowed.clear()
            self.lock.wait_for(lambda: self.running == 0, timeout=REQUEST_TIMEOUT)

    def resume(self) -> None:
        self.allowed.set()


def trainee_load(person: Person, me: dict, uploads: Uploads, stop: threading.Event, rng) -> None:
    while not stop.is_set():
        if not person.signed_in and not person.sign_in():
            stop.wait(1)
            continue
        roll = rng.random()
        competency = rng.choice(me["competencies"])
        if roll < 0.5:
            person.log_practice(me["record"], competency)
        elif roll < 0.85 and uploads.begin():
            try:
                person.upload(me["record"], competency)
            finally:
                uploads.end()
        elif roll < 0.85:
            person.log_practice(me["record"], competency)
        else:
            person.call("progress", "GET", "/progress/")
        stop.wait(rng.uniform(0.4, 1.0))


# Finding and killing the worker of a held request ---------------------------------------------


def _tcp_sockets() -> list[tuple[int, int, int]]:
    """(local port, remote port, inode) of this machine's IPv4 TCP sockets."""
    rows = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        parts = line.split()
        local, remote, inode = parts[1], parts[2], int(parts[9])
        rows.append((int(local.split(":")[1], 16), int(remote.split(":")[1], 16), inode))
    return rows


def _socket_inodes(pid: int) -> set[int]:
    inodes = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(int(target[8:-1]))
    except OSError:
        pass
    return inodes


def workers_of(master: int) -> list[int]:
    children = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces; the fields after its closing bracket do not.
        if int(stat.rsplit(")", 1)[1].split()[1]) == master:
            children.append(int(entry))
    return sorted(children)


def worker_serving(master: int, web_port: int, client_port: int) -> int | None:
    """The gunicorn worker holding the server end of our connection from `client_port`."""
    inodes = {
        inode
        for local, remote, inode in _tcp_sockets()
        if local == web_port and remote == client_port and inode
    }
    for worker in workers_of(master):
        if _socket_inodes(worker) & inodes:
            return worker
    return None


def database_ports_of(pid: int, db_port: int) -> set[int]:
    """The local ports of `pid`'s connections to the database (its backends' client_port)."""
    mine = _socket_inodes(pid)
    return {local for local, remote, inode in _tcp_sockets() if remote == db_port and inode in mine}


class HeldRequest:
    """Send one request on a connection whose local port we know, in a thread, so that the
    worker serving it can be found while it is held."""

    def __init__(self, person: Person):
        self.person = person
        self.client_port = None
        self.outcome = None
        self.sent = threading.Event()
        self.thread = None

    def send(self, what, method, path, **kwargs):
        """Used as Person.call for the one request: prepares it with the session's cookies,
        then sends it on a plain HTTP connection."""
        person = self.person
        prepared = person.session.prepare_request(
            requests.Request(method, person.base + path, **kwargs)
        )
        where = urlsplit(person.base)
        connection = http.client.HTTPConnection(where.hostname, where.port, timeout=REQUEST_TIMEOUT)
        connection.connect()
        self.client_port = connection.sock.getsockname()[1]
        self.sent.set()
        start = person.log.now()
        entry = {"who": person.email, "role": person.role, "what": what, "method": method}
        entry["held"] = True
        try:
            connection.request(method, path, body=prepared.body, headers=dict(prepared.headers))
            raw = connection.getresponse()
            body = raw.read()
        except (OSError, http.client.HTTPException) as error:
            entry.update(start=start, end=person.log.now(), status=None, error=type(error).__name__)
            person.log.response(entry)
            self.outcome = "connection dropped"
            return None
        finally:
            connection.close()
        response = requests.Response()
        response.status_code, response._content = raw.status, body
        response.headers = requests.structures.CaseInsensitiveDict(raw.getheaders())
        response.encoding = "utf-8"
        entry.update(start=start, end=person.log.now(), status=raw.status, **classify(response))
        person.log.response(entry)
        self.outcome = f"HTTP {raw.status}"
        return response

    def start(self, action) -> None:
        self.thread = threading.Thread(target=action, args=(self.send,), daemon=True)
        self.thread.start()
        if not self.sent.wait(REQUEST_TIMEOUT):
            raise RuntimeError("the held request was never sent")


# The faults ----------------------------------------------------------------------------------


class Faults:
    def __init__(self, args, plan, log: Log, uploads: Uploads):
        self.args, self.plan, self.log, self.uploads = args, plan, log, uploads
        db = plan["database"]
        self.dsn = dict(host=db["host"], port=db["port"], dbname=db["name"], user=db["user"])
        self.web_port = int(plan["base_url"].rsplit(":", 1)[1])
        self.mentor = Person(log, plan, plan["fault_mentor"]["email"], "fault mentor")
        self.trainee = Person(log, plan, plan["fault_trainee"]["email"], "fault trainee")

    def sign_in_all(self) -> None:
        for person in (self.mentor, self.trainee):
            if not person.sign_in():
                raise SystemExit(f"The fault driver could not sign in as {person.email}")

    def _query(self, sql: str, params=()):
        db = psycopg2.connect(**self.dsn)
        try:
            db.autocommit = True
            with db.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchone()
        finally:
            db.close()

    def _held_backend(self, worker: int, locker_pid: int):
        """The worker's database backend, if it is waiting for the locker: (pid, query)."""
        ports = database_ports_of(worker, self.dsn["port"])
        return self._query(
            "SELECT pid, query FROM pg_stat_activity"
            " WHERE client_port = ANY(%s) AND %s = ANY(pg_blocking_pids(pid))",
            (sorted(ports) or [0], locker_pid),
        )

    def _kill_held(self, name: str, person: Person, lock_sql: str, lock_args, action) -> dict:
        """Hold a request inside its transaction (`lock_sql`, from another connection, blocks
        its next write), SIGKILL the worker serving it there, let the lock go, and wait for
        the database to end the dead worker's transaction and for gunicorn to replace it."""
        master = self.args.gunicorn_pid
        before = workers_of(master)
        entry = {"fault": name, "start": self.log.now()}
        locker = psycopg2.connect(**self.dsn)
        try:
            with locker.cursor() as cursor:
                cursor.execute(lock_sql, lock_args)
                cursor.execute("SELECT pg_backend_pid()")
                locker_pid = cursor.fetchone()[0]
            held = HeldRequest(person)
            held.start(action)
            worker, backend = None, None
            deadline = time.monotonic() + 20
            while backend is None and time.monotonic() < deadline:
                worker = worker or worker_serving(master, self.web_port, held.client_port)
                backend = worker and self._held_backend(worker, locker_pid)
                time.sleep(0.05)
            if not backend:
                raise RuntimeError("the request was never held inside its transaction")
            os.kill(worker, signal.SIGKILL)
            entry.update(killed_at=self.log.now(), worker=worker, held_at=backend[1][:120])
            held.thread.join(REQUEST_TIMEOUT)
            entry["client_saw"] = held.outcome
        finally:
            locker.rollback()  # the dead worker's transaction goes on, and finds its client gone
            locker.close()
        deadline = time.monotonic() + 30
        while self._query("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (backend[0],)):
            if time.monotonic() > deadline:
                raise RuntimeError("the killed worker's transaction never ended")
            time.sleep(0.1)
        entry["transaction_ended_at"] = self.log.now()
        while time.monotonic() < deadline:
            now = workers_of(master)
            if len(now) >= len(before) and worker not in now:
                entry["replaced_at"] = self.log.now()
                break
            time.sleep(0.1)
        return entry

    def kill_mid_sign_off(self) -> None:
        request = self.plan["fault_request"]
        entry = self._kill_held(
            "worker killed mid-sign-off",
            self.mentor,
            "SELECT id FROM competencies_competencyprogress"
            " WHERE record_id = %s AND competency_id = %s FOR UPDATE",
            (request["record"], request["competency"]),
            lambda send: self.mentor.decide(request["id"], send=send),
        )
        status, assessments = self._query(
            "SELECT status, (SELECT count(*) FROM competencies_assessment"
            " WHERE request_id = r.id) FROM competencies_signoffrequest r WHERE id = %s",
            (request["id"],),
        )
        entry.update(
            request=request["id"], after_kill={"status": status, "assessments": assessments}
        )
        entry["retried"] = self.mentor.decide(request["id"])
        entry["retried_at"] = self.log.now()
        entry["summary"] = (
            f"worker {entry.get('worker')} killed while held at {entry.get('held_at', '')[:40]!r};"
            f" client saw {entry.get('client_saw')}; request then {status} with {assessments}"
            f" assessment(s); retried: {'acknowledged' if entry['retried'] else 'NOT acknowledged'}"
        )
        self.log.fault(entry)

    def kill_mid_upload(self) -> None:
        me = self.plan["fault_trainee"]
        competency = me["competencies"][0]
        self.uploads.pause()
        try:
            entry = self._kill_held(
                "worker killed mid-upload",
                self.trainee,
                "LOCK TABLE competencies_evidence IN SHARE MODE",
                (),
                lambda send: self.trainee.upload(me["record"], competency, send=send),
            )
        finally:
            self.uploads.resume()
        entry["killed_upload_token"] = self.trainee.last_upload
        ok, _ = self.trainee.upload(me["record"], competency)
        entry["retried"], entry["retried_at"] = ok, self.log.now()
        entry["summary"] = (
            f"worker {entry.get('worker')} killed while held at {entry.get('held_at', '')[:40]!r};"
            f" client saw {entry.get('client_saw')}; retried:"
            f" {'acknowledged' if ok else 'NOT acknowledged'}"
        )
        self.log.fault(entry)

    def _pg_ctl(self, *args) -> None:
        subprocess.run(
            [
                "runuser",
                "-u",
                self.args.pg_user,
                "--",
                self.args.pg_ctl,
                "-D",
                self.args.pg_data,
                *args,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def restart_postgres(self, down_seconds: float) -> None:
        entry = {"fault": "PostgreSQL crashed and restarted", "start": self.log.now()}
        me = self.plan["fault_trainee"]
        practice_form = self.trainee.form("practice", f"/records/{me['record']}/practice/add/")
        entry["stop_began"] = self.log.now()
        self._pg_ctl("-m", "immediate", "-w", "stop")
        entry["stopped_at"] = self.log.now()
        # While it is down, the fault trainee opens a page and sends practice: both must get
        # the clear 503 page.
        time.sleep(min(1.0, down_seconds / 3))
        page = self.trainee.call("progress (database down)", "GET", "/progress/")
        entry["page_while_down"] = page.status_code if page is not None else None
        entry["practice_while_down_acknowledged"] = self.trainee.log_practice(
            me["record"], me["competencies"][1], opened=practice_form
        )
        time.sleep(max(0.0, entry["stopped_at"] + down_seconds - self.log.now()))
        entry["start_began"] = self.log.now()
        self._pg_ctl("-l", self.args.pg_log, "-w", "start")
        entry["started_at"] = self.log.now()  # accepting connections again, after recovery
        entry["summary"] = (
            f"down for {entry['started_at'] - entry['stopped_at']:.1f} s (its start took"
            f" {entry['started_at'] - entry['start_began']:.1f} s); a page while down gave"
            f" {entry['page_while_down']}"
        )
        self.log.fault(entry)

    def fill_disk(self, hold_seconds: float) -> None:
        media = Path(self.args.media)
        filler = media / "chaos-filler"
        entry = {"fault": "evidence folder full", "start": self.log.now()}
        written = 0
        with filler.open("wb", buffering=0) as out:
            for chunk in (1024 * 1024, 4096, 512, 1):
                try:
                    while True:
                        written += out.write(b"\0" * chunk)
                except OSError:
                    continue  # this size no longer fits: try a smaller one
        entry.update(full_at=self.log.now(), filler_bytes=written)
        me = self.plan["fault_trainee"]
        time.sleep(min(1.0, hold_seconds / 3))
        ok, response = self.trainee.upload(me["record"], me["competencies"][2])
        entry["upload_while_full"] = {
            "acknowledged": ok,
            "status": response.status_code if response is not None else None,
            "message_in_summary": bool(
                response is not None and STORE_FULL in classify(response).get("summary", "")
            ),
        }
        time.sleep(max(0.0, entry["full_at"] + hold_seconds - self.log.now()))
        filler.unlink()
        entry["freed_at"] = self.log.now()
        ok, _ = self.trainee.upload(me["record"], me["competencies"][2])
        entry["upload_after"], entry["upload_after_at"] = ok, self.log.now()
        entry["summary"] = (
            f"full for {entry['freed_at'] - entry['full_at']:.1f} s; an upload while full gave"
            f" {entry['upload_while_full']}; after freeing: {'acknowledged' if ok else 'refused'}"
        )
        self.log.fault(entry)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", required=True, type=Path)
    parser.add_argument("--results", required=True, type=Path)
    parser.add_argument("--gunicorn-pid", required=True, type=int)
    parser.add_argument("--workers", required=True, type=int)
    parser.add_argument("--pg-ctl", required=True)
    parser.add_argument("--pg-data", required=True)
    parser.add_argument("--pg-log", required=True)
    parser.add_argument("--pg-user", required=True)
    parser.add_argument("--media", required=True)
    parser.add_argument("--seconds", type=float, default=80, help="how long the load runs")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    plan = json.loads(args.plan.read_text())

    log = Log()
    stop = threading.Event()
    rng = random.Random(args.seed)
    uploads = Uploads()
    faults = Faults(args, plan, log, uploads)
    faults.sign_in_all()
    threads = [
        threading.Thread(
            target=mentor_load,
            args=(Person(log, plan, m["email"], "mentor"), stop, random.Random(rng.random())),
            daemon=True,
        )
        for m in plan["mentors"]
    ] + [
        threading.Thread(
            target=trainee_load,
            args=(
                Person(log, plan, t["email"], "trainee"),
                t,
                uploads,
                stop,
                random.Random(rng.random()),
            ),
            daemon=True,
        )
        for t in plan["trainees"]
    ]
    wall_start = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    print(
        f"  {len(plan['mentors'])} mentors and {len(plan['trainees'])} trainees for"
        f" {args.seconds:.0f} s; faults at 10, 20, 30 and 50 s",
        flush=True,
    )
    for thread in threads:
        thread.start()

    def at(second: float) -> None:
        time.sleep(max(0.0, second - log.now()))

    schedule = [
        (10, "worker killed mid-sign-off", faults.kill_mid_sign_off),
        (20, "worker killed mid-upload", faults.kill_mid_upload),
        (30, "PostgreSQL crashed and restarted", lambda: faults.restart_postgres(6)),
        (50, "evidence folder full", lambda: faults.fill_disk(8)),
    ]
    try:
        for second, name, fault in schedule:
            at(second)
            try:
                fault()
            except Exception as error:  # noqa: BLE001 - recorded; chaos/check.py fails on it
                log.fault({"fault": name, "error": repr(error), "summary": repr(error)})
        at(args.seconds)
    finally:
        stop.set()
        deadline = time.monotonic() + REQUEST_TIMEOUT + 5
        for thread in threads:
            thread.join(max(0.1, deadline - time.monotonic()))
    results = {
        "started": wall_start,
        "seconds": log.now(),
        "workers": args.workers,
        # Never restarted: the same master, with its full set of workers.
        "workers_at_end": len(workers_of(args.gunicorn_pid)),
        "master_alive_at_end": Path(f"/proc/{args.gunicorn_pid}").exists(),
        "people": {"mentors": len(plan["mentors"]), "trainees": len(plan["trainees"])},
        "media": args.media,
        "faults": log.faults,
        "acks": log.acks,
        "responses": log.responses,
        "plan": {k: plan[k] for k in ("fault_request", "fault_trainee", "fault_mentor")},
    }
    args.results.write_text(json.dumps(results, indent=1))
    print(f"  {len(log.responses)} responses, {len(log.acks)} acknowledged writes", flush=True)


if __name__ == "__main__":
    main()
