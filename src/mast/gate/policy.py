"""The one policy: which role may do what with personal data, and whether a stated purpose is needed first.

Object-level rules (a feed owner sees only their own feeds' rows, a restricted record shows only "known to
<agency>") live with the data they guard; this table decides whether the question may be asked at all.
Every page declares its action with web's `@requires(Action.X)`, and the permission-matrix test expects of
each page exactly what this table says.
"""

from enum import StrEnum

from mast.access.models import Role, may_break_glass


class Action(StrEnum):
    SEARCH_PEOPLE = "search_people"
    SEARCH_ADDRESSES = "search_addresses"
    VIEW_PERSON = "view_person"
    BREAK_GLASS = "break_glass"
    PRINT_PERSON = "print_person"
    VIEW_ADDRESS = "view_address"
    SEND_REFERRAL = "send_referral"
    SEND_REQUEST = "send_request"
    VIEW_REQUESTS = "view_requests"
    VIEW_REQUEST = "view_request"
    ANSWER_REQUEST = "answer_request"
    VIEW_REQUEST_DASHBOARD = "view_request_dashboard"
    REVIEW_MATCH = "review_match"
    DECIDE_MATCH = "decide_match"
    UNLINK_RECORD = "unlink_record"
    VIEW_REJECTED_ROWS = "view_rejected_rows"
    EXPORT_REJECTED_ROWS = "export_rejected_rows"
    VIEW_AUDIT_LOG = "view_audit_log"
    EXPORT_AUDIT_LOG = "export_audit_log"
    VIEW_OVERSIGHT_ALERTS = "view_oversight_alerts"
    CLOSE_OVERSIGHT_ALERT = "close_oversight_alert"
    VIEW_WHO_VIEWED = "view_who_viewed"
    EXPORT_WHO_VIEWED = "export_who_viewed"
    EXPORT_SUBJECT_ACCESS = "export_subject_access"
    VIEW_AGENCY_USE = "view_agency_use"
    EXPORT_AGENCY_USE = "export_agency_use"
    VIEW_ALERTS = "view_alerts"
    MUTE_ALERTS = "mute_alerts"
    VIEW_FEED_LOADS = "view_feed_loads"
    UPLOAD_FEED = "upload_feed"
    APPLY_HELD_LOAD = "apply_held_load"
    UNDO_LOAD = "undo_load"
    MANAGE_USERS = "manage_users"
    MANAGE_AGENCIES = "manage_agencies"
    MANAGE_FEED_OWNERS = "manage_feed_owners"
    VIEW_ANALYTICS = "view_analytics"
    EXPORT_ANALYTICS = "export_analytics"
    # The partner API (mast.api): a partner system's key pushes records or asks whether a person is known;
    # people manage the keys, read the API's documentation and decide the questions held for review.
    API_PUSH = "api_push"
    API_WITHDRAW = "api_withdraw"
    API_MATCH = "api_match"
    MANAGE_API_KEYS = "manage_api_keys"
    VIEW_API_DOCS = "view_api_docs"
    REVIEW_API_QUERY = "review_api_query"
    # The sharing agreement's versions: IG officers draft and send them; each partner's nominated approver
    # (an IG officer of that agency — which version and partner is checked by governance.lifecycle) decides.
    MANAGE_AGREEMENT = "manage_agreement"
    APPROVE_AGREEMENT = "approve_agreement"
    # The IG pack generated from the agreement in force: no personal data, only what the service does.
    VIEW_IG_PACK = "view_ig_pack"
    # The agreement in force as JSON (MAIS), for a partner's own systems through its API key.
    API_AGREEMENT = "api_agreement"
    MANAGE_BREAK_GLASS = "manage_break_glass"
    MANAGE_USER_OVERSIGHT = "manage_user_oversight"
    MANAGE_WATCHED = "manage_watched"


# Work on the data itself (reviewing matches, fixing a feed) has one purpose, implied by the work; looking at
# people for a case needs the practitioner to say which case and why.
DATA_QUALITY = ("data_quality", "Keeping shared data accurate (feed and match review)")
GOVERNANCE = ("governance", "Information-governance oversight")
SUBJECT_ACCESS = ("subject_access", "Answering a person's request for the data held about them")
# The alerts list is the practitioner's own work queue: every alert is addressed to them as the allocated
# worker (or team) of an open case their own agency holds, about that case's person. The purpose is the case
# they already hold, so making them state one first would be a formality that hides the reason. Opening the
# person page from an alert reads more than the alert and still asks for a stated purpose.
ALERTS = ("alerts", "Responding to alerts about my open cases")
# Following or answering a targeted request: the request carries the requester's own stated purpose and case
# reference, which its audit events record too.
REQUESTS = ("targeted_request", "Sending, answering or following up a targeted request between agencies")
# Running MAST itself: accounts, agencies, teams and who owns each feed. No safeguarding data is read.
ADMINISTRATION = ("administration", "Administering MAST's users, agencies and feeds")
PERFORMANCE = ("performance", "Seeing how quickly requests between agencies are answered (counts only)")

# The partnership's figures: counts only, after disclosure control, never a person (mast.analytics). Each
# view is still audited, so the partnership can see who looked at what figures.
ANALYSIS = ("analysis", "Trends, demand and data quality for the partnership (aggregate figures only)")

PARTNER_API = ("partner_api", "A partner system sending its records, or managing its access")

# A partner system calling with an API key holds no user role: its key's direction is its role (api/keys.py).
API_PUSH_KEY = "api_push"
API_QUERY_KEY = "api_query"

_PRACTICE = frozenset({Role.PRACTITIONER})
_REVIEWERS = frozenset({Role.FEED_OWNER, Role.IG_OFFICER})
_ADMINISTRATORS = frozenset({Role.ADMINISTRATOR})

RULES: dict[Action, tuple[frozenset[str], tuple[str, str] | None]] = {
    # action: (roles allowed, implied purpose — None means the user must state one)
    Action.SEARCH_PEOPLE: (_PRACTICE, None),
    Action.SEARCH_ADDRESSES: (_PRACTICE, None),
    Action.VIEW_PERSON: (_PRACTICE, None),
    Action.PRINT_PERSON: (_PRACTICE, None),
    # Opening another agency's restricted record ("break glass"): for a practitioner who cannot wait for the
    # owning agency (a child at risk tonight). It needs a stated purpose and a written reason, and the owning
    # agency's IG officers are told at once (oversight.rules.broke_glass). Only practitioners named for it
    # (NAMED_ONLY below), not every practitioner.
    Action.BREAK_GLASS: (_PRACTICE, None),
    Action.VIEW_ADDRESS: (_PRACTICE, None),
    Action.SEND_REFERRAL: (_PRACTICE, None),
    # Asking about a person is a look at them: the practitioner says which case and why. Answering one, and
    # following it up, is work on that request, for the purpose its sender stated.
    Action.SEND_REQUEST: (_PRACTICE, None),
    Action.VIEW_REQUESTS: (_PRACTICE, REQUESTS),
    Action.VIEW_REQUEST: (_PRACTICE, REQUESTS),
    Action.ANSWER_REQUEST: (_PRACTICE, REQUESTS),
    Action.VIEW_REQUEST_DASHBOARD: (
        frozenset({Role.PRACTITIONER, Role.IG_OFFICER, Role.ANALYST}),
        PERFORMANCE,
    ),
    Action.REVIEW_MATCH: (_REVIEWERS, DATA_QUALITY),
    Action.DECIDE_MATCH: (_REVIEWERS, DATA_QUALITY),
    Action.UNLINK_RECORD: (frozenset({Role.IG_OFFICER}), DATA_QUALITY),
    Action.VIEW_REJECTED_ROWS: (frozenset({Role.FEED_OWNER}), DATA_QUALITY),
    Action.EXPORT_REJECTED_ROWS: (frozenset({Role.FEED_OWNER}), DATA_QUALITY),
    Action.VIEW_AUDIT_LOG: (frozenset({Role.IG_OFFICER}), GOVERNANCE),
    Action.EXPORT_AUDIT_LOG: (frozenset({Role.IG_OFFICER}), GOVERNANCE),
    # Oversight of use: the alerts the misuse rules raise, and who looked at a person and why.
    Action.VIEW_OVERSIGHT_ALERTS: (frozenset({Role.IG_OFFICER}), GOVERNANCE),
    Action.CLOSE_OVERSIGHT_ALERT: (frozenset({Role.IG_OFFICER}), GOVERNANCE),
    Action.VIEW_WHO_VIEWED: (frozenset({Role.IG_OFFICER}), GOVERNANCE),
    Action.EXPORT_WHO_VIEWED: (frozenset({Role.IG_OFFICER}), GOVERNANCE),
    # Everything MAST holds about a person, and who was shown them, for answering their subject access
    # request (UK GDPR Art. 15). The IG officer decides what to withhold before anything is disclosed.
    Action.EXPORT_SUBJECT_ACCESS: (frozenset({Role.IG_OFFICER}), SUBJECT_ACCESS),
    # An agency's own oversight: who was shown the people it holds records of, and what its users did.
    Action.VIEW_AGENCY_USE: (frozenset({Role.IG_OFFICER}), GOVERNANCE),
    Action.EXPORT_AGENCY_USE: (frozenset({Role.IG_OFFICER}), GOVERNANCE),
    Action.VIEW_ALERTS: (_PRACTICE, ALERTS),
    Action.MUTE_ALERTS: (_PRACTICE, ALERTS),
    # A feed's loads and their progress (counts, no one's details), and sending the feed's next file.
    Action.VIEW_FEED_LOADS: (frozenset({Role.FEED_OWNER}), DATA_QUALITY),
    Action.UPLOAD_FEED: (frozenset({Role.FEED_OWNER}), DATA_QUALITY),
    # Confirming that a held file may remove what it removes is the feed owner's call, for their own feed.
    Action.APPLY_HELD_LOAD: (frozenset({Role.FEED_OWNER}), DATA_QUALITY),
    Action.UNDO_LOAD: (frozenset({Role.FEED_OWNER}), DATA_QUALITY),
    Action.MANAGE_USERS: (_ADMINISTRATORS, ADMINISTRATION),
    Action.MANAGE_AGENCIES: (_ADMINISTRATORS, ADMINISTRATION),
    Action.MANAGE_FEED_OWNERS: (_ADMINISTRATORS, ADMINISTRATION),
    Action.VIEW_ANALYTICS: (frozenset({Role.ANALYST, Role.IG_OFFICER}), ANALYSIS),
    Action.EXPORT_ANALYTICS: (frozenset({Role.ANALYST, Role.IG_OFFICER}), ANALYSIS),
    Action.API_PUSH: (frozenset({API_PUSH_KEY}), PARTNER_API),
    Action.API_WITHDRAW: (frozenset({API_PUSH_KEY}), PARTNER_API),
    # The question carries its own reason, from the agreement's code list (api/decision.py): no implied one.
    Action.API_MATCH: (frozenset({API_QUERY_KEY}), None),
    Action.MANAGE_API_KEYS: (frozenset({Role.FEED_OWNER, Role.ADMINISTRATOR}), PARTNER_API),
    Action.VIEW_API_DOCS: (frozenset({Role.FEED_OWNER, Role.ADMINISTRATOR}), PARTNER_API),
    Action.REVIEW_API_QUERY: (frozenset({Role.IG_OFFICER}), GOVERNANCE),
    Action.MANAGE_AGREEMENT: (frozenset({Role.IG_OFFICER}), GOVERNANCE),
    Action.APPROVE_AGREEMENT: (frozenset({Role.IG_OFFICER}), GOVERNANCE),
    Action.VIEW_IG_PACK: (frozenset({Role.IG_OFFICER, Role.ADMINISTRATOR}), GOVERNANCE),
    Action.API_AGREEMENT: (frozenset({API_PUSH_KEY, API_QUERY_KEY}), PARTNER_API),
    # Naming the practitioners who may break glass, and withdrawing it: an agency's IG officers for their own
    # agency, administrators for any (oversight.break_glass_grants). Changes to staff permissions, audited.
    Action.MANAGE_BREAK_GLASS: (frozenset({Role.IG_OFFICER, Role.ADMINISTRATOR}), GOVERNANCE),
    # What the misuse rules know of the agency's users: their declared homes and their (or their team's)
    # working hours; and the people whose every look raises an alert.
    Action.MANAGE_USER_OVERSIGHT: (frozenset({Role.IG_OFFICER}), GOVERNANCE),
    Action.MANAGE_WATCHED: (frozenset({Role.IG_OFFICER}), GOVERNANCE),
}

# Actions a role allows only to the users named for them as well (access.models.BreakGlassGrant): break glass
# is for the few whose work needs it, such as an emergency duty team, as the NHS grants "emergency access".
NAMED_ONLY = frozenset({Action.BREAK_GLASS})


# Actions the sharing agreement must allow the user's agency, on top of its role (governance/standing.py):
# looking at people needs the agency to be a party in good standing; sending data needs it to share data.
# The partner API's questions are decided against the agreement by api/decision.py, which answers DENY in
# the MAIS way rather than refusing the call.
USES_AGREEMENT = frozenset(
    {
        Action.SEARCH_PEOPLE,
        Action.SEARCH_ADDRESSES,
        Action.VIEW_PERSON,
        Action.PRINT_PERSON,
        Action.VIEW_ADDRESS,
        Action.SEND_REFERRAL,
        Action.SEND_REQUEST,
    }
)
SENDS_UNDER_AGREEMENT = frozenset({Action.UPLOAD_FEED, Action.API_PUSH})


def allows(user, action: Action) -> bool:
    """Whether this role may do this at all. Anonymous users and users with no agency may do nothing."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.agency_id is None:
        return False
    roles, _ = RULES[action]
    return user.role in roles


def named_for(user, action: Action) -> bool:
    """Whether a user whose role allows `action` has also been named for it, where the action needs that."""
    return action not in NAMED_ONLY or may_break_glass(user)


def implied_purpose(action: Action) -> tuple[str, str] | None:
    return RULES[action][1]
