"""After `make chaos`: what the database, the evidence folder and the people's screens must show.

Reads the driver's results (chaos/driver.py) and the private database, prints a plain summary
and exits non-zero when anything does not hold:
- no half-written record: every decided request has its assessment and every assessment's
  request is closed as decided; every competency's progress follows from its practice, its
  open request and its decisions; every practice entry and piece of evidence names its
  competencies; every file evidence has its file, of its size, and no stray file is counted;
- every acknowledged write (a 302 the driver saw after a sign-off, practice or evidence POST)
  is in the database;
- every response was a normal page: Pathway's own (NHS.UK layout, no traceback), the clear
  "briefly unavailable" 503 while PostgreSQL was down, or, for an upload while the disk was
  full, the form with the reason in its error summary; a dropped connection only where a
  worker was killed;
- each fault did what it should (the killed sign-off and upload left nothing behind) and the
  service came back by itself, within the time allowed.
`manage.py verify_records` (the hash chains) is run beside it by chaos/run.sh.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathway.settings")

STORE_FULL = "the space for evidence files is full"
RECOVERY_LIMIT_SECONDS = 30  # after PostgreSQL is back or a worker is replaced
FILLER = "chaos-filler"


class Findings:
    def __init__(self):
        self.failures: list[str] = []
        self.lines: list[str] = []

    def fail(self, text: str) -> None:
        self.failures.append(text)

    def expect(self, holds: bool, text: str) -> None:
        if not holds:
            self.fail(text)

    def say(self, text: str = "") -> None:
        self.lines.append(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True, type=Path)
    args = parser.parse_args()
    results = json.loads(args.results.read_text())

    import django

    django.setup()
    found = Findings()
    check_records(found)
    check_evidence_files(found, results)
    check_acknowledged(found, results)
    check_pages(found, results)
    check_faults(found, results)

    for line in found.lines:
        print(line)
    print()
    if found.failures:
        print(f"FAILED: {len(found.failures)} check(s) did not hold")
        for failure in found.failures[:50]:
            print(f"  - {failure}")
        if len(found.failures) > 50:
            print(f"  ... and {len(found.failures) - 50} more")
        sys.exit(1)
    print("All checks held: nothing half-written, every acknowledged write is there,")
    print("every page was a clear one, and the service recovered by itself.")


# The records ---------------------------------------------------------------------------------


def check_records(found: Findings) -> None:
    from django.db.models import Count

    from competencies.models import (
        Assessment,
        CompetencyProgress,
        Evidence,
        PracticeEntry,
        ProgressState,
        SignOffRequest,
    )

    Outcome, Status = Assessment.Outcome, SignOffRequest.Status
    assessed = dict(
        Assessment.objects.filter(request__isnull=False).values_list("request_id", "outcome")
    )
    requests = list(
        SignOffRequest.objects.values("id", "record_id", "competency_id", "status", "closed_at")
    )
    open_for = set()
    for r in requests:
        if r["status"] == Status.DECIDED and r["id"] not in assessed:
            found.fail(f"request {r['id']} is decided but has no assessment")
        if r["status"] != Status.DECIDED and r["id"] in assessed:
            found.fail(f"request {r['id']} has an assessment but is {r['status']}, not decided")
        if (r["status"] == Status.OPEN) != (r["closed_at"] is None):
            found.fail(f"request {r['id']} is {r['status']} with closed_at {r['closed_at']}")
        if r["status"] == Status.OPEN:
            open_for.add((r["record_id"], r["competency_id"]))

    practice = {
        (row["practiceentry__record_id"], row["competency_id"]): row["n"]
        for row in PracticeEntry.competencies.through.objects.values(
            "practiceentry__record_id", "competency_id"
        ).annotate(n=Count("id"))
    }
    history = defaultdict(list)
    revoked = set(
        Assessment.objects.filter(revokes__isnull=False).values_list("revokes_id", flat=True)
    )
    for a in Assessment.objects.order_by("trainee_id", "sequence").values(
        "id", "record_id", "competency_id", "outcome", "assessed_on"
    ):
        if a["outcome"] != Outcome.REVOKED and a["id"] not in revoked:
            history[(a["record_id"], a["competency_id"])].append(a)

    checked = 0
    for p in CompetencyProgress.objects.values(
        "id", "record_id", "competency_id", "state", "practice_count", "achieved_on"
    ):
        checked += 1
        key = (p["record_id"], p["competency_id"])
        where = f"progress {p['id']} (record {key[0]}, competency {key[1]})"
        state, count = p["state"], p["practice_count"]
        if count != practice.get(key, 0):
            found.fail(f"{where}: practice count {count}, practice entries {practice.get(key, 0)}")
        standing = history[key][-1] if history[key] else None
        if key in open_for:
            found.expect(
                state == ProgressState.AWAITING_SIGN_OFF,
                f"{where}: a request is open but the state is {state}",
            )
            continue
        if state == ProgressState.AWAITING_SIGN_OFF:
            found.fail(f"{where}: awaiting sign-off with no open request")
        elif standing and standing["outcome"] == Outcome.ACHIEVED:
            found.expect(
                state == ProgressState.ACHIEVED and p["achieved_on"] == standing["assessed_on"],
                f"{where}: the last decision is achieved on {standing['assessed_on']},"
                f" the progress says {state} on {p['achieved_on']}",
            )
        elif standing:
            found.expect(
                state in (ProgressState.NOT_YET_COMPETENT, ProgressState.IN_PROGRESS),
                f"{where}: the last decision is not yet competent, the progress says {state}",
            )
        else:
            expected = ProgressState.IN_PROGRESS if count else ProgressState.NOT_STARTED
            found.expect(
                state == expected, f"{where}: no decision and {count} practice, state {state}"
            )

    bare_practice = PracticeEntry.objects.filter(competencies__isnull=True).count()
    bare_evidence = Evidence.objects.filter(competencies__isnull=True).count()
    found.expect(bare_practice == 0, f"{bare_practice} practice entries name no competency")
    found.expect(bare_evidence == 0, f"{bare_evidence} pieces of evidence name no competency")
    found.say("Records")
    found.say(
        f"  {len(requests)} sign-off requests ({sum(r['status'] == Status.OPEN for r in requests)}"
        f" open), {len(assessed)} decisions on requests, {checked} progress rows,"
        f" {PracticeEntry.objects.count()} practice entries, {Evidence.objects.count()} evidence:"
        " checked against each other"
    )


def check_evidence_files(found: Findings, results: dict) -> None:
    from competencies.models import Evidence

    media = Path(results["media"])
    named = set()
    missing = wrong_size = 0
    for name, size, kind in Evidence.objects.values_list("file", "size", "kind"):
        if kind != Evidence.Kind.FILE:
            if name:
                found.fail(f"{kind} evidence carries a file {name}")
            continue
        named.add(name)
        path = media / name
        if not name or not path.is_file():
            missing += 1
            found.fail(f"file evidence without its file: {name!r}")
        elif path.stat().st_size != size:
            wrong_size += 1
            found.fail(f"evidence file {name} is {path.stat().st_size} bytes, recorded {size}")
    on_disk = {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()}
    stray = sorted(on_disk - named)
    found.expect(FILLER not in on_disk, "the filler that filled the disk is still there")
    killed_uploads = sum(
        1
        for f in results["faults"]
        if f["fault"] == "worker killed mid-upload" and f.get("client_saw") == "connection dropped"
    )
    stray_files = [s for s in stray if s != FILLER]
    # A worker killed after it stored the file and before its transaction committed leaves
    # the file with no row: expected once per killed upload, never counted as evidence.
    found.expect(
        len(stray_files) <= killed_uploads,
        f"{len(stray_files)} files that no evidence names (expected at most {killed_uploads},"
        f" from the killed upload): {stray_files[:5]}",
    )
    found.say("Evidence files")
    found.say(
        f"  {len(named)} file evidence, each with its file of the recorded size"
        f" ({missing} missing, {wrong_size} of another size); {len(stray_files)} stray file(s)"
        f" named by no evidence (left by the upload whose worker was killed)"
    )


def check_acknowledged(found: Findings, results: dict) -> None:
    from competencies.models import Assessment, Evidence, PracticeEntry

    acks = results["acks"]
    by_kind = Counter(a["kind"] for a in acks)
    decided = {
        a.request_id: a
        for a in Assessment.objects.filter(
            request_id__in=[a["request"] for a in acks if a["kind"] == "sign-off"]
        ).select_related("assessor", "request")
    }
    practice_tokens = {
        activity.rsplit(" ", 1)[-1]: (record, competencies)
        for activity, record, competencies in PracticeEntry.objects.filter(
            activity__startswith="Chaos practice "
        ).values_list("activity", "record_id", "competencies")
    }
    evidence = {
        title.rsplit(" ", 1)[-1]: (record, name)
        for title, record, name in Evidence.objects.filter(
            title__startswith="Chaos evidence "
        ).values_list("title", "record_id", "file")
    }
    lost = []
    for ack in acks:
        if ack["kind"] == "sign-off":
            a = decided.get(ack["request"])
            if a is None or a.outcome != ack["outcome"] or a.assessor.email != ack["by"]:
                lost.append(f"sign-off of request {ack['request']} ({ack['outcome']})")
            elif a.request.status != "decided":
                lost.append(f"sign-off of request {ack['request']}: request not closed")
        elif ack["kind"] == "practice":
            if practice_tokens.get(ack["token"], (None, None)) != (
                ack["record"],
                ack["competency"],
            ):
                lost.append(f"practice {ack['token']} on record {ack['record']}")
        elif ack["kind"] == "evidence":
            record, name = evidence.get(ack["token"], (None, None))
            if record != ack["record"] or not name:
                lost.append(f"evidence {ack['token']} on record {ack['record']}")
    for item in lost:
        found.fail(f"acknowledged but not in the database: {item}")
    found.say("Acknowledged writes")
    found.say(
        f"  {len(acks)} acknowledged ({by_kind['sign-off']} sign-offs, {by_kind['practice']}"
        f" practice logs, {by_kind['evidence']} evidence uploads): {len(acks) - len(lost)} found,"
        f" {len(lost)} missing"
    )


# What people saw -----------------------------------------------------------------------------


def _window(results, name, start_key, end_key):
    for fault in results["faults"]:
        if fault["fault"] == name and start_key in fault and end_key in fault:
            return fault[start_key], fault[end_key]
    return None


def check_pages(found: Findings, results: dict) -> None:
    responses = results["responses"]
    down = _window(results, "PostgreSQL crashed and restarted", "stop_began", "started_at")
    full = _window(results, "evidence folder full", "full_at", "freed_at")
    seen = Counter()
    refusals = Counter()
    for r in responses:
        label = f"{r['what']} by {r['role']} at {r['start']:.1f} s"
        if r["status"] is None:
            seen["connection dropped"] += 1
            found.expect(r.get("held", False), f"{label}: the connection dropped ({r['error']})")
            continue
        seen[r["status"]] += 1
        found.expect(not r["traceback"], f"{label}: a traceback was shown (HTTP {r['status']})")
        if r["status"] == 503:
            found.expect(r["page"] == "unavailable", f"{label}: a 503 that is not the clear page")
            # Answered after PostgreSQL went, and asked before it was back (and working).
            in_outage = (
                down and r["end"] >= down[0] and r["start"] <= down[1] + RECOVERY_LIMIT_SECONDS
            )
            found.expect(bool(in_outage), f"{label}: 503 while PostgreSQL was up")
        elif r["status"] >= 500:
            found.fail(f"{label}: HTTP {r['status']} ({r['page']} page)")
        elif r["page"] == "redirect":
            continue
        else:
            found.expect(r["page"] == "pathway", f"{label}: HTTP {r['status']}, not Pathway's page")
        if r["method"] == "POST" and r["status"] == 200:
            summary = r.get("summary", "")
            refusals[f"{r['what']}: {summary}"] += 1
            if STORE_FULL in summary:
                in_full = full and r["end"] >= full[0] and r["start"] <= full[1]
                found.expect(bool(in_full), f"{label}: 'disk full' while it was not")
            elif r["what"] == "evidence POST" and full and full[0] <= r["start"] <= full[1]:
                found.fail(f"{label}: refused while the disk was full, without saying why")
            found.expect(bool(summary), f"{label}: a form sent back with no error summary")

    found.say("What people saw")
    people = results["people"]
    found.say(
        f"  {len(responses)} responses in {results['seconds']:.0f} s to {people['mentors']}"
        f" mentors and {people['trainees']} trainees (and the fault driver's two people)"
    )
    found.say("  by status: " + ", ".join(f"{k}: {v}" for k, v in sorted(seen.items(), key=str)))
    tracebacks = sum(r.get("traceback", False) for r in responses)
    found.say(f"  tracebacks shown: {tracebacks}")
    if refusals:
        found.say("  forms sent back with a reason (refusals):")
        for text, n in refusals.most_common():
            found.say(f"    {n} x {text}")


def _verdict(acknowledged) -> str:
    return "acknowledged" if acknowledged else "refused"


def _first_success_after(responses, moment):
    ok = [
        r
        for r in responses
        if r["start"] >= moment and r["status"] is not None and r["status"] < 400
    ]
    return min(ok, key=lambda r: r["end"]) if ok else None


def check_faults(found: Findings, results: dict) -> None:
    responses = results["responses"]
    faults = {f["fault"]: f for f in results["faults"]}
    found.say("Faults and recovery")
    found.expect(
        results["master_alive_at_end"] and results["workers_at_end"] == results["workers"],
        f"gunicorn at the end: master alive {results['master_alive_at_end']},"
        f" {results['workers_at_end']} of {results['workers']} workers",
    )
    for fault in results["faults"]:
        found.expect(
            "error" not in fault, f"{fault['fault']}: the fault driver failed: {fault.get('error')}"
        )
    for name in ("worker killed mid-sign-off", "worker killed mid-upload"):
        f = faults.get(name)
        if f is None or "error" in f:
            found.fail(f"{name}: did not happen")
            continue
        found.expect(
            f.get("client_saw") == "connection dropped",
            f"{name}: the client saw {f.get('client_saw')}",
        )
        found.expect("replaced_at" in f, f"{name}: gunicorn did not replace the worker")
        found.expect(
            f.get("retried") is True, f"{name}: the same action afterwards was not acknowledged"
        )
        after = _first_success_after(responses, f.get("replaced_at", f["killed_at"]))
        found.expect(
            after is not None, f"{name}: no request succeeded after the worker was replaced"
        )
        found.say(
            f"  {name} (worker {f.get('worker')}, held at: {f.get('held_at', '')[:60]}...):"
            f" client saw {f.get('client_saw')}; worker replaced"
            f" {f.get('replaced_at', float('nan')) - f['killed_at']:.1f} s after the kill; the same"
            f" action again: {'acknowledged' if f.get('retried') else 'refused'}"
        )
    f = faults.get("worker killed mid-sign-off")
    if f and "after_kill" in f:
        found.expect(
            f["after_kill"] == {"status": "open", "assessments": 0},
            f"the killed sign-off left {f['after_kill']} (expected: still open, no assessment)",
        )
        found.say(
            f"    after the kill, before the retry: request {f['after_kill']['status']},"
            f" {f['after_kill']['assessments']} assessment(s)"
        )
    f = faults.get("worker killed mid-upload")
    if f and f.get("killed_upload_token"):
        from competencies.models import Evidence

        kept = Evidence.objects.filter(title=f"Chaos evidence {f['killed_upload_token']}").count()
        found.expect(kept == 0, "the killed upload's evidence row was kept")
        found.say(f"    the killed upload's evidence rows in the database: {kept}")

    f = faults.get("PostgreSQL crashed and restarted")
    if f is None or "error" in f:
        found.fail("the PostgreSQL restart did not happen")
    else:
        found.expect(
            f.get("page_while_down") == 503,
            f"a page while PostgreSQL was down gave {f.get('page_while_down')}",
        )
        found.expect(
            f.get("practice_while_down_acknowledged") is False,
            "practice sent while PostgreSQL was down was acknowledged",
        )
        unavailable = [r for r in responses if r["status"] == 503]
        after = _first_success_after(responses, f["started_at"])
        recovery = after["end"] - f["started_at"] if after else None
        found.expect(
            recovery is not None and recovery <= RECOVERY_LIMIT_SECONDS,
            f"after PostgreSQL came back, no request succeeded within {RECOVERY_LIMIT_SECONDS} s",
        )
        found.say(
            f"  PostgreSQL down {f['started_at'] - f['stopped_at']:.1f} s (stop -m immediate,"
            f" then start): {len(unavailable)} responses were the 503 'briefly unavailable' page;"
            f" first success {recovery:.2f} s after it was back"
            if recovery is not None
            else "  PostgreSQL restarted: no success afterwards"
        )

    f = faults.get("evidence folder full")
    if f is None or "error" in f:
        found.fail("the disk was not filled")
    else:
        during = f.get("upload_while_full", {})
        found.expect(
            during.get("status") == 200
            and during.get("message_in_summary")
            and not during.get("acknowledged"),
            f"an upload while the disk was full gave {during}",
        )
        found.expect(f.get("upload_after") is True, "an upload after the disk was freed failed")
        refused = [
            r
            for r in responses
            if r["what"] == "evidence POST" and STORE_FULL in r.get("summary", "")
        ]
        found.say(
            f"  evidence folder full for {f['freed_at'] - f['full_at']:.1f} s:"
            f" {len(refused)} uploads sent back with the reason in the error summary;"
            f" the first upload after freeing it: {_verdict(f.get('upload_after'))}"
            f" ({f['upload_after_at'] - f['freed_at']:.2f} s)"
        )


if __name__ == "__main__":
    main()
