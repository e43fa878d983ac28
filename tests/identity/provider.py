"""Running the test OpenID provider (tests/identity/provider.mjs), and going through its
sign-in as a browser would, with `requests`.

`start_provider` writes the provider's configuration (its keys are made here, so tests can
also sign tokens with the provider's own key), starts Node on a free port of 127.0.0.1, waits
until it answers, and returns a RunningProvider; `stop()` ends the process it started.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import requests
from joserfc.jwk import RSAKey

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "provider.mjs"
CALLBACK = "/sign-in/nhs/callback/"
SIGNED_OUT = "/sign-in/"

CLIENT_ID = "pathway"
CIS2_CLIENT_ID = "pathway-private-key-jwt"

# The provider's accounts: the tests make Pathway people to match (or not) these.
ACCOUNTS = {
    "sarah": {
        "email": "sarah.mitchell@nhs.net",
        "email_verified": True,
        "name": "Sarah Mitchell",
        "employee_number": "E1001",
    },
    "tom": {"email": "tom.barker@nhs.net", "email_verified": True, "name": "Tom Barker"},
    "lena": {"email": "lena.lead@nhs.net", "email_verified": True, "name": "Lena Lead"},
    "unverified": {
        "email": "pat.quinn@nhs.net",
        "email_verified": False,
        "name": "Pat Quinn",
    },
    "stranger": {"email": "sam.stranger@nhs.net", "email_verified": True, "name": "Sam Stranger"},
    "numbered": {"name": "Nina Number", "employee_number": "E2002"},
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RunningProvider:
    issuer: str
    process: subprocess.Popen
    signing_key: RSAKey
    client_secret: str
    client_private_key_pem: str
    client_private_key_id: str
    folder: Path
    output: list[str] = field(default_factory=list)

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def settings(self, *, base_url: str) -> dict:
        """Pathway's settings for this provider, with a client secret."""
        return {
            "PATHWAY_OIDC_ISSUER": self.issuer,
            "PATHWAY_OIDC_DISCOVERY_URL": "",
            "PATHWAY_OIDC_CLIENT_ID": CLIENT_ID,
            "PATHWAY_OIDC_CLIENT_SECRET": self.client_secret,
            "PATHWAY_OIDC_PRIVATE_KEY_FILE": "",
            "PATHWAY_OIDC_PRIVATE_KEY_ID": "",
            "PATHWAY_OIDC_SCOPES": "openid email profile",
            "PATHWAY_OIDC_EMPLOYEE_NUMBER_CLAIM": "employee_number",
            "PATHWAY_BASE_URL": base_url,
        }

    def private_key_settings(self, *, base_url: str) -> dict:
        """The same provider, as a client authenticating with private_key_jwt (CIS2's way)."""
        key_file = self.folder / "pathway-client-key.pem"
        key_file.write_text(self.client_private_key_pem)
        return {
            **self.settings(base_url=base_url),
            "PATHWAY_OIDC_CLIENT_ID": CIS2_CLIENT_ID,
            "PATHWAY_OIDC_CLIENT_SECRET": "",
            "PATHWAY_OIDC_PRIVATE_KEY_FILE": str(key_file),
            "PATHWAY_OIDC_PRIVATE_KEY_ID": self.client_private_key_id,
        }

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


