"""Signing users in for tests, with a second factor as MAST requires.

- `signed_in_with_factor(client, user)`: the test client signed in as `user`, past the second factor (Django's
  force_login plus a TOTP device marked as used in the session, as django-otp does after a right code).
- `give_second_factor(user)`: a confirmed authenticator app with a known secret.
- `next_code(user)`: a code from that app that MAST has not yet accepted (a code is good once, so a second
  sign-in within the same 30 seconds uses the next time step, which MAST's tolerance of one step allows).
"""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mast.access.models import User

# A fixed secret so a failing browser test can be replayed by hand with any authenticator app.
TEST_TOTP_KEY = "3132333435363738393031323334353637383930"


def give_second_factor(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test app", key=TEST_TOTP_KEY, confirmed=True)


def next_code(user: User) -> str:
    device = give_second_factor(user)
    device.refresh_from_db()
    now_t = int(time.time()) // device.step
    step = max(now_t, device.last_t + 1)
    while step > now_t + device.tolerance:
        time.sleep(1)
        now_t = int(time.time()) // device.step
    return f"{totp(device.bin_key, step=device.step, drift=step - now_t):06d}"


def signed_in_with_factor(client, user: User):
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = give_second_factor(user).persistent_id
    session.save()
    return client
