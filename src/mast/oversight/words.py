"""Plain words for what the audit log records in codes: what someone did, and why (the purpose's label)."""

import uuid
from functools import lru_cache

from mast.access.models import Role, User
from mast.gate import policy
from mast.governance.models import Purpose
from mast.oversight.names import people_named

ACTIONS = {
    "search_people": "Searched for people",
    "search_addresses": "Searched for addresses",
    "view_person": "Looked at a person's record",
    "print_person": "Printed a person's record",
    "break_glass": "Opened a person's restricted records (break glass)",
    "view_address": "Looked at an address",
    "send_referral": "Sent a referral",
    "send_request": "Asked another agency about a person",
    "view_requests": "Read their requests",
    "view_request": "Read a request",
    "answer_request": "Answered or acted on a request",
    "view_request_dashboard": "Read request figures",
    "review_match": "Reviewed an uncertain match",
    "decide_match": "Decided an uncertain match",
    "unlink_record": "Unlinked a record from a person",
    "view_rejected_rows": "Read a feed's rejected rows",
    "export_rejected_rows": "Downloaded a feed's rejected or flagged rows",
    "view_audit_log": "Read the audit log",
    "export_audit_log": "Downloaded the audit log",
    "view_alerts": "Read their alerts",
    "mute_alerts": "Muted or unmuted alerts about a person",
    "apply_held_load": "Applied a held feed load",
    "undo_load": "Undid a feed load",
    "view_oversight_alerts": "Read oversight alerts",
    "close_oversight_alert": "Closed an oversight alert",
    "view_who_viewed": "Read who looked at a person",
    "export_who_viewed": "Downloaded who looked at a person",
    "export_subject_access": "Downloaded a person's subject-access pack",
    "view_agency_use": "Read how their agency's records were used",
    "export_agency_use": "Downloaded who looked at their agency's records",
    "manage_break_glass": "Named or withdrew who may break glass",
    "manage_user_oversight": "Changed a user's declared home or working hours, or a team's",
    "manage_watched": "Read, marked or stopped watching watched people",
    # Signing in (administration/sign_in_log.py) and administration (administration/*).
    "sign_in_password": "Signed in (password)",
    "sign_in_single_sign_on": "Signed in (work account)",
    "sign_in_second_factor": "Signed in (second factor)",
    "sign_in_failed": "Failed to sign in",
    "locked_out": "Locked out after wrong passwords",
    "second_factor_failed": "Entered a wrong second-factor code",
    "second_factor_added": "Set up a second factor",
    "second_factor_removed": "Removed a security key",
    "second_factors_reset": "Reset a second factor",
    "password_set": "Chose a password from a link",
    "password_reset_requested": "Asked for a password reset link",
    "single_sign_on_set_up": "Set up an agency's single sign-on",
    "single_sign_on_changed": "Changed an agency's single sign-on",
    "sign_out": "Signed out",
    "user_created": "Added a user",
    "user_changed": "Changed a user",
    "user_disabled": "Switched off a user",
    "user_enabled": "Switched a user back on",
    "user_invited": "Sent a user an invitation",
    "password_link_sent": "Sent a user a link to choose a password",
    "users_imported": "Imported users from a file",
    "agency_created": "Added an agency",
    "agency_changed": "Changed an agency",
    "agency_disabled": "Switched off an agency",
    "agency_enabled": "Switched an agency back on",
    "team_created": "Added a team",
    "team_changed": "Changed a team",
    "feed_owners_changed": "Changed a feed's owners",
    "manage_users": "Opened the administration of users",
    "manage_agencies": "Opened the administration of agencies",
    "manage_feed_owners": "Opened the administration of feed owners",
    "view_analytics": "Read aggregate figures",
    "export_analytics": "Downloaded aggregate figures",
    "upload_feed": "Uploaded a feed file",
    "view_feed_loads": "Read their feeds' loads",
    "api_push": "A partner system sent records",
    "api_withdraw": "A partner system withdrew a record",
    "api_match": "A partner system asked whether a person is known",
    "manage_api_keys": "Managed partner API keys",
    "view_api_docs": "Read the partner API's documentation",
    "review_api_query": "Reviewed a partner system's question",
    # The sharing agreement's versions (governance/lifecycle.py) and the IG pack.
    "manage_agreement": "Opened the sharing agreement's versions",
    "approve_agreement": "Opened an agreement version to approve it",
    "view_ig_pack": "Read the IG pack",
    "api_agreement": "A partner system read the sharing agreement",
    "agreement_draft": "Drafted a new version of the sharing agreement",
    "agreement_change": "Changed the terms of a draft agreement",
    "agreement_partner_set": "Changed a partner in a draft agreement",
    "agreement_partner_removed": "Removed a partner from a draft agreement",
    "agreement_purposes_set": "Changed the purposes of a draft agreement",
    "agreement_sent": "Sent an agreement version for approval",
    "agreement_approved": "Approved an agreement version for their agency",
    "agreement_rejected": "Rejected an agreement version for their agency",
    "agreement_in_force": "Brought an agreement version into force (the last approval)",
    "agreement_withdrawn": "Withdrew an agreement version",
}

