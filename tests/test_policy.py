"""Policy as data (issue 5): context + findings -> action, read like a table.

Each case is "before" (who writes what, where, to whom) and "after" (the action, the rule that
decided, and the reason codes a moderator sees). Findings come from the real detectors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from offsite import Action, AgeGroup, Context, Finding, Guard, Kind, Role, Sender, Surface
from offsite.policy import Policy, PolicyError, Verdict

DOCS = Path(__file__).resolve().parents[1] / "docs" / "reasons.md"
DEFAULT_TOML = Path(__file__).resolve().parents[1] / "src" / "offsite" / "policy" / "default.toml"


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard()


@dataclass(frozen=True)
class Case:
    """Before: the text and who/where. After: action, rule and some reason codes."""

    name: str
    text: str
    action: Action
    rule: str
    reasons: tuple[str, ...] = ()
    surface: Surface = Surface.CHAT
    role: Role = Role.MEMBER
    sender_age: AgeGroup = AgeGroup.UNKNOWN
    recipients: tuple[AgeGroup, ...] = ()
    strikes: int = 0
    review: str | None = None

    def context(self) -> Context:
        return Context(surface=self.surface, sender=Sender(id="someone", role=self.role, age_group=self.sender_age),
                       recipient_age_groups=self.recipients, field_name="bio")


A, T, U = AgeGroup.ADULT, AgeGroup.TEEN, AgeGroup.UNKNOWN

CASES = [
    # -- nothing to do ---------------------------------------------------------------------
    Case("clean chat is allowed", "that sounds really hard, I'm here for you", Action.ALLOW, "clean"),
    Case("crisis line is allowed", "please call or text 988 right now, they can help", Action.ALLOW, "clean"),
    Case("crisis line to a teen is allowed", "you can text HOME to 741741 any time", Action.ALLOW, "clean",
         sender_age=A, recipients=(T,)),
    # -- the friendly default: a first slip bounces -----------------------------------------
    Case("first slip in a chat bounces", "add me on snap: jane.d", Action.BOUNCE, "slip",
         ("contact.handle", "contact.solicitation", "slip.contact", "slip.first", "escalation.reminder")),
    Case("first slip in a room bounces", "my email is jo.walker@example.com", Action.BOUNCE, "slip",
         ("contact.email", "slip.first"), surface=Surface.ROOM),
    Case("first slip in a listener room bounces", "text me 415 555 0192", Action.BOUNCE, "slip",
         ("contact.phone",), surface=Surface.LISTENER_ROOM),
    Case("a bare request to move elsewhere bounces", "can we talk somewhere else?", Action.BOUNCE, "slip",
         ("contact.solicitation",)),
    # -- repeated slips escalate -----------------------------------------------------------
    Case("second slip is blocked", "add me on snap: jane.d", Action.BLOCK, "slip",
         ("slip.repeat", "escalation.blocked"), strikes=1),
    Case("third slip is blocked with a mute", "add me on snap: jane.d", Action.BLOCK, "slip",
         ("escalation.muted",), strikes=2),
    Case("fourth slip goes to review", "add me on snap: jane.d", Action.REVIEW, "slip",
         ("escalation.review",), strikes=3, review="normal"),
    Case("many slips stay at review", "add me on snap: jane.d", Action.REVIEW, "slip",
         ("escalation.review",), strikes=9, review="normal"),
    # -- profiles --------------------------------------------------------------------------
    Case("profile field with a handle is rejected", "ig: jane_d99", Action.BLOCK, "profile_field",
         ("contact.handle", "profile.field_rejected"), surface=Surface.PROFILE),
    Case("profile rejection is not a strike", "ig: jane_d99", Action.BLOCK, "profile_field",
         ("profile.field_rejected",), surface=Surface.PROFILE, strikes=3),
    Case("a clean profile is saved", "I like hiking and bad puns", Action.ALLOW, "clean", surface=Surface.PROFILE),
    # -- adult <-> teen ---------------------------------------------------------------------
    Case("adult asking a teen for snap is blocked and urgent", "add me on snap: jane.d", Action.BLOCK, "adult_teen",
         ("minor_safety.adult_teen",), sender_age=A, recipients=(T,), review="urgent"),
    Case("teen giving an adult a number is blocked and urgent", "text me 415 555 0192", Action.BLOCK,
         "adult_teen", ("minor_safety.adult_teen", "contact.phone"), sender_age=T, recipients=(A,), review="urgent"),
    Case("adult-teen in a room too", "my email is jo.walker@example.com", Action.BLOCK, "adult_teen",
         ("minor_safety.adult_teen",), surface=Surface.ROOM, sender_age=A, recipients=(A, T), review="urgent"),
    Case("teen to teen is a normal slip", "add me on snap: jane.d", Action.BOUNCE, "slip", sender_age=T,
         recipients=(T,)),
    Case("unknown ages are a normal slip", "add me on snap: jane.d", Action.BOUNCE, "slip", sender_age=U,
         recipients=(U,)),
    Case("adult-teen after many slips goes to review, still urgent", "add me on snap: jane.d", Action.REVIEW,
         "adult_teen", ("minor_safety.adult_teen", "escalation.review"), sender_age=A, recipients=(T,),
         strikes=5, review="urgent"),
    # -- roles -----------------------------------------------------------------------------
    Case("a moderator may share an official link", "the guide is at https://example.org/help/grief",
         Action.ALLOW, "moderator_resource", ("contact.url", "moderator.official_resource"), role=Role.MODERATOR),
    Case("a moderator may share a service's number", "their office line is 415 555 0192", Action.ALLOW,
         "moderator_resource", ("moderator.official_resource",), role=Role.MODERATOR),
    Case("a moderator may share an official link with a teen", "see https://example.org/help/grief",
         Action.ALLOW, "moderator_resource", role=Role.MODERATOR, sender_age=A, recipients=(T,)),
    Case("a moderator asking for snap is not an official resource", "add me on snap: jane.d", Action.BOUNCE,
         "slip", role=Role.MODERATOR),
    Case("a moderator asking a teen for snap is blocked", "add me on snap: jane.d", Action.BLOCK, "adult_teen",
         role=Role.MODERATOR, sender_age=A, recipients=(T,), review="urgent"),
    Case("a listener's slip bounces with the listener notice", "text me 415 555 0192", Action.BOUNCE, "listener",
         ("listener.guidelines",), role=Role.LISTENER),
    Case("a listener's repeat slip is blocked", "text me 415 555 0192", Action.BLOCK, "listener",
         ("escalation.blocked",), role=Role.LISTENER, strikes=1),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_before_after(guard: Guard, case: Case) -> None:
    findings = guard.detect(case.text, case.context()).findings
    verdict = Policy.default().decide(findings, case.context(), case.strikes)
    assert (verdict.action, verdict.rule) == (case.action, case.rule), verdict
    for code in case.reasons:
        assert code in verdict.reasons, (code, verdict.reasons)
    assert verdict.review_priority == case.review
    if case.action == Action.ALLOW:
        assert verdict.notice_key is None and not verdict.strike
    else:
        assert verdict.notice_key is not None


def _finding(kind: Kind, confidence: float) -> Finding:
    return Finding(kind=kind, start=0, end=5, text="x" * 5, confidence=confidence, rule="test", detector="test")


def test_uncertain_findings_are_redacted_without_a_strike() -> None:
    verdict = Policy.default().decide([_finding(Kind.HANDLE, 0.55)], Context())
    assert (verdict.action, verdict.rule, verdict.notice_key) == (Action.REDACT, "uncertain", "redacted")
    assert "confidence.low" in verdict.reasons and not verdict.strike


def test_uncertain_adult_teen_is_redacted_and_reviewed() -> None:
    ctx = Context(sender=Sender(age_group=AgeGroup.TEEN), recipient_age_groups=(AgeGroup.ADULT,))
    verdict = Policy.default().decide([_finding(Kind.PHONE, 0.5)], ctx)
    assert (verdict.action, verdict.rule, verdict.review_priority) == (Action.REDACT, "adult_teen_uncertain",
                                                                       "normal")


def test_the_strictest_finding_decides() -> None:
    ctx = Context(sender=Sender(role=Role.MODERATOR))
    # the link alone would be allowed for a moderator, the handle is not
    verdict = Policy.default().decide([_finding(Kind.URL, 0.9), _finding(Kind.HANDLE, 0.9)], ctx)
    assert (verdict.action, verdict.rule) == (Action.BOUNCE, "slip")
    assert "moderator.official_resource" not in verdict.reasons


def test_verdict_fields_of_a_mute_step() -> None:
    verdict = Policy.default().decide([_finding(Kind.PHONE, 0.9)], Context(), strikes=2)
    assert isinstance(verdict, Verdict)
    assert verdict.strike and verdict.step == "muted" and verdict.repeat
    assert verdict.mute is not None and verdict.mute.total_seconds() == 30 * 60
    assert verdict.notice_key == "muted"


# -- a site's own policy file ------------------------------------------------------------------

SITE_POLICY = """
version = 1
name = "strict-rooms"

