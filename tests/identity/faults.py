"""A faulty provider for the tests: the real test provider behind a small HTTP server on
127.0.0.1 that passes everything through, except what a test asks it to change.

Some faults a real provider will not make on request: an ID token for another audience,
expired, signed with a key it does not publish, carrying another sign-in's nonce. Here the
token endpoint's answer is taken from the real provider and its ID token re-signed, with the
provider's own key (held by the test configuration) or another, after `rewrite` changes its
claims. Pathway's discovery address is pointed here (PATHWAY_OIDC_DISCOVERY_URL); the
document keeps the real issuer, with the token endpoint and key set addresses moved here. So
the real callback path runs: state, code exchange over HTTP, signature, claims.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.identity.provider import RunningProvider


def unverified_claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


class FaultyProvider:
    def __init__(self, provider: RunningProvider):
        self.provider = provider
        # rewrite(claims) -> claims: what to change in the next ID tokens (None: pass through).
        self.rewrite: Callable[[dict], dict] | None = None
        # The key the rewritten tokens are signed with (the provider's own, by default).
        self.signing_key: RSAKey = provider.signing_key
        # Keys published besides the provider's own (a rotation).
        self.extra_keys: list[RSAKey] = []
        self.key_set_reads = 0
        self.real = requests.get(provider.discovery_url, timeout=5).json()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def sign(self, claims: dict, *, key: RSAKey | None = None) -> str:
        key = key or self.signing_key
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)

    def _handler(self):
        faulty = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _json(self, body: dict, status: int = 200):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/.well-known/openid-configuration":
                    return self._json(
                        {
                            **faulty.real,
                            "token_endpoint": f"{faulty.url}/token",
                            "jwks_uri": f"{faulty.url}/jwks",
                        }
                    )
                if self.path == "/jwks":
                    faulty.key_set_reads += 1
                    keys = requests.get(faulty.real["jwks_uri"], timeout=5).json()["keys"]
                    extra = [key.as_dict(private=False, alg="RS256") for key in faulty.extra_keys]
                    return self._json({"keys": keys + extra})
                return self._json({"error": "not_found"}, 404)

            def do_POST(self):
                if self.path != "/token":
                    return self._json({"error": "not_found"}, 404)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {"Content-Type": self.headers.get("Content-Type", "")}
                if self.headers.get("Authorization"):
                    headers["Authorization"] = self.headers["Authorization"]
                answer = requests.post(
                    faulty.real["token_endpoint"], data=body, headers=headers, timeout=10
                )
                tokens = answer.json()
                if answer.ok and faulty.rewrite is not None and "id_token" in tokens:
                    claims = faulty.rewrite(unverified_claims(tokens["id_token"]))
                    tokens["id_token"] = faulty.sign(claims)
                return self._json(tokens, answer.status_code)

        return Handler
