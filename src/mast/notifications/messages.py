"""The text of every email MAST sends: a fixed, neutral line per kind and a link into MAST.

By construction a message holds nothing about a person: builders take a kind from this table and a link (a
path in MAST, made absolute with MAST_BASE_URL), never a person, a record or free text. What the case is, and
who, is read after signing in, through the access gate, and audited there.
"""

from dataclasses import dataclass

from django.conf import settings

# kind: (subject, the one neutral line). Add a kind here rather than writing text at the call site.
KINDS: dict[str, tuple[str, str]] = {
    "alert": (
        "MAST: another agency is now involved with someone on your caseload",
        "Another agency has recorded a new involvement with a person whose open case is allocated to you or "
        "your team.",
    ),
    "request_received": (
        "MAST: a new information request for your team",
        "Your team has a new information request in MAST.",
    ),
    "referral_received": (
        "MAST: a referral about an open case",
        "Your team has a new referral in MAST about a case open to you.",
    ),
    "request_acknowledged": (
        "MAST: your information request was acknowledged",
        "A partner has acknowledged an information request you sent in MAST.",
    ),
    "request_replied": (
        "MAST: a reply to your information request",
        "A partner has replied to an information request you sent in MAST.",
    ),
    "request_declined": (
        "MAST: your information request was declined",
        "A partner has declined an information request you sent in MAST.",
    ),
    "request_due_soon": (
        "MAST: an information request is due soon",
        "An information request for your team in MAST is due soon.",
    ),
    "request_overdue": (
        "MAST: an information request is overdue",
        "An information request for your team in MAST is overdue.",
    ),
    "request_escalated": (
        "MAST: an overdue information request has been escalated to you",
        "An information request for a team you manage in MAST is overdue and has been escalated to you.",
    ),
    "invitation": (
        "MAST: you have been given an account",
        "Your MAST administrator has given you an account. Use the link to choose your password; then sign "
        "in and set up an authenticator app. The link works once, for a limited time.",
    ),
    "password_link": (
        "MAST: choose a new password",
        "Your MAST administrator sent you a link to choose a new password. It works once, for a limited "
        "time. You will still need your authenticator app to sign in.",
    ),
    "password_reset": (
        "MAST: reset your password",
        "Someone asked to reset the password of your MAST account. If it was you, use the link to choose a "
        "new one (it works once, for a limited time); you will still need your authenticator app, security "
        "key or a recovery code to sign in. If it was not you, ignore this email: your password has not "
        "changed.",
    ),
    "factors_reset": (
        "MAST: your second factor was reset",
        "Your MAST administrator removed your authenticator app and recovery codes, as you asked. Use the "
        "link to choose a new password (it works once, for a limited time); then sign in and set up an "
        "authenticator app again. If you did not ask for this, tell your administrator now.",
    ),
    "oversight_alert": (
        "MAST: an oversight alert for your agency",
        "MAST's oversight rules have raised an alert about how someone in your agency, or someone looking at "
        "your agency's records, is using MAST. It needs an IG officer to look and close it with an outcome.",
    ),
    "agreement_approval": (
        "MAST: a data-sharing agreement version is waiting for your approval",
        "A new version of the partnership's data-sharing agreement has been sent to you, as your agency's "
        "nominated approver. Read it, then approve it or reject it with a note.",
    ),
    "agreement_rejected": (
        "MAST: a partner rejected the data-sharing agreement version you drafted",
        "A partner's approver rejected the version of the data-sharing agreement you sent for approval. "
        "Their note says why; the version is a draft again for you to change and send.",
    ),
    "agreement_review_overdue": (
        "MAST: the data-sharing agreement is past its review date",
        "The data-sharing agreement in force is past the review date the partners agreed. It still applies, "
        "but the partners should review it and approve a new version. You will be reminded every week.",
    ),
    "feed_late": (
        "MAST: a partner's feed is late",
        "A partner's feed has not sent MAST a good file on its schedule, so practitioners are seeing older "
        "data.",
    ),
}

FOOTER = (
    "Sign in to MAST to see the details. This email holds no personal information by design: "
    "do not forward it, and do not reply to it."
)


@dataclass(frozen=True)
class Message:
    kind: str
    subject: str
    body: str


def absolute_url(path: str) -> str:
    """A link into MAST. Only paths of MAST itself: the host comes from MAST_BASE_URL, never from a caller."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError("A MAST link is a path that starts with a single '/'.")
    return f"{settings.MAST_BASE_URL.rstrip('/')}{path}"


def build(kind: str, path: str) -> Message:
    """The message for `kind`, pointing at `path` in MAST (e.g. reverse("web:alerts"))."""
    try:
        subject, line = KINDS[kind]
    except KeyError:
        raise ValueError(
            f"Unknown kind of email: {kind!r}; add it to mast.notifications.messages.KINDS"
        ) from None
    return Message(kind=kind, subject=subject, body=f"{line}\n\n{absolute_url(path)}\n\n{FOOTER}\n")