[defaults]
action = "block"
notice = "blocked"

[strikes]
decay = "7d"
ladder = [{ step = "first", action = "bounce" }, { step = "then", action = "review", notice = "review" }]

[[rules]]
id = "rooms_redact_links"
when = { surface = ["room"], kind = ["url"], min_confidence = 0.8 }
action = "redact"
notice = "redacted"

[[rules]]
id = "chat"
when = { surface = ["chat"] }
action = "bounce"
notice = "bounce"
strike = true
"""


def test_a_site_policy_maps_surface_kind_and_confidence(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text(SITE_POLICY, encoding="utf-8")
    policy = Policy.load(path)
    room = Context(surface=Surface.ROOM)
    assert policy.decide([_finding(Kind.URL, 0.9)], room).action == Action.REDACT
    # below the rule's confidence the defaults apply
    low = policy.decide([_finding(Kind.URL, 0.7)], room)
    assert (low.action, low.rule, low.reasons) == (Action.BLOCK, "default", ("contact.url", "rule.default"))
    chat = Context(surface=Surface.CHAT)
    assert policy.decide([_finding(Kind.URL, 0.9)], chat).action == Action.BOUNCE
    assert policy.decide([_finding(Kind.URL, 0.9)], chat, strikes=1).action == Action.REVIEW
    assert "rule.chat" in policy.decide([_finding(Kind.URL, 0.9)], chat).reasons
    assert policy.strike_settings.decay_delta.days == 7


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version = 1\n[defaults]\naction='bounce'\nnotice='bounce'\n[strikes]\nladder=[{step='a',action='bounce'}]\n"
         "[[rules]]\nid='r'\nwhen={surface=['chatroom']}\naction='block'\nnotice='blocked'\n",
         r"rules\[0\]\.when\.surface\[0\]: Input should be 'chat', 'room', 'listener_room' or 'profile'"),
        ("version = 1\n[defaults]\naction='bounce'\nnotice='bounce'\n[strikes]\nladder=[{step='a',action='bounce'}]\n"
         "[[rules]]\nid='r'\naction='explode'\nnotice='x'\n",
         r"rules\[0\]\.action: Input should be 'allow', 'redact', 'bounce', 'block' or 'review'"),
        ("version = 1\n[defaults]\naction='bounce'\nnotice='bounce'\n[strikes]\nladder=[{step='a',action='bounce'}]\n"
         "[[rules]]\nid='r'\nwhen={colour='red'}\naction='block'\nnotice='blocked'\n",
         r"rules\[0\]\.when\.colour: Extra inputs are not permitted"),
        ("version = 1\n[defaults]\naction='bounce'\nnotice='bounce'\n[strikes]\nladder=[{step='a',action='bounce'}]\n"
         "[[rules]]\nid='r'\naction='block'\n", r"rules\[0\]: notice: required for action 'block'"),
        ("version = 1\n[defaults]\naction='bounce'\nnotice='bounce'\n[strikes]\ndecay='soon'\n"
         "ladder=[{step='a',action='bounce'}]\n", r"strikes\.decay: 'soon' is not a duration"),
        ("version = 1\n[defaults]\naction='bounce'\nnotice='bounce'\n[strikes]\nladder=[]\n",
         r"strikes\.ladder: .*at least 1 item"),
        ("version = 1\n[defaults]\naction='bounce'\nnotice='bounce'\n[strikes]\nladder=[{step='a',action='bounce'}]\n"
         "[[rules]]\nid='r'\naction='allow'\n[[rules]]\nid='r'\naction='allow'\n", r"the id 'r' is used twice"),
        ("version = 1\n[defaults]\naction='bounce'\nnotice='bounce'\nreasons=['Bad Code']\n"
         "[strikes]\nladder=[{step='a',action='bounce'}]\n", r"defaults\.reasons: .*lower-case dotted words"),
        ("version = 2\n", r"version: Input should be 1"),
        ("version = 1\n[defaults\n", r"not valid TOML"),
        ("version = 1\n", r"defaults: Field required"),
    ],
)
def test_bad_policy_files_name_the_key_path(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        Policy.load(path)
    message = str(info.value)
    assert message.startswith(str(path)), message
    assert re.search(expected, message), message
    assert "Traceback" not in message


def test_missing_policy_file() -> None:
    with pytest.raises(PolicyError, match="no such file"):
        Policy.load("/nonexistent/policy.toml")


def test_default_policy_file_is_package_data_and_round_trips() -> None:
    policy = Policy.default()
    assert policy.name == "community"
    assert Policy.from_toml(policy.to_toml()).to_dict() == policy.to_dict()
    assert Policy.load(DEFAULT_TOML).to_dict() == policy.to_dict()


def test_every_reason_code_is_documented() -> None:
    doc = DOCS.read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_]+\.[a-z_<>]+)`", doc))
    policy = Policy.default()
    codes = set(policy.reason_codes()) | {f"contact.{k.value}" for k in Kind}
    codes |= {f"escalation.{s.step}" for s in policy.strike_settings.ladder}
    codes |= {"slip.first", "slip.repeat", "strike.muted", "store.unavailable", "fail_mode.closed"}
    assert codes - documented == set()


def test_every_reason_the_guard_reports_is_documented(guard: Guard) -> None:
    doc = DOCS.read_text(encoding="utf-8")
    for case in CASES:
        decision = Guard().check(case.text, case.context())
        for code in decision.reasons:
            assert f"`{code}`" in doc, code
