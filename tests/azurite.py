"""A real Azurite (Microsoft's Blob Storage emulator, the npm package `azurite`, installed by
`make install`) for the few tests that need Blob Storage.

Each one is started on a free port (Azurite picks it: --blobPort 0, and says which), holds its
blobs in memory, and is stopped at the end. Under pytest-xdist each worker that runs such a test
starts its own, so workers never share one or race for a port.
"""

from __future__ import annotations

import re
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AZURITE_BLOB = ROOT / "node_modules" / ".bin" / "azurite-blob"
# Azurite's development account: a published, well-known name and key, valid only on Azurite.
ACCOUNT = "devstoreaccount1"
ACCOUNT_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)
LISTENING = re.compile(r"listens on http://127\.0\.0\.1:(\d+)")
START_SECONDS = 30


class Azurite:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.log = workdir / "azurite.log"
        self.process: subprocess.Popen | None = None
        self.port: int | None = None

    def __enter__(self) -> Azurite:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def connection_string(self) -> str:
        return (
            f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={ACCOUNT_KEY};"
            f"BlobEndpoint=http://127.0.0.1:{self.port}/{ACCOUNT};"
        )

    def start(self) -> Azurite:
        if not AZURITE_BLOB.exists():
            raise RuntimeError(f"{AZURITE_BLOB} is missing: run `make install` (npm ci)")
        self.workdir.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    str(AZURITE_BLOB),
                    "--blobHost",
                    "127.0.0.1",
                    "--blobPort",
                    "0",
                    "--inMemoryPersistence",
                    "--extentMemoryLimit",
                    "64",
                    "--silent",
                    "--skipApiVersionCheck",
                    "--loose",
                    "--disableTelemetry",
                ],  # fmt: skip
                cwd=self.workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + START_SECONDS
        while self.port is None or not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"Azurite did not start: {self.log.read_text()[-2000:]}")
            time.sleep(0.05)
            if self.port is None and (found := LISTENING.search(self.log.read_text())):
                self.port = int(found.group(1))
        return self

    def _answers(self) -> bool:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{ACCOUNT}?comp=list", timeout=2)
        except urllib.error.HTTPError:
            return True  # any answer at all (unsigned, so refused) means it is serving
        except OSError:
            return False
        return True

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
