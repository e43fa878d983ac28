"""The page after a sign-off: only the mentor who decided the request sees it."""

from tests.matrix.common import ANON, LOGIN, MENTOR, RECORD_READERS, each

MATRIX = {
    "competencies:sign_off_done": {
        "GET": {"*": 404, ANON: LOGIN, **each(RECORD_READERS, 403), MENTOR: 200},
        "POST": {"*": 405, ANON: LOGIN},
    },
}

KWARGS = {
    "competencies:sign_off_done": lambda w: {"pk": w.assessment.request_id},
}