def start_provider(*, redirect_bases: list[str]) -> RunningProvider:
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("Node.js is needed for the OpenID provider of the tests")
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    signing_key = RSAKey.generate_key(2048, parameters={"kid": "provider-1", "use": "sig"})
    client_key = RSAKey.generate_key(2048, parameters={"kid": "pathway-client-1"})
    client_secret = secrets.token_urlsafe(32)
    client = {
        "redirect_uris": [base.rstrip("/") + CALLBACK for base in redirect_bases],
        "post_logout_redirect_uris": [base.rstrip("/") + SIGNED_OUT for base in redirect_bases],
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
        "id_token_signed_response_alg": "RS256",
    }
    config = {
        "issuer": issuer,
        "port": port,
        "cookieKey": secrets.token_urlsafe(32),
        "keys": [signing_key.as_dict(private=True, alg="RS256")],
        "accounts": ACCOUNTS,
        "clients": [
            {
                **client,
                "client_id": CLIENT_ID,
                "client_secret": client_secret,
                "token_endpoint_auth_method": "client_secret_basic",
            },
            {
                **client,
                "client_id": CIS2_CLIENT_ID,
                "token_endpoint_auth_method": "private_key_jwt",
                "token_endpoint_auth_signing_alg": "RS256",
                "jwks": {"keys": [client_key.as_dict(private=False, alg="RS256")]},
            },
        ],
    }
    folder = Path(tempfile.mkdtemp(prefix="pathway-oidc-"))
    config_file = folder / "provider.json"
    config_file.write_text(json.dumps(config))
    process = subprocess.Popen(  # noqa: S603 - our own script, with our own arguments
        [node, str(SCRIPT), str(config_file)],
        cwd=str(HERE.parent.parent),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "NODE_ENV": "test"},
    )
    running = RunningProvider(
        issuer=issuer,
        process=process,
        signing_key=signing_key,
        client_secret=client_secret,
        client_private_key_pem=client_key.as_pem(private=True).decode(),
        client_private_key_id="pathway-client-1",
        folder=folder,
    )
    # Read what Node prints as it comes, so a full pipe never blocks it; the end is kept for
    # a failure's message.
    threading.Thread(target=_drain, args=(running,), daemon=True).start()
    _wait_until_ready(running)
    return running


def _drain(running: RunningProvider) -> None:
    for line in running.process.stdout:
        running.output.append(line)
        del running.output[:-200]


def _wait_until_ready(running: RunningProvider, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if running.process.poll() is not None:
            time.sleep(0.2)
            output = "".join(running.output)
            raise RuntimeError(f"The test OpenID provider stopped:\n{output}")
        try:
            if requests.get(running.discovery_url, timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    running.stop()
    raise RuntimeError("The test OpenID provider did not start in time")


# Going through the provider's sign-in as a browser would ------------------------------------


class ProviderBrowser:
    """A browser at the provider: keeps the provider's cookies (its session) between steps,
    follows its redirects, and fills in its login form. Stops at the first address of
    Pathway (`base`) and hands it back."""

    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.http = requests.Session()
        self.pages: list[str] = []

    def visit(self, url: str, *, account: str | None = None, steps: int = 12) -> str:
        """Go to `url` at the provider; sign in as `account` when asked. Returns Pathway's
        address (path and query) the provider sends the browser back to."""
        for _ in range(steps):
            if url.startswith(self.base):
                return url[len(self.base) :] or "/"
            answer = self.http.get(url, allow_redirects=False, timeout=10)
            self.pages.append(url)
            if answer.status_code in (301, 302, 303, 307):
                url = urljoin(url, answer.headers["Location"])
                continue
            form = _form(answer.text)
            if answer.status_code == 200 and form and form.get("prompt") == "login":
                if account is None:
                    raise AssertionError("The provider asked to sign in, and no account was given")
                url = self._submit(url, form, {"login": account, "password": "any password"})
                continue
            if answer.status_code == 200 and form and "xsrf" in form:  # "Do you want to sign out?"
                url = self._submit(url, form, {"logout": "yes"})
                continue
            raise AssertionError(
                f"The provider answered {answer.status_code} at {url}:\n{answer.text[:800]}"
            )
        raise AssertionError("Too many steps at the provider")

    def _submit(self, url: str, form: dict, values: dict) -> str:
        action = urljoin(url, form.pop("_action"))
        answer = self.http.post(action, data={**form, **values}, allow_redirects=False, timeout=10)
        if answer.status_code not in (302, 303):
            raise AssertionError(f"The provider's form answered {answer.status_code}")
        return urljoin(action, answer.headers["Location"])

    def asks_to_sign_in(self, url: str) -> bool:
        """Whether the provider shows its login form for this address (no session there)."""
        for _ in range(6):
            answer = self.http.get(url, allow_redirects=False, timeout=10)
            if answer.status_code in (302, 303):
                url = urljoin(url, answer.headers["Location"])
                if url.startswith(self.base):
                    return False
                continue
            return (_form(answer.text) or {}).get("prompt") == "login"
        return False


def _form(html: str) -> dict | None:
    """The first form of a provider page: its action and its hidden and named inputs."""
    found = re.search(r"<form[^>]*action=\"([^\"]+)\"[^>]*>(.*?)</form>", html, re.S)
    if not found:
        return None
    fields = {"_action": found.group(1).replace("&amp;", "&")}
    for tag in re.findall(r"<(?:input|button)[^>]*>", found.group(2)):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields
