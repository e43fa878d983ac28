"""The cluster test's mail server (tools/cluster_test.py): Django's file backend, one file a
message, that first notes it has a message and then takes a few seconds to accept it, like a
busy mail server. The test kills the worker during that pause."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("file_path", os.environ["PATHWAY_CLUSTER_MAIL_DIR"])
        super().__init__(*args, **kwargs)

    def send_messages(self, email_messages):
        folder = Path(self.file_path)
        for message in email_messages:
            (folder / f"sending-{time.time_ns()}").write_text(message.extra_headers["Message-ID"])
        time.sleep(float(os.environ.get("PATHWAY_CLUSTER_MAIL_DELAY", "3")))
        return super().send_messages(email_messages)
