"""Signals about how a person signs in and signs, for the layers above to act on.

pathway sits below notifications and must not import it: notifications listens to
`sign_in_changed` (notifications/apps.py) and tells the person, by email whatever their
choices, so that a passkey they did not add, or a copied one, does not go unnoticed.
"""

from django.dispatch import Signal

# Sent with person (a User), change (one of CHANGES) and name (the passkey's name, or the
# provider's issuer for an NHS account link).
sign_in_changed = Signal()

CHANGES = (
    "passkey_added",
    "passkey_renamed",
    "passkey_removed",
    "passkey_copied",
    "account_linked",
)
