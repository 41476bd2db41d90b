"""What leaves for the agency is public by design: reason codes, citations and public wording.

A reviewer's written reason (the note) is for the record and never leaves. Everything the agency
receives about a ruling (its status API, the portal, the package's manifest) is built by
`public_decision`: each reason keeps its code and category, and its rule, citation and message
are either the policy rule's own (when the reason names a shipped rule with that code) or the
fixed wording of the code below. The only free text that leaves is the reviewer's separate,
previewed message to the agency, checked by `agency_message`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from types import MappingProxyType

from lawgate.domain import Category, Decision, Reason, ReasonCode
from lawgate.errors import InvalidInputError
from lawgate.policy.packs import Packs, default_packs

REVIEWER_RULE = "reviewer"
REVIEWER_CITATION = "Company policy: every request is ruled on by people; users' privacy first"
MESSAGE_FIELD = "message_to_agency"
MESSAGE_MAX = 2000

PUBLIC_WORDING = MappingProxyType(
    {
        ReasonCode.PURPOSE_NOT_PERMITTED: (
            "We disclose only for terrorism, national security and criminal investigations."
        ),
        ReasonCode.NO_OFFENCE_STATED: (
            "The request must describe the offence or investigation, and name the statute."
        ),
        ReasonCode.REQUESTER_UNVERIFIED: (
            "The requester could not be verified as an authenticated, registered agency."
        ),
        ReasonCode.NO_SPECIFIC_TARGET: (
            "A request must name specific identifiers; searches are refused."
        ),
        ReasonCode.OVERBROAD: (
            "The request asks for more than the investigation shows it needs: fewer targets, "
            "a shorter period or fewer kinds of data are disclosed, or none."
        ),
        ReasonCode.PROCESS_EXPIRED: (
            "The legal process is not in force: issued in the future or expired."
        ),
        ReasonCode.INSTRUMENT_INSUFFICIENT: (
            "The legal instrument does not reach this data; it needs a stronger form of process."
        ),
        ReasonCode.ISSUER_NOT_COMPETENT: (
            "The authority that issued the legal process may not order this disclosure."
        ),
        ReasonCode.OFFENCE_BELOW_THRESHOLD: (
            "The offence does not meet the seriousness the law requires for this data."
        ),
        ReasonCode.MISSING_VALIDATION: (
            "The order needs validation by a judge, court or prosecutor before data is disclosed."
        ),
        ReasonCode.EMERGENCY_NOT_QUALIFYING: (
            "An emergency disclosure needs an imminent threat of death or serious physical injury."
        ),
        ReasonCode.EMERGENCY_UNCONFIRMED: (
            "An emergency disclosure needs a confirmed call-back to the number in the agency "
            "registry."
        ),
        ReasonCode.FOREIGN_DIRECT_REQUEST_BARRED: (
            "This data goes to this country's authorities only through a mutual legal "
            "assistance request."
        ),
        ReasonCode.NO_DUAL_CRIMINALITY: (
            "The conduct must also be a crime where the company is established."
        ),
        ReasonCode.POLITICAL_OFFENCE: (
            "The offence or conduct is political (speech, assembly, religion, journalism, "
            "protest or opposition); we do not disclose for it."
        ),
        ReasonCode.PRESERVATION_LIMIT_EXCEEDED: (
            "The preservation asked for exceeds the period or the extensions the law allows."
        ),
        ReasonCode.NATIONAL_SECURITY_REVIEW: (
            "The request is referred to senior counsel for national-security review."
        ),
    }
)
"""One fixed public sentence per reason code, for reasons that are the reviewer's own."""

LINE_BREAKS = re.compile(r"\r\n?")
FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Control characters (all but tab and newline) and bidirectional overrides, which reorder text."""


def reviewer_reason(code: ReasonCode, category: Category | None) -> Reason:
    """A reason that is the reviewer's own: the code's fixed public wording, never the note."""
    return Reason(
        code=code,
        category=category,
        rule=REVIEWER_RULE,
        citation=REVIEWER_CITATION,
        message=PUBLIC_WORDING[code],
    )


def public_reason(reason: Reason, packs: Packs | None = None) -> Reason:
    """The reason as the agency may read it: a shipped rule's own words, else the code's."""
    rule = (packs or default_packs()).rules.get(reason.rule)
    if rule is None or rule.reason is not reason.code:
        return reviewer_reason(reason.code, reason.category)
    return Reason(
        code=reason.code,
        category=reason.category,
        rule=rule.id,
        citation=rule.citation,
        message=rule.message,
    )


def public_reasons(reasons: Iterable[Reason], packs: Packs | None = None) -> list[Reason]:
    """Every reason in public wording, once each (two notes on one code become one reason)."""
    return list(dict.fromkeys(public_reason(r, packs) for r in reasons))


def with_public_reasons(decision: Decision, packs: Packs | None = None) -> Decision:
    """A reviewer's decision with its reasons reworded before it is stored; findings stay."""
    return decision.model_copy(update={"reasons": public_reasons(decision.reasons, packs)})


def public_decision(decision: Decision, packs: Packs | None = None) -> Decision:
    """The one projection of a ruling that leaves: verdicts and public reasons, no findings."""
    return decision.model_copy(
        update={"reasons": public_reasons(decision.reasons, packs), "findings": []}
    )


def agency_message(text: str) -> str:
    """The reviewer's message to the agency, checked: bounded, plain text, newlines as \\n."""
    text = LINE_BREAKS.sub("\n", text).strip()
    if len(text) > MESSAGE_MAX:
        raise InvalidInputError(
            f"the message to the agency may have at most {MESSAGE_MAX} characters "
            f"(it has {len(text)})",
            MESSAGE_FIELD,
        )
    found = FORBIDDEN.search(text)
    if found:
        raise InvalidInputError(
            f"the message to the agency may not contain control character "
            f"U+{ord(found.group()):04X} (position {found.start()}); write plain text",
            MESSAGE_FIELD,
        )
    return text
