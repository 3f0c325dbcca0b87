"""What each role can do in MAST, as the home page lists it."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from mast.access.models import Role, User


@dataclass(frozen=True)
class Capability:
    title: str
    description: str
    # The page that does it, as a URL name; None while it is not built, so nothing links to a missing page.
    url_name: str | None = None

    @property
    def available(self) -> bool:
        return self.url_name is not None


_BY_ROLE: dict[str, tuple[Capability, ...]] = {
    Role.PRACTITIONER: (
        Capability(
            "Search for a person, family or address",
            "Find out whether a child, adult, family or address is known to other agencies, and which.",
            "web:search",
        ),
        Capability(
            "See open cases and allocated workers",
            "See who is the allocated worker for an open case, so a new referral can go straight to them.",
            "web:search",
        ),
        Capability(
            "Send a targeted request for information",
            "Ask the one agency involved for more, instead of a blanket round of emails, and see its reply.",
            "web:requests-sent",
        ),
        Capability(
            "Answer requests for your team",
            "Requests and referrals other agencies sent to your team: acknowledge, assign, reply or decline.",
            "web:requests-inbox",
        ),
        Capability(
            "Hear when another agency becomes involved",
            "Alerts when a partner records a new involvement with someone whose case you hold open.",
            "web:alerts",
        ),
    ),
    Role.FEED_OWNER: (
        Capability(
            "See your agency's feed loads",
            "When each file your agency sent was loaded, and how many rows were accepted.",
            "web:feeds",
        ),
        Capability(
            "See rejected rows and why",
            "The rows MAST could not accept from your agency's files, each with the reason.",
            "web:feeds",
        ),
        Capability(
            "Upload a feed file",
            "Send your agency's latest headline-data export to MAST.",
            "web:feeds",
        ),
        Capability(
            "Review uncertain matches of your feeds' records",
            "Decide whether records from your feeds that MAST could not match with confidence are the same "
            "person as another record.",
            "web:review-queue",
        ),
        Capability(
            "Manage your systems' API keys",
            "Keys that let your agency's system push records as they happen, or ask whether a person is "
            "known.",
            "api:keys",
        ),
    ),
    Role.IG_OFFICER: (
        Capability(
            "Review uncertain matches",
            "Decide whether records that MAST could not match with confidence are the same person.",
            "web:review-queue",
        ),
        Capability(
            "Oversight alerts",
            "Possible misuse as it happens: harvesting, looks at family, colleagues or watched people, "
            "restricted records and break glass. Look into each and close it with what you found.",
            "web:oversight-alerts",
        ),
        Capability(
            "Read the audit log",
            "Every search, view, export and change in MAST: who made it, and when; who looked at a person, "
            "and why.",
            "web:audit-log",
        ),
        Capability(
            "How your agency's records were used",
            "Download who looked at the people your agency holds records of, including any break glass, and "
            "what your agency's own users did.",
            "web:agency-use",
        ),
        Capability(
            "Who may break glass",
            "Name the practitioners whose work needs to open other agencies' restricted records when it "
            "cannot wait, and withdraw it.",
            "web:break-glass-named",
        ),
        Capability(
            "Your users' homes and working hours",
            "What the misuse rules know of your agency's users: declared homes (looks at family, neighbours "
            "and colleagues) and working hours, their own or their team's.",
            "web:user-oversight",
        ),
        Capability(
            "Watched people",
            "People whose every look raises an alert: public figures, colleagues, children in the news.",
            "web:watched-people",
        ),
        Capability(
            "Decide partner systems' questions held for review",
            "Questions a partner's system asked for a reason the agreement does not name: permit or refuse.",
            "api:review",
        ),
        Capability(
            "See how quickly requests are answered",
            "Open, due soon and overdue requests, and the median time to reply: counts only.",
            "web:requests-dashboard",
        ),
        Capability(
            "See the partnership's figures",
            "Trends, demand and data quality across MAST, after small numbers are hidden.",
            "web:analytics",
        ),
        Capability(
            "Read the data-sharing agreement",
            "Which partners share which fields, for which purpose, on which lawful basis and for how long.",
            "web:agreement",
        ),
        Capability(
            "Draft, approve and compare versions of the agreement",
            "Draft a new version, send it to every partner's approver, approve or reject one sent to you, "
            "and see what changed between any two.",
            "web:agreement-versions",
        ),
        Capability(
            "Read the IG pack",
            "The agreement, a DPIA, the Article 30 record and a privacy notice, generated from the agreement "
            "in force and how MAST is configured.",
            "web:ig-pack",
        ),
    ),
    Role.ADMINISTRATOR: (
        Capability(
            "Who may break glass",
            "Name the practitioners in any agency whose work needs to open other agencies' restricted "
            "records when it cannot wait, and withdraw it.",
            "web:break-glass-named",
        ),
        Capability(
            "Manage partner systems' API keys",
            "Make, rotate and revoke the keys partners' systems use to push records or ask about a person.",
            "api:keys",
        ),
        Capability(
            "Manage users",
            "Add people or a whole agency from a CSV file, set their role and team, send them a link to "
            "choose a password, reset a lost second factor, and switch off leavers' accounts.",
            "web:admin-users",
        ),
        Capability(
            "Manage agencies and teams",
            "Add the partner agencies that share data with MAST or use it, and their teams.",
            "web:admin-agencies",
        ),
        Capability(
            "Choose who owns each feed",
            "Set which of a partner's feed owners upload its files and look after its data.",
            "web:admin-feeds",
        ),
    ),
    Role.ANALYST: (
        Capability(
            "See trends over three years",
            "People known to one, two, or three or more agencies, new involvements and the front door, month "
            "by month. Counts only. You cannot see any person's details.",
            "web:analytics",
        ),
        Capability(
            "See demand between agencies",
            "Targeted requests and how they were answered, referrals to allocated workers, alerts.",
            "web:analytics-demand",
        ),
        Capability(
            "See the quality of each feed",
            "Rows rejected and flagged, completeness, matching, review backlog and late files.",
            "web:analytics-quality",
        ),
        Capability(
            "See whether MAST's use falls fairly",
            "Person pages opened, people found by searches and requests sent, by the sex, age band and "
            "area of the person concerned.",
            "web:analytics-fairness",
        ),
    ),
}


def capabilities(user: User | AnonymousUser) -> list[Capability]:
    """What `user` can do in MAST, by their role; empty for anyone not signed in or with no known role."""
    if not user.is_authenticated:
        return []
    return list(_BY_ROLE.get(user.role, ()))
