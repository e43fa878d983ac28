"""Notifications: everyone signed in has their own; only the recipient opens one."""

from notifications.models import Kind
from notifications.services import notify
from tests.matrix.common import ANON, LOGIN, OK, TRAINEE

MATRIX = {
    "notifications:list": {
        "GET": {"*": 200, ANON: LOGIN},
        "POST": {"*": 405},
    },
    "notifications:open": {
        # The trainee's own notification: opening it goes to its page; to anyone else it does
        # not exist.
        "GET": {"*": 404, ANON: LOGIN, TRAINEE: 302},
        "POST": {"*": 404, ANON: LOGIN, TRAINEE: 302},
    },
    "notifications:read_all": {
        "GET": {"*": 405},
        "POST": {"*": 302, ANON: LOGIN},
    },
    "notifications:settings": {
        "GET": {"*": 200, ANON: LOGIN},
        "POST": {"*": OK, ANON: LOGIN},
    },
}

KWARGS = {"notifications:open": lambda w: {"pk": w.notification.pk}}


def extend_world(world):
    world.notification = notify(
        recipient=world.trainee,
        kind=Kind.SIGN_OFF_DECIDED,
        subject="A decision",
        body="Your mentor decided.",
        url="/",
    )
