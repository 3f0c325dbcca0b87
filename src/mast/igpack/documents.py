"""The IG pack's documents, written from the facts (igpack/facts.py): the information-sharing agreement, a
DPIA pre-filled with the data flows and controls, the Article 30 record of processing, and a privacy notice
template for partners to publish. Each is a list of sections the web pages, the Markdown download and the PDF
all render, so the three never say different things.

The wording is a starting point for the partnership's data protection officers, not legal advice: the DPIA's
residual risks are left for the DPO to assess.
"""

from dataclasses import dataclass, field

from mast.igpack.facts import DATA_SUBJECTS, Facts


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    table: Table | None = None


@dataclass(frozen=True)
class Document:
    slug: str
    title: str
    summary: str
    sections: list[Section]
    source_line: str


def _purposes(facts: Facts) -> Table:
    return Table(["Purpose", "Law it rests on"], [[p["label"], p["legislation"]] for p in facts.purposes])


def _partners(facts: Facts) -> Table:
    return Table(
        ["Partner", "Role", "Fields it shares", "Approved by", "Approval"],
        [[p.name, p.role, ", ".join(p.shares) or "none", p.approver, p.approved] for p in facts.partners],
    )


def _lawful(facts: Facts) -> list[str]:
    a = facts.agreement
    return [x for x in (a.lawful_basis, a.special_category_condition, a.criminal_offence_condition) if x]


def _retention(facts: Facts) -> str:
    a = facts.agreement
    return (
        f"Practitioners see involvements from the last {a.display_window_months} months and every open one. "
        f"Headline data is deleted automatically {a.retention_months} months after an involvement ends (or "
        "starts, with no end date); open involvements are kept while open. The audit log is kept as the "
        "evidence of who looked at what."
    )


def _feeds(facts: Facts) -> Table:
    return Table(
        ["Feed", "Partner", "System", "Fields MAST keeps", "Sent but dropped at load"],
        [
            [f.name, f.agency, f.system or "—", ", ".join(f.sends) or "—", ", ".join(f.dropped) or "none"]
            for f in facts.feeds
        ],
    )


def sharing_agreement(facts: Facts) -> Document:
    a = facts.agreement
    return Document(
        "information-sharing-agreement",
        f"Information-sharing agreement: {a.title}",
        "The agreement in force, as every partner's approver approved it.",
        [
            Section(
                "The agreement",
                [
                    f"Reference {a.reference}, version {a.version}. In force from {a.start_date:%-d %B %Y}"
                    + (
                        f" until {a.end_date:%-d %B %Y}"
                        if a.end_date
                        else " until a later version replaces it"
                    )
                    + f". The partners review it by {a.review_date:%-d %B %Y}.",
                    a.change_note,
                ],
            ),
            Section("The partners and what each shares", table=_partners(facts)),
            Section("Why data is shared", table=_purposes(facts)),
            Section("Lawful basis", bullets=_lawful(facts)),
            Section("How long data is shown and kept", [_retention(facts)]),
            Section(
                "Answering requests between partners",
                [
                    f"Red (urgent) within {a.red_due_hours} hours, amber within {a.amber_due_hours} "
                    f"hours, green "
                    f"within {a.green_due_working_days} working days; a request still unanswered "
                    f"{a.escalate_after_hours} hours after it was due goes to the team's manager."
                ],
            ),
            Section(
                "Contact", [", ".join(x for x in (a.contact_name, a.contact_email) if x) or "Not recorded."]
            ),
        ],
        facts.source_line,
    )