TERMS = {
    "given_name": "first name",
    "family_name": "last name",
    "date_of_birth": "date of birth",
    "postcode": "postcode",
    "address": "address",
    "nhs_number": "NHS number",
    "age_from": "age from",
    "age_to": "age to",
    "sex": "sex",
    "reference": "partner reference",
}


def action(code: str) -> str:
    return ACTIONS.get(code, code.replace("_", " ").capitalize())


@lru_cache(maxsize=1)
def _purpose_labels() -> dict[str, str]:
    labels = dict(Purpose.objects.values_list("code", "label"))
    for value in vars(policy).values():
        if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) for v in value):
            labels.setdefault(*value)
    return labels


def purpose(code: str) -> str:
    if not code:
        return ""
    return _purpose_labels().get(code, code.replace("_", " "))


def forget() -> None:
    """After the agreement's purposes change (and between tests)."""
    _purpose_labels.cache_clear()


def terms(detail: dict) -> str:
    """A search's terms as an IG officer reads them: "last name Barker, postcode ZZ1 1AB"."""
    given = (detail or {}).get("terms") or {}
    # In the search form's order: PostgreSQL's jsonb keeps keys in an order of its own.
    order = {name: n for n, name in enumerate(TERMS)}
    named = sorted(given.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
    return ", ".join(f"{TERMS.get(k, k.replace('_', ' '))} {v}" for k, v in named if v)


def _person_id(target: str) -> str:
    """The person's public id in a target such as "person:<uuid>", or "" (an older or odd target is shown as
    it was written)."""
    if not target.startswith("person:"):
        return ""
    try:
        return str(uuid.UUID(target.split(":", 1)[1]))
    except ValueError:
        return ""


def lines(events) -> list[dict]:
    """Audit events as an IG officer reads them: names, plain words, the person or address they were about,
    and the search terms, each beside the event itself."""
    events = list(events)
    names = {
        u.username: u.get_full_name() or u.username
        for u in User.objects.filter(username__in={e.username for e in events})
    }
    people_ids = [_person_id(e.target) for e in events]
    people = {p.public_id: p.name for p in people_named(list(dict.fromkeys(p for p in people_ids if p)))}
    roles = dict(Role.choices)
    out = []
    for e in events:
        person = _person_id(e.target)
        out.append(
            {
                "event": e,
                "who": names.get(e.username, e.username),
                "role": roles.get(e.role, e.role),
                "what": action(e.action),
                "person_id": person,
                "person_name": people.get(person, ""),
                "purpose": purpose(e.purpose_code),
                "terms": terms(e.detail) if e.action == "search_people" else "",
            }
        )
    return out
