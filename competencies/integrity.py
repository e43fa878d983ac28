"""Checks the sign-off ledger: every chain unbroken and unaltered, every chain where its head and
the latest checkpoint say it ends, and every competency's progress resting on its decisions.

`verify_chains` checks the records alone (kept for callers that want only that);
`verify_ledger` is what `manage.py verify_records` runs. ADR 0007 explains the design and
docs/operations.md what each problem means and what to do.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from competencies.checkpoints import (
    Checkpoint,
    ReplayedLog,
    compare_logs,
    database_log,
    read_export,
    replay_log,
    when,
)
from competencies.ledger import UnknownLedgerKey
from competencies.models import (
    KEYED_HASH_VERSION,
    TOMBSTONE,
    Assessment,
    ChainHead,
    CompetencyProgress,
    ProgressState,
    Redaction,
    SignOffRequest,
)
from pathway.models import User


@dataclass(frozen=True)
class ChainBreak:
    trainee_id: int
    trainee_name: str
    assessment_id: int
    sequence: int
    problem: str


@dataclass(frozen=True)
class CutOver:
    """When keyed hashing began, and how long each chain was then (from the first checkpoint)."""

    keyed_since: datetime.datetime
    lengths: dict[int, int] | None  # None: no checkpoint yet, so only the date is known
    source: str


@dataclass
class _Walk:
    """What walking every record in chain order found."""

    checked: int = 0
    breaks: list[ChainBreak] = field(default_factory=list)
    chains: dict[int, tuple[int, str]] = field(default_factory=dict)  # trainee -> (count, last)
    names: dict[int, str] = field(default_factory=dict)
    at_position: dict[tuple[int, int], str] = field(default_factory=dict)
    # (record, competency) -> [(assessment id, outcome)] in chain order, and what was revoked
    decisions: dict[tuple[int, int], list[tuple[int, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    revoked: set[int] = field(default_factory=set)
    unknown_keys: set[str] = field(default_factory=set)
    # assessment id -> its redactions (one per redacted field)
    redactions: dict[int, list[Redaction]] = field(default_factory=lambda: defaultdict(list))


def _walk_records(cut_over: CutOver | None, positions: set[tuple[int, int]]) -> _Walk:
    """Recompute every record's hash in chain order and note what later checks need: each
    chain's count and last hash, the hashes at `positions` (trainee, sequence), the decisions."""
    walk = _Walk()
    # Names once per trainee, not a person object per record: half the time at scale.
    walk.names = dict(
        User.objects.filter(pk__in=Assessment.objects.values("trainee_id")).values_list(
            "pk", "full_name"
        )
    )
    for redaction in Redaction.objects.all():
        walk.redactions[redaction.assessment_id].append(redaction)
    previous_trainee, previous_hash, expected_sequence, keyed_seen = None, "", 1, False
    rows = Assessment.objects.order_by("trainee_id", "sequence").iterator(chunk_size=2000)
    for assessment in rows:
        walk.checked += 1
        trainee = assessment.trainee_id
        if trainee != previous_trainee:
            previous_trainee, previous_hash, expected_sequence = trainee, "", 1
            keyed_seen = False

        def problem(text, a=assessment):
            name = walk.names.get(a.trainee_id, "")
            walk.breaks.append(ChainBreak(a.trainee_id, name, a.pk, a.sequence, text))

        if assessment.sequence != expected_sequence:
            problem(f"expected position {expected_sequence}, found {assessment.sequence}")
        if assessment.previous_hash != previous_hash:
            problem("does not follow the record before it (previous hash differs)")
        _check_content(assessment, problem, walk)
        if assessment.hash_version == KEYED_HASH_VERSION:
            keyed_seen = True
        else:
            _check_unkeyed(assessment, keyed_seen, cut_over, problem)
        if (trainee, assessment.sequence) in positions:
            walk.at_position[(trainee, assessment.sequence)] = assessment.record_hash
        if assessment.outcome == Assessment.Outcome.REVOKED:
            walk.revoked.add(assessment.revokes_id)
        else:
            key = (assessment.record_id, assessment.competency_id)
            walk.decisions[key].append((assessment.pk, assessment.outcome))
        previous_hash, expected_sequence = assessment.record_hash, assessment.sequence + 1
        walk.chains[trainee] = (walk.chains.get(trainee, (0, ""))[0] + 1, assessment.record_hash)
    return walk


