"""Checks on uploaded evidence: size, and type judged by the file's content, not its name."""

from __future__ import annotations

import zipfile

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError

# What the content says the file is -> the extensions that may carry it.
ALLOWED = {
    "application/pdf": {"pdf"},
    "image/jpeg": {"jpg", "jpeg"},
    "image/png": {"png"},
    "image/gif": {"gif"},
    "image/heic": {"heic"},
    "image/webp": {"webp"},
    "application/msword": {"doc"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"docx"},
}
WORD_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
ALLOWED_DESCRIPTION = (
    "a PDF, a Word document (DOC or DOCX) or an image (JPG, PNG, GIF, HEIC or WEBP)"
)


def _sniff(upload) -> str | None:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if head.startswith(OLE_MAGIC):
        return "application/msword"
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime in {"application/zip", WORD_DOCX} or head.startswith(b"PK\x03\x04"):
        # A .docx is a zip holding word/document.xml; any other zip is refused.
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except Exception:  # noqa: BLE001 - a damaged zip fails in many ways; all mean "refuse it"
            return None
        finally:
            upload.seek(0)
        return WORD_DOCX if "word/document.xml" in names else "application/zip"
    return mime


def check_upload(upload) -> str:
    """Return the content type of an acceptable upload, or raise ValidationError on `upload`."""
    limit = settings.PATHWAY_MAX_UPLOAD_BYTES
    if upload.size == 0:
        raise ValidationError({"upload": "The selected file is empty"})
    if upload.size > limit:
        raise ValidationError(
            {"upload": f"The selected file must be smaller than {limit // (1024 * 1024)}MB"}
        )
    mime = _sniff(upload)
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if mime not in ALLOWED:
        raise ValidationError({"upload": f"The selected file must be {ALLOWED_DESCRIPTION}"})
    if extension not in ALLOWED[mime]:
        raise ValidationError(
            {
                "upload": f"The file's name ends .{extension or '(nothing)'} but its content is"
                " not that kind of file. Check you chose the right file."
            }
        )
    return mime
