"""What `access` tells the packages above it (the audit log, emails) about sign-in and second factors.

Each is sent with `user` (whose factor it is), `by` (who did it: the user, or an administrator), `factor`
("totp", "recovery_code", "security_key", or "all") and `request` when there is one. None carries a secret.
"""

from django.dispatch import Signal

factor_added = Signal()
factor_used = Signal()
factor_failed = Signal()
factors_reset = Signal()
factor_removed = Signal()
# Sent with `agency` (whose provider was used), `reason` (plain words, no token or claim) and `request`.
single_sign_on_refused = Signal()