def _check_content(assessment, problem, walk: _Walk) -> None:
    if assessment.hash_version not in (1, KEYED_HASH_VERSION):
        problem(f"has an unknown hash version ({assessment.hash_version})")
        return
    try:
        for text in content_problems(assessment, walk.redactions.get(assessment.pk, [])):
            problem(text)
    except UnknownLedgerKey as unknown:
        key_id = unknown.args[0] if unknown.args else assessment.hash_key_id
        walk.unknown_keys.add(key_id)
        problem(
            f"is signed with ledger key '{key_id}', which this server was not"
            " given (PATHWAY_LEDGER_KEYS), so it cannot be checked"
        )


def content_problems(assessment: Assessment, redactions: list[Redaction]) -> list[str]:
    """What is wrong with one record's content, given its redactions: empty when its hash (and
    each redaction's seal) proves nothing but the redacted personal text has changed since it
    was signed. Raises UnknownLedgerKey for a key this server was not given."""
    if not redactions:
        if assessment.compute_hash() != assessment.record_hash:
            return ["content has changed since it was signed (hash differs)"]
        return []
    problems = []
    digests = {redaction.field: redaction.digest for redaction in redactions}
    content = assessment.content_digest(digests)
    for redaction in redactions:
        if getattr(assessment, redaction.field) != TOMBSTONE:
            problems.append(
                f"has a redaction of its {redaction.field} recorded, but the field was not"
                " replaced by the tombstone"
            )
        if redaction.compute_seal(content) != redaction.seal:
            problems.append(
                f"the redaction of its {redaction.field} is not sealed by the ledger key for this"
                " content: the redaction or the record was altered, or the redaction forged"
            )
    # A version 1 hash covers the text itself, gone once redacted: the seals (written after the
    # record was checked against its hash) vouch for the rest of its content instead.
    if assessment.hash_version == KEYED_HASH_VERSION and (
        assessment.compute_hash(digests) != assessment.record_hash
    ):
        problems.append("content has changed since it was signed (hash differs)")
    return problems


def _check_unkeyed(assessment, keyed_seen: bool, cut_over: CutOver | None, problem) -> None:
    """A version 1 record can be recomputed by anyone with the source code, so it is accepted
    only from before keyed hashing began: never after a keyed record in its chain, never dated
    after the cut-over, never beyond the chain's length at the first checkpoint."""
    unkeyed = "is unkeyed (hash version 1, which anyone with the source code can recompute)"
    if keyed_seen:
        problem(f"{unkeyed} but comes after a keyed record in the same chain")
    elif cut_over is not None and assessment.created_at >= cut_over.keyed_since:
        problem(f"{unkeyed} but is dated after keyed hashing began ({when(cut_over.keyed_since)})")
    elif cut_over is not None and cut_over.lengths is not None:
        allowed = cut_over.lengths.get(assessment.trainee_id, 0)
        if assessment.sequence > allowed:
            problem(
                f"{unkeyed} but lies beyond the {allowed} record{'s' if allowed != 1 else ''}"
                f" this chain held at {cut_over.source}, when keyed hashing had begun"
            )


def verify_chains() -> tuple[int, list[ChainBreak]]:
    """Recompute every record's hash in chain order. Returns (records checked, breaks found)."""
    walk = _walk_records(_cut_over(replay_log(database_log(), "the database's log")), set())
    return walk.checked, walk.breaks


