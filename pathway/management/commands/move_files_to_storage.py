"""Move the files in the local folder (PATHWAY_MEDIA_ROOT) into the default storage (Blob
Storage, with PATHWAY_STORAGE=azure), checking each copy by reading it back (ADR 0025).

Safe to run again: a file already in the storage with the same SHA-256 is counted as verified
and not copied again. A file whose stored copy differs is reported and left as it is in both
places, for a person to look at; the command then ends with an error. Files are deleted from
the folder only with --delete-source, and only once their copy has been verified.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import BaseCommand, CommandError

from pathway.storage import sha256_of

COPIED, ALREADY, MISMATCH, FAILED, DELETED = (
    "copied and verified",
    "already there and verified",
    "differ from their stored copy",
    "could not be copied",
    "deleted from the folder",
)


class Command(BaseCommand):
    help = (
        "Copy the files in the local folder to the default storage (Blob Storage), verify each"
        " copy by SHA-256 read back from the storage, and with --delete-source remove the"
        " verified ones from the folder. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from",
            dest="folder",
            default=settings.MEDIA_ROOT,
            help="the folder to move files from (default: PATHWAY_MEDIA_ROOT, now %(default)s)",
        )
        parser.add_argument(
            "--delete-source",
            action="store_true",
            help="delete each file from the folder once its stored copy is verified",
        )
        parser.add_argument(
            "--create-container",
            action="store_true",
            help="create the Blob Storage container first if it does not exist",
        )

    def handle(self, *args, folder, delete_source, create_container, **options):
        source = FileSystemStorage(location=folder)
        target = default_storage
        _refuse_same_place(Path(folder), target)
        if create_container and hasattr(target, "container_create"):
            try:
                if target.container_create():
                    self.stdout.write(f"Created the container {target.azure_container}.")
            except OSError as error:
                raise CommandError(str(error)) from error
        names = _files_in(Path(folder))
        counts = Counter()
        for name in names:
            outcome = self._move(source, target, name)
            counts[outcome] += 1
            if delete_source and outcome in {COPIED, ALREADY}:
                source.delete(name)
                counts[DELETED] += 1
        self.stdout.write(_summary(len(names), counts))
        if counts[MISMATCH] or counts[FAILED]:
            raise CommandError(
                f"{counts[MISMATCH] + counts[FAILED]} files were not moved (listed above);"
                " their files in the folder are kept."
            )

    def _move(self, source, target, name: str) -> str:
        try:
            expected = sha256_of(source, name)
            if target.exists(name):
                outcome = ALREADY
            else:
                outcome = COPIED
                with source.open(name, "rb") as file:
                    saved = target.save(name, file)
                if saved != name:  # someone stored that name meanwhile; leave theirs alone
                    target.delete(saved)
                    return self._failed(name, "the storage gave the copy another name")
            found = sha256_of(target, name)
        except OSError as error:
            return self._failed(name, str(error))
        if found != expected:
            self.stderr.write(
                f"MISMATCH {name}: the folder's file has SHA-256 {expected}, the stored copy"
                f" {found}. Both are left as they are."
            )
            return MISMATCH
        return outcome

    def _failed(self, name: str, reason: str) -> str:
        self.stderr.write(f"FAILED {name}: {reason}")
        return FAILED


def _refuse_same_place(folder: Path, target) -> None:
    location = getattr(target, "location", None)
    if isinstance(target, FileSystemStorage) and location is not None:
        with contextlib.suppress(OSError):
            if Path(location).resolve() == folder.resolve():
                raise CommandError(
                    "The default storage is this folder: set PATHWAY_STORAGE=azure and the"
                    " PATHWAY_AZURE_... settings (docs/operations.md) before moving files."
                )


def _files_in(folder: Path) -> list[str]:
    if not folder.is_dir():
        raise CommandError(f"There is no folder {folder}.")
    return sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and not path.is_symlink()
    )


def _summary(total: int, counts: Counter) -> str:
    parts = [f"{counts[outcome]} {outcome}" for outcome in (COPIED, ALREADY, MISMATCH, FAILED)]
    if counts[DELETED]:
        parts.append(f"{counts[DELETED]} {DELETED}")
    return f"{total} files in the folder: " + ", ".join(parts) + "."
