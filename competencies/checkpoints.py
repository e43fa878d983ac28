"""Checkpoints of the sign-off ledger: sealed statements of where every chain ended (ADR 0007).

A chain head is (trainee id, length, last hash). A checkpoint lists the heads that changed since
the checkpoint before it; replaying the log from the first checkpoint gives every head at each
checkpoint, and `digest` (SHA-256 over all of them, in trainee order) must match. Its `mac`, an
HMAC under the ledger key, covers its content and the MAC of the checkpoint before it, so no
checkpoint can be altered, removed from the middle or forged without the key.

The log lives in the database (LedgerCheckpoint) and, exported as JSON lines, outside it: this
module reads both into `Checkpoint`s and checks a log on its own. Comparing a log with the
records is `competencies.integrity`'s work.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from competencies.ledger import UnknownLedgerKey, ledger_hmac

Heads = dict[int, tuple[int, str]]  # trainee id -> (length, last hash)


def heads_digest(heads: Heads) -> str:
    """SHA-256 over every chain head, in trainee order: the same heads give the same digest."""
    lines = (f"{trainee}:{length}:{last}\n" for trainee, (length, last) in sorted(heads.items()))
    text = "".join(lines)
    return hashlib.sha256(text.encode()).hexdigest()


def _moment(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="milliseconds")


def to_milliseconds(moment: datetime.datetime) -> datetime.datetime:
    """What survives a round trip through the exported file and Django's serialiser."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def when(moment: datetime.datetime) -> str:
    """A checkpoint's time as people read it: 5 December 2026 at 02:00."""
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