def _cut_over(replayed: ReplayedLog) -> CutOver | None:
    if replayed.first is not None:
        lengths = {trainee: length for trainee, (length, _) in replayed.first_heads.items()}
        return CutOver(replayed.first.keyed_since, lengths, replayed.first.describe())
    # No checkpoint yet: keyed hashing began no later than the first keyed record.
    first_keyed = (
        Assessment.objects.filter(hash_version=KEYED_HASH_VERSION)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return CutOver(first_keyed, None, "") if first_keyed else None


@dataclass
class LedgerReport:
    records: int
    chains: int
    checkpoint: Checkpoint | None  # the checkpoint the records were compared with
    breaks: list[ChainBreak]
    problems: list[str]  # everything else, in plain sentences
    notes: list[str]

    @property
    def ok(self) -> bool:
        return not self.breaks and not self.problems

    @property
    def count(self) -> int:
        return len(self.breaks) + len(self.problems)


def verify_ledger(*, exported: Path | None = None) -> LedgerReport:
    """Everything `verify_records` checks. `exported`: a copy of the checkpoint log kept outside
    the database (export_checkpoints), compared too. Raises UnreadableExport if it cannot be
    read."""
    problems: list[str] = []
    notes: list[str] = []
    ours = replay_log(database_log(), "the database's log")
    problems += ours.problems
    # The checkpoint to compare with is the newest of either log; the cut-over is fixed by the
    # first checkpoint, the database's or else the copy's.
    reference = first = ours
    if exported is not None:
        theirs = replay_log(read_export(exported), str(exported))
        problems += theirs.problems
        problems += compare_logs(ours.log, theirs.log, exported)
        if theirs.last is not None and (ours.last is None or theirs.last.number > ours.last.number):
            reference = theirs
        if ours.first is None:
            first = theirs
    cut_over = _cut_over(first)
    positions = {(trainee, length) for trainee, (length, _) in reference.heads.items()}
    walk = _walk_records(cut_over, positions)
    heads = {
        trainee: (length, last)
        for trainee, length, last in ChainHead.objects.values_list(
            "trainee_id", "length", "last_hash"
        )
    }
    names = _names(walk, set(heads) | set(reference.heads))
    problems += _compare_heads(walk, heads, names)
    if reference.last is not None:
        problems += _compare_checkpoint(walk, reference, names)
    else:
        notes.append(
            "No checkpoint has been written yet, so a chain rewound together with its head"
            " cannot be seen: run ledger_checkpoint."
        )
    problems += _compare_progress(walk)
    for key_id in sorted(walk.unknown_keys):
        notes.append(
            f"Records signed with ledger key '{key_id}' cannot be checked: add that key back to"
            " PATHWAY_LEDGER_KEYS, after the current one (docs/operations.md)."
        )
    return LedgerReport(
        records=walk.checked,
        chains=len(walk.chains),
        checkpoint=reference.last,
        breaks=walk.breaks,
        problems=problems,
        notes=notes,
    )


def _names(walk: _Walk, others: set[int]) -> dict[int, str]:
    names = dict(walk.names)
    missing = others - set(names)
    names.update(User.objects.filter(pk__in=missing).values_list("pk", "full_name"))
    return names


def _person(trainee: int, names: dict[int, str]) -> str:
    name = names.get(trainee)
    return f"{name} (person {trainee})" if name else f"Person {trainee} (not in the database)"


def _records(n: int) -> str:
    return f"{n} record{'s' if n != 1 else ''}"


def _short(digest: str) -> str:
    return digest[:12] + "…" if digest else "(none)"


def _compare_heads(walk: _Walk, heads, names) -> list[str]:
    """Each chain must end where its head, written with every record, says it does."""
    problems = []
    for trainee in sorted(set(heads) | set(walk.chains)):
        head, chain = heads.get(trainee), walk.chains.get(trainee)
        who = _person(trainee, names)
        if head is None:
            problems.append(
                f"{who} has {_records(chain[0])} but no chain head: the head was deleted, or the"
                " records were restored without it (build_chain_heads makes heads for chains"
                " that have none)."
            )
        elif chain is None:
            problems.append(
                f"{who}: the chain head says {_records(head[0])} ending in hash {_short(head[1])},"
                " but the database holds none of them: the whole chain is missing."
            )
        elif head != chain:
            fewer = chain[0] < head[0]
            problems.append(
                f"{who}: the chain head says {_records(head[0])} ending in hash"
                f" {_short(head[1])}, but the database holds {_records(chain[0])} ending in hash"
                f" {_short(chain[1])}: "
                + (
                    "the newest records are missing."
                    if fewer
                    else "records were added or changed without the sign-off service."
                )
            )
    return problems


def _compare_checkpoint(walk: _Walk, reference: ReplayedLog, names) -> list[str]:
    """Each chain the checkpoint names must still hold, at the position where it then ended,
    the record it then ended with. Records added since are the chain growing: allowed."""
    checkpoint = reference.last
    problems = []
    lost_chains = 0
    for trainee, (length, last) in sorted(reference.heads.items()):
        who = _person(trainee, names)
        expected = (
            f"{checkpoint.describe()} recorded {_records(length)} ending in hash {_short(last)}"
        )
        held = walk.chains.get(trainee, (0, ""))[0]
        if held == 0:
            lost_chains += 1
            problems.append(f"{who}: {expected}, but the database holds none: the chain is gone.")
        elif held < length:
            problems.append(
                f"{who}: {expected}, but the database holds {_records(held)}: records were"
                " removed after that checkpoint."
            )
        elif walk.at_position.get((trainee, length)) != last:
            problems.append(
                f"{who}: {expected}, but the record at position {length} is another one: the"
                " chain was rewritten after that checkpoint."
            )
    if walk.checked < checkpoint.records:
        problems.insert(
            0,
            f"{checkpoint.describe().capitalize()} names {checkpoint.chains} chain"
            f"{'s' if checkpoint.chains != 1 else ''} holding {_records(checkpoint.records)}; the"
            f" database holds {_records(walk.checked)}"
            + (f" and {lost_chains} of those chains are gone entirely." if lost_chains else "."),
        )
    return problems


def _compare_progress(walk: _Walk) -> list[str]:
    """A competency shown as achieved must rest on a standing achieved decision (the latest in
    its history not revoked), and a standing achieved decision must show as achieved (or as
    awaiting a reassessment the trainee has asked for)."""
    standing = {}
    for key, decisions in walk.decisions.items():
        remaining = [outcome for pk, outcome in decisions if pk not in walk.revoked]
        if remaining:
            standing[key] = remaining[-1]
    open_requests = set(
        SignOffRequest.objects.filter(status=SignOffRequest.Status.OPEN).values_list(
            "record_id", "competency_id"
        )
    )
    problems = []
    rows = CompetencyProgress.objects.values_list(
        "record_id",
        "competency_id",
        "state",
        "record__trainee_id",
        "record__trainee__full_name",
        "competency__code",
    ).order_by("record__trainee_id", "record_id", "competency_id")
    for record, competency, state, trainee, name, code in rows.iterator(chunk_size=5000):
        decision = standing.get((record, competency))
        achieved = decision == Assessment.Outcome.ACHIEVED
        who = f"{name} (person {trainee})"
        if state == ProgressState.ACHIEVED and not achieved:
            problems.append(
                f"{who}: competency {code} shows as achieved on their record, but no standing"
                " 'achieved' decision supports it (none was recorded, or it was revoked)."
            )
        elif (
            achieved
            and state != ProgressState.ACHIEVED
            and (
                state != ProgressState.AWAITING_SIGN_OFF
                or (record, competency) not in open_requests
            )
        ):
            shown = ProgressState(state).label
            problems.append(
                f"{who}: the standing decision on competency {code} is 'achieved', but their"
                f" record shows it as '{shown}'."
            )
    return problems