def dpia(facts: Facts) -> Document:
    return Document(
        "dpia",
        "Data protection impact assessment (pre-filled)",
        "The ICO lists data matching from multiple sources as processing that needs a DPIA. MAST "
        "fills in what "
        "it does; the partnership's DPO assesses the risks.",
        [
            Section(
                "The processing",
                [
                    "MAST receives headline data (who, what kind of involvement, when, whether open, whom to "
                    "contact; never case notes) from each partner's feed, matches records of the same person "
                    "across partners, and lets authorised practitioners see whether a person is "
                    "known and to whom.",
                ],
            ),
            Section("Why data is shared, and the law it rests on", table=_purposes(facts)),
            Section("Lawful basis", bullets=_lawful(facts)),
            Section("Data flows: where the data comes from", table=_feeds(facts)),
            Section(
                "Matching",
                bullets=[
                    "A valid NHS number shared by two records links them.",
                    "Otherwise a trained probabilistic model (Splink) weighs names, date of birth, "
                    "address and sex; "
                    "every link records the model version and its probability.",
                    "Pairs MAST cannot decide, and pairs that look like twins or relatives, are never linked "
                    "automatically: a feed owner decides, and the decision is kept.",
                ],
            ),
            Section(
                "Who sees what",
                ["Each role may do only what the one access policy allows:"],
                table=Table(["Role", "May"], [[r.role, ", ".join(r.may) or "nothing"] for r in facts.access]),
            ),
            Section("Retention", [_retention(facts)]),
            Section(
                "The access model",
                [
                    "A practitioner states the case reference and one of the agreement's purposes before "
                    "searching; both are recorded with every search and view. A restricted record shows only "
                    "which agency knows the person.",
                ],
                table=Table(["Control", "As configured"], [[k, v] for k, v in facts.settings.items()]),
            ),
            Section(
                "Audit and oversight",
                bullets=[
                    "Every search, view, export and refusal is written to an append-only, "
                    "hash-chained audit log.",
                    "Misuse rules raise alerts to IG officers as use happens; IG officers can see "
                    "who viewed any "
                    "person and produce a subject-access pack.",
                    "Every step of the agreement's approval is in the same log.",
                ],
            ),
            Section(
                "Residual risks for the DPO to assess",
                table=Table(
                    ["Risk", "What MAST does", "Residual risk (DPO)"],
                    [
                        [
                            "A false match shows one family's data to another",
                            "Uncertain pairs go to review; links explained",
                            "",
                        ],
                        [
                            "A missed match hides a risk",
                            "Possible matches shown as 'possibly also recorded as'",
                            "",
                        ],
                        [
                            "A user looks without a reason",
                            "Stated purpose, audit, misuse alerts, rate limits",
                            "",
                        ],
                        ["Data kept longer than needed", "Automatic purge at the agreed retention", ""],
                        [
                            "A partner sends more than agreed",
                            "Fields not shared are dropped at load, the feed owner told",
                            "",
                        ],
                    ],
                ),
            ),
        ],
        facts.source_line,
    )


def article_30(facts: Facts) -> Document:
    a = facts.agreement
    controllers = [p.name for p in facts.partners if p.shares]
    return Document(
        "article-30",
        "Record of processing activities (UK GDPR Article 30)",
        "The entry each partner adds to its own record of processing for MAST.",
        [
            Section(
                "Controllers",
                ["Each partner that shares data is a controller of what it shares:"],
                bullets=controllers,
            ),
            Section("Purposes of the processing", table=_purposes(facts)),
            Section("Categories of data subjects", bullets=list(DATA_SUBJECTS)),
            Section("Categories of personal data", [", ".join(facts.fields_shared) + "."]),
            Section("Recipients", bullets=[f"{p.name} ({p.role.lower()})" for p in facts.partners]),
            Section("Transfers outside the UK", ["None: MAST runs on the partnership's own hosting."]),
            Section(
                "Time limits for erasure",
                [f"{a.retention_months} months after an involvement ends. " + _retention(facts)],
            ),
            Section(
                "Security measures",
                table=Table(["Control", "As configured"], [[k, v] for k, v in facts.settings.items()]),
            ),
            Section("Lawful basis", bullets=_lawful(facts)),
        ],
        facts.source_line,
    )


def privacy_notice(facts: Facts) -> Document:
    a = facts.agreement
    return Document(
        "privacy-notice",
        "Privacy notice (template for partners to publish)",
        "Copy into your own privacy information and replace the words in square brackets.",
        [
            Section(
                "How we share information to keep people safe",
                [
                    "[Your organisation] works with other agencies in the partnership to protect "
                    "children and "
                    "adults at risk. We share a small amount of information about the people we work with — "
                    "who they are, what kind of involvement we have, when, and whom to contact — through a "
                    "system called MAST, so that the right agency can act quickly. We never share "
                    "case notes.",
                ],
            ),
            Section("Who we share with", bullets=[p.name for p in facts.partners]),
            Section("What we share", [", ".join(facts.fields_shared) + "."]),
            Section("Why, and the law that allows it", table=_purposes(facts)),
            Section("Our lawful basis", bullets=_lawful(facts)),
            Section(
                "How long it is kept",
                [
                    f"Practitioners see the last {a.display_window_months} months. Information is deleted "
                    f"{a.retention_months} months after our involvement ends.",
                ],
            ),
            Section(
                "Your rights",
                [
                    "You can ask what information MAST holds about you and who has looked at it. Contact "
                    "[your data protection officer] or the partnership: "
                    f"{a.contact_email or '[contact]'}. You can complain to the Information Commissioner's "
                    "Office (ico.org.uk).",
                ],
            ),
        ],
        facts.source_line,
    )


BUILDERS = {
    "information-sharing-agreement": sharing_agreement,
    "dpia": dpia,
    "article-30": article_30,
    "privacy-notice": privacy_notice,
}


def build(slug: str, facts: Facts) -> Document | None:
    builder = BUILDERS.get(slug)
    return builder(facts) if builder else None


def all_documents(facts: Facts) -> list[Document]:
    return [builder(facts) for builder in BUILDERS.values()]
