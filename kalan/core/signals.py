"""What core announces about accounts, so that the apps above it act on their own rows.

core knows nothing of sessions (the layers run one way: DESIGN.md). When an account loses what
it had, core says so and each higher app ends what the account held there: workshops ends a
trainer's session assignments, for one.

Both signals are sent with ``send``, inside the transaction of the change: a receiver that raises
undoes the change, so the account and what hangs on it never disagree.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with ``user`` (saved with its new role), ``old_role`` and ``new_role`` when an account's
# role changes.
user_role_changed = Signal()

# Sent with ``user`` (saved, inactive) when an active account is deactivated.
user_deactivated = Signal()
