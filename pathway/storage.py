"""Files in Azure Blob Storage (ADR 0025), and what every storage offers the rest of Pathway.

`BlobStorage` is django-storages' AzureStorage with two changes:
- a failure to reach Blob Storage is an OSError, as a full or failing disk is for the folder,
  so the code that already turns a storage fault into a sentence for the person (an upload
  refused on its field, a download "try again") does the same for both;
- the client's timeouts and retries from settings apply with a connection string too (the
  library passes them only when it builds the client from an account name and key).
"""

from __future__ import annotations

import contextlib
import hashlib

from azure.core.exceptions import AzureError, ResourceExistsError
from azure.storage.blob import BlobServiceClient
from storages.backends.azure_storage import AzureStorage, AzureStorageFile

CHUNK_BYTES = 1024 * 1024


class StorageUnavailable(OSError):
    """Blob Storage did not do what was asked (unreachable, timed out, refused)."""


@contextlib.contextmanager
def _as_os_error(doing: str, name: str = ""):
    try:
        yield
    except AzureError as error:
        raise StorageUnavailable(f"Blob Storage could not {doing} {name!r}: {error}") from error


class _BlobFile(AzureStorageFile):
    """The blob is fetched on first use (to memory up to 2 MB, then a temporary file)."""

    def _get_file(self):
        with _as_os_error("read", self.name):
            return super()._get_file()

    file = property(_get_file, AzureStorageFile._set_file)


class BlobStorage(AzureStorage):
    def _get_service_client(self):
        if self.connection_string:
            return BlobServiceClient.from_connection_string(
                self.connection_string, **self.client_options
            )
        return super()._get_service_client()

    def _open(self, name, mode="rb"):
        return _BlobFile(name, mode, self)

    def _save(self, name, content):
        with _as_os_error("write", name):
            return super()._save(name, content)

    def exists(self, name):
        with _as_os_error("look for", name):
            return super().exists(name)

    def delete(self, name):
        with _as_os_error("delete", name):
            return super().delete(name)

    def size(self, name):
        with _as_os_error("measure", name):
            return super().size(name)

    def listdir(self, path=""):
        with _as_os_error("list", path):
            return super().listdir(path)

    def container_create(self) -> bool:
        """Create the container if it is missing (a new account, Azurite); True if created."""
        with _as_os_error("create the container", self.azure_container):
            try:
                self.client.create_container(timeout=self.timeout)
            except ResourceExistsError:
                return False
        return True


def sha256_of(storage, name: str) -> str:
    """The SHA-256 of a stored file, read back through the storage in chunks."""
    digest = hashlib.sha256()
    with storage.open(name, "rb") as file:
        for chunk in iter(lambda: file.read(CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()
