"""Identity: signing in with an NHS account or a passkey, a person's passkeys, a programme's
rule on ways of signing, and the sign-off and revocation pages' passkey and NHS account steps.

Single sign-on and passkeys are on here, as a deployment using them serves them. The
provider's address has nothing listening, so starting a sign-in says the NHS sign-in service
cannot be reached (503) rather than leaving the machine; the provider itself is tested in
tests/identity/ with a real one."""

from pathway.identity.models import Passkey
from tests.matrix.common import (
    ANON,
    LEAD,
    LOGIN,
    MENTOR,
    OK,
    RECORD_READERS,
    TRAINEE,
    each,
    lead_only,
)

SETTINGS = {
    "PATHWAY_PASSKEYS": True,
    "PATHWAY_OIDC_ISSUER": "http://127.0.0.1:9",
    "PATHWAY_OIDC_CLIENT_ID": "pathway",
    "PATHWAY_OIDC_CLIENT_SECRET": "matrix-secret",
    "PATHWAY_OIDC_DISCOVERY_URL": "",
    "PATHWAY_BASE_URL": "http://testserver",
}

MATRIX = {
    "identity:sso_start": {
        # Someone signed in is sent home; anyone else is sent to the provider (here: 503).
        "GET": {"*": 302, ANON: 503},
        "POST": {"*": 302, ANON: 503},
    },
    "identity:sso_callback": {
        # No sign-in under way in this session: a clear page, for everyone.
        "GET": {"*": 400},
        "POST": {"*": 405},
    },
    "identity:passkey_sign_in_options": {"GET": {"*": 405}, "POST": {"*": 200}},
    # An empty post: the sign-in page again, saying no passkey was sent.
    "identity:passkey_sign_in": {"GET": {"*": 405}, "POST": {"*": 200}},
    # Local passwords are on: the break-glass page sends everyone to the sign-in page.
    "identity:break_glass": {"GET": {"*": 302}, "POST": {"*": 302}},
    "identity:passkeys": {"GET": {"*": 200, ANON: LOGIN}, "POST": {"*": 405}},
    "identity:passkey_add": {
        "GET": {"*": 200, ANON: LOGIN},
        "POST": {"*": OK, ANON: LOGIN},
    },
    "identity:passkey_add_options": {
        "GET": {"*": 405, ANON: LOGIN},
        "POST": {"*": 200, ANON: LOGIN},
    },
    # The trainee's own passkey: anyone else's is not there for them.
    "identity:passkey_rename": {
        "GET": {"*": 404, ANON: LOGIN, TRAINEE: 200},
        "POST": {"*": 404, ANON: LOGIN, TRAINEE: OK},
    },
    "identity:passkey_remove": {
        "GET": {"*": 404, ANON: LOGIN, TRAINEE: 200},
        "POST": {"*": 404, ANON: LOGIN, TRAINEE: OK},
    },
    "identity:programme_signing": lead_only(),
    # The passkey and NHS account steps of signing: as the sign-off and revocation pages; an
    # empty post is an incomplete decision (400: the page then shows what is missing).
    "competencies:sign_off_with": {
        "GET": {"*": 405, ANON: LOGIN},
        "POST": {"*": 404, ANON: LOGIN, **each(RECORD_READERS, 403), MENTOR: 400},
    },
    "competencies:revoke_with": {
        "GET": {"*": 405, ANON: LOGIN},
        "POST": {"*": 404, ANON: LOGIN, **each(RECORD_READERS, 403), MENTOR: 400, LEAD: 400},
    },
}

KWARGS = {
    "identity:passkey_rename": lambda w: {"pk": w.passkey.pk},
    "identity:passkey_remove": lambda w: {"pk": w.passkey.pk},
    "identity:programme_signing": lambda w: {"pk": w.programme.pk},
    "competencies:sign_off_with": lambda w: {"pk": w.open_request.pk, "how": "passkey"},
    "competencies:revoke_with": lambda w: {"pk": w.assessment.pk, "how": "passkey"},
}


def extend_world(world):
    world.passkey = Passkey.objects.create(
        person=world.trainee, name="My phone", credential_id="bWF0cml4", public_key=b"\x00"
    )
