"""Signals the core sends to the floors above it (which it may not import)."""

from django.dispatch import Signal

# Sent by careteam.services.staff_update, inside its transaction, when a staff member is
# deactivated or changes role: every session and API token they hold must end at once.
# Arguments: user (the careteam.models.User), reason ("deactivate" or "role_change").
# accounts.services.credentials_revoke handles it (connected in accounts.apps).
staff_credentials_revoke = Signal()
