"""The vocabulary of the permission matrix, shared by its parts.

tests/test_permission_matrix.py holds the core pages; each later app adds a module in this
package (tests/matrix/<app>.py) with MATRIX and KWARGS dicts, optionally POST_DATA, optionally
SETTINGS (turned on for every matrix test, e.g. a feature a deployment may switch on), and
optionally extend_world(world), which adds that app's objects to the shared World (after the
core world is built, in INSTALLED_APPS order of the module names).
"""

from __future__ import annotations

# What a person gets ---------------------------------------------------------------------------

LOGIN = "login"
OK = "ok"

# The ten people ------------------------------------------------------------------------------

ANON = "anonymous"
TRAINEE = "trainee"
OTHER_TRAINEE = "other_trainee"
MENTOR = "mentor"
OTHER_MENTOR = "other_mentor"
TUTOR = "tutor"
EDUCATOR = "educator"  # a practice educator allocated to the trainee
MANAGER = "manager"  # the trainee's line manager (an allocation of kind manager)
LEAD = "lead_nurse"
ADMIN = "administrator"  # superuser, staff, administrator role

PEOPLE = (
    ANON,
    TRAINEE,
    OTHER_TRAINEE,
    MENTOR,
    OTHER_MENTOR,
    TUTOR,
    EDUCATOR,
    MANAGER,
    LEAD,
    ADMIN,
)
METHODS = ("GET", "POST")

# The people who support the trainee today, and everyone who may read the trainee's record.
SUPPORTERS = (MENTOR, TUTOR, EDUCATOR, MANAGER)
RECORD_READERS = (TRAINEE, *SUPPORTERS, LEAD)


def each(people, answer) -> dict:
    """The same answer for several people: {**each(SUPPORTERS, 200)}."""
    return {person: answer for person in people}


def lead_only(get=200, post=OK) -> dict:
    """A lead nurse's page: everyone else signed in gets 403."""
    return {
        "GET": {"*": 403, ANON: LOGIN, LEAD: get},
        "POST": {"*": 403, ANON: LOGIN, LEAD: post},
    }