@dataclass(frozen=True)
class Checkpoint:
    number: int
    created_at: datetime.datetime
    keyed_since: datetime.datetime
    chains: int
    records: int
    changes: tuple[tuple[int, int, str], ...]
    digest: str
    previous_mac: str
    key_id: str
    mac: str

    def sealed_text(self) -> str:
        """What the MAC covers. The changes are covered through the digest (see replay_log)."""
        return json.dumps(
            {
                "number": self.number,
                "created_at": _moment(self.created_at),
                "keyed_since": _moment(self.keyed_since),
                "chains": self.chains,
                "records": self.records,
                "digest": self.digest,
                "previous_mac": self.previous_mac,
                "key_id": self.key_id,
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    def seal(self) -> str:
        return ledger_hmac(self.key_id, self.sealed_text())

    def describe(self) -> str:
        return f"checkpoint {self.number} (written {when(self.created_at)})"

    def as_json(self) -> str:
        return json.dumps(
            {
                "number": self.number,
                "created_at": _moment(self.created_at),
                "keyed_since": _moment(self.keyed_since),
                "chains": self.chains,
                "records": self.records,
                "changes": [list(change) for change in self.changes],
                "digest": self.digest,
                "previous_mac": self.previous_mac,
                "key_id": self.key_id,
                "mac": self.mac,
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, line: str) -> Checkpoint:
        data = json.loads(line)
        return cls(
            number=int(data["number"]),
            created_at=datetime.datetime.fromisoformat(data["created_at"]),
            keyed_since=datetime.datetime.fromisoformat(data["keyed_since"]),
            chains=int(data["chains"]),
            records=int(data["records"]),
            changes=tuple((int(t), int(n), str(h)) for t, n, h in data["changes"]),
            digest=str(data["digest"]),
            previous_mac=str(data["previous_mac"]),
            key_id=str(data["key_id"]),
            mac=str(data["mac"]),
        )

    @classmethod
    def from_row(cls, row) -> Checkpoint:
        return cls(
            number=row.number,
            created_at=row.created_at,
            keyed_since=row.keyed_since,
            chains=row.chains,
            records=row.records,
            changes=tuple((int(t), int(n), str(h)) for t, n, h in row.changes),
            digest=row.digest,
            previous_mac=row.previous_mac,
            key_id=row.key_id,
            mac=row.mac,
        )


def database_log() -> list[Checkpoint]:
    from competencies.models import LedgerCheckpoint

    return [Checkpoint.from_row(row) for row in LedgerCheckpoint.objects.order_by("number")]


class UnreadableExport(ValueError):
    """The exported file is missing or is not a log of checkpoints."""


def read_export(path: Path) -> list[Checkpoint]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise UnreadableExport(f"Cannot read {path}: {error.strerror}") from error
    log = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            log.append(Checkpoint.from_json(line))
        except (ValueError, KeyError, TypeError) as error:
            raise UnreadableExport(
                f"Line {number} of {path} is not a ledger checkpoint ({error})"
            ) from error
    return log


def write_export(path: Path, log: Iterable[Checkpoint]) -> None:
    """Write the whole log as JSON lines, replacing the file in one step (never half-written)."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            for checkpoint in log:
                out.write(checkpoint.as_json() + "\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass
class ReplayedLog:
    """A log replayed: the heads after its last checkpoint, and what is wrong with it."""

    log: list[Checkpoint]
    heads: Heads
    first_heads: Heads  # after the first checkpoint: the chains as keyed hashing began
    problems: list[str]

    @property
    def last(self) -> Checkpoint | None:
        return self.log[-1] if self.log else None

    @property
    def first(self) -> Checkpoint | None:
        return self.log[0] if self.log else None


def replay_log(log: list[Checkpoint], source: str) -> ReplayedLog:
    """Check a log on its own: numbered from 1 without gaps, each sealed under a key this server
    holds, each following the one before, no chain shortened, and each digest matching the heads
    its changes lead to. `source` names the log in the sentences ("the database's log")."""
    heads: Heads = {}
    first_heads: Heads = {}
    problems: list[str] = []
    previous: Checkpoint | None = None
    for position, checkpoint in enumerate(log, start=1):
        name = f"{checkpoint.describe()} in {source}"
        if checkpoint.number != position:
            problems.append(
                f"In {source}, checkpoint {checkpoint.number} comes where checkpoint {position}"
                " should: checkpoints are missing from the log."
            )
        if previous is not None and checkpoint.previous_mac != previous.mac:
            problems.append(
                f"The {name} does not follow checkpoint {previous.number} before it (it names"
                " another checkpoint as its predecessor): the log was altered."
            )
        if previous is None and checkpoint.previous_mac:
            problems.append(f"The {name} names a predecessor, but it is the first in the log.")
        if previous is not None and checkpoint.keyed_since != previous.keyed_since:
            problems.append(f"The {name} moves the date keyed hashing began: the log was altered.")
        try:
            if checkpoint.seal() != checkpoint.mac:
                problems.append(
                    f"The {name} does not carry a valid seal (its MAC differs): it was altered or"
                    " forged."
                )
        except UnknownLedgerKey:
            problems.append(
                f"The {name} is sealed with ledger key '{checkpoint.key_id}', which this server"
                " was not given (PATHWAY_LEDGER_KEYS), so it cannot be checked."
            )
        for trainee, length, last in checkpoint.changes:
            before = heads.get(trainee, (0, ""))[0]
            if length <= before:
                problems.append(
                    f"The {name} takes the chain of person {trainee} from {before} records back"
                    f" to {length}: a checkpoint never shortens a chain."
                )
            heads[trainee] = (length, last)
        if heads_digest(heads) != checkpoint.digest:
            problems.append(
                f"The {name} lists changes that do not lead to its digest: the list was altered."
            )
        if checkpoint.chains != len(heads) or checkpoint.records != sum(
            length for length, _ in heads.values()
        ):
            problems.append(f"The {name} miscounts its chains or records: it was altered.")
        if previous is None:
            first_heads = dict(heads)
        previous = checkpoint
    return ReplayedLog(log=log, heads=heads, first_heads=first_heads, problems=problems)


def compare_logs(database: list[Checkpoint], exported: list[Checkpoint], path) -> list[str]:
    """The exported copy and the database's log must agree wherever both have a checkpoint, and
    the database must hold every checkpoint the copy does."""
    problems = []
    in_database = {checkpoint.number: checkpoint for checkpoint in database}
    for checkpoint in exported:
        ours = in_database.get(checkpoint.number)
        if ours is not None and ours.mac != checkpoint.mac:
            problems.append(
                f"Checkpoint {checkpoint.number} in {path} (written {when(checkpoint.created_at)})"
                f" differs from the database's checkpoint {ours.number} (written"
                f" {when(ours.created_at)}): the database's log was rewritten, or restored from"
                " before that checkpoint and continued since."
            )
    missing = [c for c in exported if c.number not in in_database]
    if missing:
        problems.append(
            f"{path} holds checkpoints up to {exported[-1].describe()}, but the database's log"
            f" {'ends at checkpoint ' + str(database[-1].number) if database else 'is empty'}:"
            f" {len(missing)} checkpoint{'s are' if len(missing) != 1 else ' is'} missing from"
            " the database."
        )
    return problems
