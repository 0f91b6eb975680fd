"""Conversation-level detection: contact split over several messages, and answers to questions.

For every message of a conversation (``Context.conversation_id``), the tracker

1. joins the contact-like tails its sender wrote in their last few messages with the new message
   and runs the guard's detectors over the result ("my number is" / "555 01" / "92 334",
   "snap: m" / "oon" / ".kid_7"); a finding that needs the earlier pieces is reported on the
   new message, located in the new message's own text, with the ids of the messages it used;
2. reads a short, handle-shaped answer from someone else right after a platform question as a
   handle on that platform ("do u have insta?" -> "yeah its moon.child");
3. records what later messages may need: the new message's contact-like tail (at most
   ``max_fragment_chars`` characters; ordinary chat is not kept at all), the platform of a
   pending question and the platform last named (ids only).

Pieced-together findings must pass more than single-message detection asks for, because joining
makes text nobody wrote as one: a number must be phone-shaped as the phone detector requires *and*
at least ten digits long, or spelled out in words (eight digits or more; seven when words and digits
take turns, "8 six 7" / "five 3 oh 9"), or follow a phone word
("my cell is"), so day counts, schedules, countdowns and dates stay clean; a plain-word handle
needs "ig:" / "my insta is" before it (or "i'm" / "search" when the platform comes later) and
must not be an ordinary word.

Two more conversation readings: a question about a platform ("whats your @ on tiktok", "¿cuál
es tu ig?") is reported as a solicitation when no detector did, and a handle-shaped name given
"there" ("im moon.child there") right after a platform was named is read as a handle on it.

If the state store fails, the message is still checked on its own and the result is marked
degraded; the failure is logged once per outage (never with message text).
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from offsite.conversation.settings import WindowSettings
from offsite.conversation.store import AsyncStateStore, StateStore, StateStoreError, update_async
from offsite.conversation.window import ConversationState, Fragment, PlatformNote, StateFormatError
from offsite.detectors.base import Trace
from offsite.lru import LruCache
from offsite.models import Context, Finding, Kind, TraceStep
from offsite.normalize import Views
from offsite.pipeline import Detection, merge

log = logging.getLogger("offsite.conversation")

_ANONYMOUS = "_anonymous"
DETECTOR = "conversation"
#: sender and message ids longer than this are kept (and reported) as a sha256 prefix
MAX_ID_CHARS = 128

# -- what a message keeps -------------------------------------------------------------------

_CUE = re.compile(
    r"\b(?:number|numbers|num|numero|nummer|no|nr|cell|cel|celular|mobile|mob|phone|telefone|telefono|"
    r"telephone|tel|handy|portable|digits|email|e-mail|mail|correo|courriel|username|user|handle|addy|"
    r"address|contact|at|dot|arroba|punto|ponto|point|punkt|slash|search|find|add|follow|here's|heres|"
    r"its|it's|is|es|ist|est|e|me|on|to|my|ur|your|via|in|with)\s*[:\-=>]*\s*$"
)
#: messages of at most this many words are kept whatever they say ("oon", "you can find me")
_SHORT_TOKENS = 5
_INNER_PUNCT = re.compile(r"[a-z0-9][._@/#:][a-z0-9]|[@/#_]")

# -- phones pieced together -----------------------------------------------------------------

_PHONE_CUE = re.compile(
    r"\b(?:call|text|txt|phone|ph|tel|tele|telephone|number|num|numero|nummer|no|nr|cell|cel|celular|"
    r"mobile|mob|movil|digits|whatsapp|whats|wa|zap|wpp|telefone|telefono|handy|portable|ring|hmu|"
    r"dial|sms|signal|viber|telegram|contact|reach)\b"
)
_MIN_PIECED_DIGITS = 10
#: characters of a new message joined with the earlier pieces
_HEAD_CHARS = 256
#: messages longer than this are not read as questions or answers; only their end is kept
_ANALYSED_CHARS = 300
_ANY_DIGIT = re.compile(r"\d")
#: Windows this tracker wrote, kept parsed (states are immutable) for the next message.
_PARSED_CACHE = 2048
_LINK_BEFORE = re.compile(r"(?:[:=>\-]|\b(?:is|es|e|ist|est|its|it's|'s))\s*\Z")
_IDENTITY_BEFORE = re.compile(
    r"\b(?:i'?m|im|i am|it'?s|its|search|find|add|look up|look for|called|as|under|soy|sou|je suis|ich bin)"
    r"\s+(?:[a-z]+\s+)?\Z"
)

# -- platform questions and their answers ---------------------------------------------------

_NEGATION = re.compile(
    r"\b(?:don'?t|dont|never|not|won'?t|wont|can'?t|cant|shouldn'?t|no one|nobody|stop|quit|nunca|"
    r"jamais|nie|mai)\b[\w' ]{0,24}\Z"
)
_ASK = (
    r"(?:what'?s|whats|wats|wat'?s|wuts|what is|what r|whats is|cual es|cual|qual e|qual|"
    r"c'?est quoi|c est quoi|quel est|wie ist|wie lautet|was ist|dame|pasame|passa|me passa|"
    r"manda|send|drop|give me|gimme)"
)
_POSSESSIVE = r"(?:your|ur|yr|ya|u r|tu|ton|ta|teu|tua|seu|sua|dein|deine|dei|tuo|il tuo)"
_LABEL = r"(?:@|user ?name|username|handle|id|acc|account|name|tag|user|addy|@ name)"
_PREP = r"(?:on|en|no|na|sur|auf|su|in|for|de|di|da)"
_Q_ASK = re.compile(rf"\b{_ASK}\s+{_POSSESSIVE}\s+(?:{_LABEL}\s+(?:{_PREP}\s+)?)?\Z")
_Q_POSS = re.compile(rf"\b{_POSSESSIVE}\s+(?:{_LABEL}\s+(?:{_PREP}\s+)?)?\Z")
_Q_HAVE = re.compile(
    r"\b(?:(?:do|d|did|does)\s*(?:you|u|ya)\s+(?:still\s+)?(?:have|got|use)\s+(?:a\s+|an\s+)?|"
    r"(?:are|r)\s+(?:you|u)\s+on\s+|(?:tienes|tenes|usas|tens|tem|tu as|t'as|as tu|hast du|"
    r"hai|ce l'hai|voce tem|vc tem|tem)\s+)\Z"
)
_QUESTION_MARK = re.compile(r"\s*\?")
_END = re.compile(r"\s*(?:\?|!|\.|$)")

_HANDLE_TOKEN = re.compile(r"@?[a-z0-9_](?:[a-z0-9_.\-]{0,30}[a-z0-9_])?(?:#\d{4})?")
_FILLER = frozenset(
    "yeah yea yes yep yup ya yah ye sure ok okay k kk its it's it is mine mine's i'm im i am my "
    "name username user handle id sim si oui ouais c'est cest ja claro lol haha hehe lmao ofc "
    "of course add me follow here here's heres there the on as at and :) <3 ❤ ❤️ e é es est ist "
    "eh meu mi mon mein il mio".split()
)
_REFUSAL = frozenset(
    "no nope nah not dont don't can't cant never sorry nao não non nein nada rather later idk "
    "private share".split()
)
_THERE = re.compile(
    r"\b(?:i'?m|im|i am|find me as|add me|follow me|search|look up|look for)\s+"
    r"(?P<h>@?[a-z0-9_](?:[a-z0-9_.\-]{0,30}[a-z0-9_])?)\s+(?:on\s+)?(?:there|it|that)\b"
)
# "im quietfox on discord", "search Jane Marquez on fb" (up to the platform word)
_IDENTITY = re.compile(
    r"\b(?:i'?m|im|i am|search(?: for)?|look up|look for|find me as|add)\s+"
    r"(?P<name>[a-z0-9_.]+(?:\s+[a-z0-9_.]+){0,2})\s+(?:on|in)\s+(?:the\s+)?\Z"
)
# a platform asked about in a room: "gc on insta anyone??"
_ROOM_ASK = re.compile(r"\s+(?:anyone|any1|anybody|someone|ppl|people|guys|y'?all)\s*\?")
_LAST_WORD = re.compile(r"\S*\s*\Z")
#: characters that make a token look like a handle rather than a word ("moon.child", "kai_07")
_MARKED = re.compile(r"[._#@/\d]")
_CONTINUES = re.compile(r"[._/#\-][a-z0-9]")
_DECIMAL = re.compile(r"[.,]\d")
_NON_SPACE = re.compile(r"\S+")
_TOKEN_TRIM = ",.!?;:\"'()[]{}¿¡"


@dataclass(frozen=True, slots=True)
class Observation:
    """What the tracker adds to one message's check."""

    #: all findings of the message: single-message ones plus conversation-level ones, merged
    #: (a single-message finding that a reassembled one extends is replaced by it)
    findings: tuple[Finding, ...]
    #: True when the state store failed and only single-message detection ran
    degraded: bool
    #: the message id used in the window (``Context.message_id`` or a generated one)
    message_id: str | None
    trace: tuple[TraceStep, ...] = ()


@dataclass(frozen=True, slots=True)
class _Step:
    state: ConversationState
    findings: tuple[Finding, ...]
    message_id: str
    trace: tuple[TraceStep, ...]


@dataclass(frozen=True, slots=True)
class _Plan:
    """One message's update of its conversation's window, ready to run against the store."""

    conversation: str
    change: Callable[[str | None], str | None]
    #: the step the last run of ``change`` made (it may run again when a concurrent writer won)
    result: list[_Step]
    #: the single-message findings (answered alone when the store fails)
    single: list[Finding]
    message_id: str | None


@dataclass(frozen=True, slots=True)
class _Question:
    platform: str
    finding: Finding | None


class ConversationTracker:
    """Keeps the per-conversation windows in a :class:`StateStore` and finds contact that only
    appears across messages. One per :class:`~offsite.Guard`."""

    def __init__(
        self,
        detection: Detection,
        store: StateStore,
        settings: WindowSettings | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.detection = detection
        self.resources = detection.resources
        self.store = store
        self.settings = settings or WindowSettings()
        self._clock = clock
        self._lock = threading.Lock()
        self._failing = False
        self._analysed = max(_ANALYSED_CHARS, 2 * self.settings.max_fragment_chars)
        self._parsed: LruCache[str, ConversationState] = LruCache(_PARSED_CACHE)
        self._awaitable = isinstance(store, AsyncStateStore)  # asked once: the protocol test is slow
        aliases: dict[str, tuple[str, bool]] = {}
        for words, (platform, ambiguous) in self.resources.platforms.by_alias.items():
            aliases.setdefault(" ".join(words), (platform.id, ambiguous))
        self._aliases = aliases

    # -- public -------------------------------------------------------------------------------

    def observe(self, text: str, context: Context, findings: Sequence[Finding], *,
                explain: bool = False, views: Views | None = None) -> Observation:
        """Check ``text`` against its conversation's window and record it. ``findings`` are the
        single-message findings of ``text`` (``views``: its views, when already built). Never
        raises because of the store."""
        plan = self._plan(text, context, findings, explain, views)
        if isinstance(plan, Observation):
            return plan
        try:
            self.store.update(plan.conversation, plan.change, self.settings.max_seconds)
        except Exception as exc:
            return self._unobserved(plan, exc, explain)
        return self._observed(plan)

    async def observe_async(self, text: str, context: Context, findings: Sequence[Finding], *,
                            explain: bool = False, views: Views | None = None) -> Observation:
        """:meth:`observe` on an asyncio event loop: the store's update is awaited when the store
        has an asynchronous one (Redis), and called directly otherwise (memory)."""
        plan = self._plan(text, context, findings, explain, views)
        if isinstance(plan, Observation):
            return plan
        try:
            await update_async(self.store, plan.conversation, plan.change, self.settings.max_seconds,
                               awaitable=self._awaitable)
        except Exception as exc:
            return self._unobserved(plan, exc, explain)
        return self._observed(plan)

    def _plan(self, text: str, context: Context, findings: Sequence[Finding], explain: bool,
              views: Views | None) -> _Plan | Observation:
        """What to do with the window of ``text``'s conversation (an Observation at once when
        there is no conversation)."""
        conversation = context.conversation_id
        if conversation is None:
            return Observation(tuple(findings), False, context.message_id)
        # Questions, answers and kept tails only need the end of a long message (bounded cost).
        short = len(text) <= self._analysed
        if views is None or views.original is not text or not short:
            views = self.resources.views(text[-self._analysed :])
        now = context.timestamp if context.timestamp is not None else self._clock()
        sender = _bounded_id(context.sender.id or _ANONYMOUS)
        question = self._question(views, findings) if short else None
        single = list(findings)
        if question is not None and question.finding is not None:
            single.append(question.finding)
        result: list[_Step] = []
        tail_views = views
        # When another worker wrote the window meanwhile, change() runs again; this sender's
        # earlier pieces are usually the same, so the joined texts are not detected twice.
        found_in: dict[str, list[Finding]] = {}

        def rules(joined: str) -> list[Finding]:
            found = found_in.get(joined)
            if found is None:
                found = found_in[joined] = self.detection.find(joined, context, Trace(), second_opinions=False)
            return found

        def change(raw: str | None) -> str | None:
            state = self._load(raw)
            step = self._step(state, text, tail_views if short else None, tail_views, context, sender, now,
                              single, question, explain, rules)
            result[:] = [step]
            stored = step.state.to_json()
            # the next message of the conversation usually reads back exactly this string
            self._parsed.put(stored, step.state)
            return stored

        return _Plan(conversation, change, result, single, context.message_id)

    def _unobserved(self, plan: _Plan, exc: Exception, explain: bool) -> Observation:
        """The message checked on its own, when the window could not be read or written."""
        if isinstance(exc, StateStoreError):
            self._report_failure(exc)
            notes = (TraceStep(DETECTOR, "note", "state store unavailable: single-message detection only"),)
            return Observation(tuple(merge(plan.single)), True, plan.message_id, notes if explain else ())
        # a bug must not cost the answer; the type only (no text) is logged
        log.error("conversation check failed (%s); single-message detection only", type(exc).__name__)
        return Observation(tuple(merge(plan.single)), True, plan.message_id)

    def _observed(self, plan: _Plan) -> Observation:
        self._report_success()
        step = plan.result[0]
        return Observation(tuple(merge(list(step.findings))), False, step.message_id, step.trace)

    def close(self, conversation_id: str) -> bool:
        """Forget a conversation's window. False (and a log line) when the store failed."""
        try:
            self.store.delete(conversation_id)
        except StateStoreError as exc:
            self._report_failure(exc)
            return False
        return True

    def window_json(self, conversation_id: str) -> str | None:
        """The stored JSON window of a conversation (for inspection and tests)."""
        return self.store.get(conversation_id)

    # -- one message --------------------------------------------------------------------------

    def _load(self, raw: str | None) -> ConversationState:
        if raw is None:
            return ConversationState()
        known = self._parsed.pop(raw)  # read once: the window changes with each message
        if known is not None:
            return known
        try:
            return ConversationState.from_json(raw)
        except StateFormatError as exc:
            log.warning("conversation window unreadable, starting afresh (%s)", type(exc).__name__)
            return ConversationState()

    def _step(
        self, state: ConversationState, text: str, views: Views | None, tail_views: Views, context: Context,
        sender: str, now: float, single: list[Finding], question: _Question | None, explain: bool,
        rules: Callable[[str], list[Finding]],
    ) -> _Step:
        """One message against the window (``views`` is None for a long message: only its start
        is joined with earlier pieces and only its end is kept)."""
        settings = self.settings
        seq = state.seq + 1
        state = replace(state, seq=seq).pruned(now, settings)
        message_id = _bounded_id(context.message_id or f"{context.conversation_id}#{seq}")
        trace: list[TraceStep] = []
        single = list(single)  # copied: this may run again when a concurrent writer won
        found = self._reassemble(state.window(sender), text, context, single, trace, rules)
        covered = [*single, *found]
        pending = state.pending
        if pending is not None and pending.sender != sender and views is not None:
            answer = self._answer(views, text, pending, covered)
            if answer is not None:
                found.append(answer)
                covered.append(answer)
                trace.append(TraceStep(DETECTOR, "accepted", "answer to a platform question",
                                       answer.text, "original", answer.start, answer.end))
                pending = None
        named = state.named
        if named is not None and views is not None:
            there = self._there(views, text, named, covered)
            if there is not None:
                found.append(there)
                trace.append(TraceStep(DETECTOR, "accepted", "handle on the platform just named",
                                       there.text, "original", there.start, there.end))
        if question is not None:
            pending = PlatformNote(question.platform, sender, message_id, now, seq)
        platform = self._named_platform(tail_views)
        if platform is not None:
            named = PlatformNote(platform, sender, message_id, now, seq)
        elif question is not None:
            named = PlatformNote(question.platform, sender, message_id, now, seq)
        tail = self._fragment(tail_views)
        fragment = Fragment(message_id, now, tail, seq) if tail else None
        state = replace(state, pending=pending, named=named).with_fragment(sender, fragment, settings)
        return _Step(state, (*single, *found), message_id, tuple(trace) if explain else ())

    # -- reassembly ---------------------------------------------------------------------------

    def _reassemble(
        self, window: tuple[Fragment, ...], text: str, context: Context, single: list[Finding],
        trace: list[TraceStep], rules: Callable[[str], list[Finding]],
    ) -> list[Finding]:
        """Findings that need the sender's earlier pieces (``window``) and the new message's
        start; ``rules`` detects in a joined text (the rules alone: second opinions such as the
        intent model read messages, not pieces joined)."""
        if not window or not text.strip():
            return []
        pieces = [f.text for f in window]
        joined = pieces[0]
        starts = [0]
        for piece in pieces[1:]:
            sep = self._separator(joined, piece)
            starts.append(len(joined) + len(sep))
            joined += sep + piece
        # Only the start of the new message can complete earlier pieces: long messages are cut
        # (at a space) so that a conversation costs at most a bounded extra detection pass.
        head = text
        if len(text) > _HEAD_CHARS:
            cut = text.find(" ", _HEAD_CHARS, 2 * _HEAD_CHARS)
            head = text[: _HEAD_CHARS if cut == -1 else cut]
        sep = self._separator(joined, head)
        offset = len(joined) + len(sep)
        joined += sep + head
        ends = [s + len(p) for s, p in zip(starts, pieces, strict=True)]
        found = [g for g in rules(joined) if head is text or g.end < len(joined)]
        prefix_found: list[Finding] | None = None
        out: list[Finding] = []
        replaced: set[int] = set()
        for g in found:
            same: list[int] = []
            span: tuple[int, int] | None
            if g.end <= offset:
                # completed by what follows it ("im quietfox" / "on discord"): new only if the
                # earlier pieces alone did not already hold it.
                if prefix_found is None:
                    prefix_found = rules(joined[: offset].rstrip())
                if any(p.kind == g.kind and p.start == g.start and p.end == g.end for p in prefix_found):
                    continue
                span = _strip_span(text, 0, len(text))
                sources = _sources(window, starts, ends, g.start, offset)
            elif g.start >= offset:
                start, end = g.start - offset, g.end - offset
                if any(s.kind == g.kind and s.start < end and start < s.end for s in single):
                    continue
                span = (start, end)
                sources = _sources(window, starts, ends, max(0, g.start - 48), offset)
            else:
                span = _strip_span(text, 0, g.end - offset)
                sources = _sources(window, starts, ends, g.start, offset)
                if span is not None:
                    lo, hi = span
                    same = [i for i, s in enumerate(single) if s.kind == g.kind and s.start < hi and lo < s.end]
                    if same and not all(lo <= single[i].start and single[i].end <= hi for i in same):
                        continue
            if span is None or not sources:
                continue
            reason = self._weak(g, joined, offset)
            if reason is not None:
                trace.append(TraceStep(DETECTOR, "rejected", reason, "", "conversation"))
                continue
            replaced.update(same)
            start, end = span
            finding = Finding(
                kind=g.kind, start=start, end=end, text=text[start:end], confidence=g.confidence,
                rule=f"conversation.{g.rule}", detector=DETECTOR, platform=g.platform, value=g.value,
                source_message_ids=tuple(sources),
            )
            out.append(finding)
            trace.append(TraceStep(DETECTOR, "accepted", f"reassembled from {len(sources) + 1} messages "
                                   f"({g.rule})", finding.text, "original", start, end))
        identity = self._identity(joined, offset, window, starts, ends, text, [*single, *out])
        if identity is not None:
            out.append(identity)
            trace.append(TraceStep(DETECTOR, "accepted", "a name, then the platform in a later message",
                                   identity.text, "original", identity.start, identity.end))
        if replaced:
            # a single-message finding that the reassembled one extends is superseded by it
            keep = [s for i, s in enumerate(single) if i not in replaced]
            single[:] = keep
        return out

    def _identity(
        self, joined: str, offset: int, window: tuple[Fragment, ...], starts: list[int], ends: list[int],
        text: str, covered: Sequence[Finding],
    ) -> Finding | None:
        """Who someone is in earlier messages, where in this one: "im quietfox" / "on discord",
        "search" / "Jane Marquez" / "on fb". (Within one message the handle detector decides.)"""
        if covered:
            return None
        views = self.resources.views(joined)
        alpha = views.alpha
        for mention in self.resources.platforms.mentions(alpha):
            if mention.ambiguous or mention.platform.id in ("phone", "email"):
                continue
            start, _ = alpha.to_original(mention.start, mention.end)
            if start < offset:
                continue
            match = _IDENTITY.search(alpha.text, max(0, mention.start - 80), mention.start)
            if match is None:
                continue
            name_start, name_end = alpha.to_original(match.start("name"), match.end("name"))
            if name_start >= offset:
                continue
            words = match.group("name").split()
            if all(w in self.resources.lexicon.common_words or w in _FILLER or w in _REFUSAL for w in words):
                continue
            span = _strip_span(text, 0, len(text))
            sources = _sources(window, starts, ends, name_start, min(name_end, offset))
            if span is None or not sources:
                continue
            name = "".join(joined[name_start:name_end].split()).lower()
            return Finding(
                kind=Kind.HANDLE, start=span[0], end=span[1], text=text[span[0] : span[1]], confidence=0.75,
                rule="handle.conversation.identity", detector=DETECTOR, platform=mention.platform.id,
                value=f"{mention.platform.id}:{name}", source_message_ids=tuple(sources),
            )
        return None

    def _separator(self, left: str, right: str) -> str:
        """How two consecutive pieces are joined: glued where the contact obviously continues
        ("u/" + "sleepyfox", "oon" + ".kid_7", "snap: m" + "oon"), a colon after a bare
        platform name ("snap" + "lilbean.22"), otherwise a space."""
        if not left or not right:
            return " "
        head = right.lstrip()
        if not head or right[0].isspace() or left[-1].isspace():
            return " "
        lower_left, lower_head = left.lower(), head.lower()
        first = lower_head.split()[0]
        last = lower_left.split()[-1]
        if left[-1] in "/@#_" and head[0].isalnum():
            return ""
        if _CONTINUES.match(lower_head) and left[-1].isalnum():
            # "1,299" + ".99" is a decimal, not a link or a handle going on
            if not (left[-1].isdigit() and _DECIMAL.match(head)):
                return ""
        alias = self._aliases.get(lower_left.strip())
        if alias is not None and " " not in head.strip() and _HANDLE_TOKEN.fullmatch(first.strip(_TOKEN_TRIM)):
            if not alias[1] or _MARKED.search(first):
                return ": "
        if (len(last) == 1 and last.isalpha() and last not in "aiu" and len(first) >= 2 and first.isalpha()
                and first not in self.resources.lexicon.common_words):
            return ""
        if (last.startswith("@") and len(last) <= 16 and " " not in head.strip()
                and _HANDLE_TOKEN.fullmatch(first) and _MARKED.search(first)):
            return ""
        return " "

    def _weak(self, finding: Finding, joined: str, offset: int) -> str | None:
        """Why a finding pieced together across messages is too weak to report, or None.
        Joining messages makes runs of numbers and "platform word + next word" that nobody
        wrote as one, so these need more than the single-message detectors ask for."""
        if finding.kind == Kind.PHONE:
            folded = _fold(finding.text)
            words = sum(1 for w in re.findall(r"[a-z]+", folded) if w in self.resources.numbers.words)
            digits = sum(c.isdigit() for c in self.resources.views(finding.text).digits.text)
            typed = len(re.findall(r"\d+", folded))
            if digits >= _MIN_PIECED_DIGITS or (words >= 3 and digits >= 8):
                return None
            if words >= 3 and typed >= 3 and digits >= 7:
                return None  # digits and number words in turn ("8 six 7" / "five 3 oh 9"): a disguise
            if _PHONE_CUE.search(_fold(joined[max(0, finding.start - 48) : finding.start])):
                return None
            return "pieced-together number: under ten digits and no phone word before it"
        if finding.kind == Kind.HANDLE:
            name = _fold(finding.text).strip().lstrip("@")
            if _MARKED.search(finding.text) or not finding.rule.startswith(
                    ("handle.after_platform", "handle.before_platform")):
                return None
            if name in self.resources.lexicon.common_words:
                return "pieced-together handle is an ordinary word"
            if finding.start >= offset or finding.end > offset:
                # the handle is in this message and its platform in an earlier one: only after
                # "ig:", "my insta is", "snap" alone ...
                if _LINK_BEFORE.search(_fold(joined[max(0, finding.start - 12) : finding.start])):
                    return None
                return "pieced-together handle without ':' or 'is' after the platform"
            if _IDENTITY_BEFORE.search(_fold(joined[max(0, finding.start - 16) : finding.start])):
                return None
            return "pieced-together handle without 'i'm' or 'search' before it"
        return None

    # -- questions and answers ----------------------------------------------------------------

    def _question(self, views: Views, findings: Sequence[Finding]) -> _Question | None:
        """The platform a message asks about ("whats ur snap", "do u have insta?", "¿cuál es tu
        ig?"), with a solicitation finding when no detector reported the question."""
        alpha = views.alpha
        text = alpha.text
        for mention in reversed(self.resources.platforms.mentions_in(views)):
            if mention.platform.id in ("phone", "email"):
                continue
            pre = text[max(0, mention.start - 60) : mention.start]
            post = text[mention.end :]
            at_end = bool(_END.match(post))
            asked = bool(_QUESTION_MARK.match(post))
            match = _Q_ASK.search(pre) or _Q_HAVE.search(pre)
            if match is None and asked:
                match = _Q_POSS.search(pre)
            if match is None and not mention.ambiguous and _ROOM_ASK.match(post):
                match = _LAST_WORD.search(pre)
            if match is None or (mention.ambiguous and not at_end):
                continue
            match_start = mention.start - len(pre) + match.start()
            if _NEGATION.search(text[max(0, match_start - 30) : match_start]):
                continue
            start, end = alpha.to_original(match_start, mention.end)
            original = views.original
            if any(f.kind == Kind.SOLICITATION and f.start < end and start < f.end for f in findings):
                return _Question(mention.platform.id, None)
            finding = Finding(
                kind=Kind.SOLICITATION, start=start, end=end, text=original[start:end], confidence=0.8,
                rule="solicitation.conversation.platform_question", detector=DETECTOR,
                platform=mention.platform.id, value="ask.platform_question",
            )
            return _Question(mention.platform.id, finding)
        for finding in findings:
            if finding.kind != Kind.SOLICITATION:
                continue
            for mention in self.resources.platforms.mentions_in(views):
                start, end = alpha.to_original(mention.start, mention.end)
                if finding.start <= start and end <= finding.end + 1 and mention.platform.id not in ("phone", "email"):
                    return _Question(mention.platform.id, None)
        return None

    def _named_platform(self, views: Views) -> str | None:
        for mention in reversed(self.resources.platforms.mentions_in(views)):
            if not mention.ambiguous and mention.platform.id not in ("phone", "email"):
                return mention.platform.id
        return None

    def _answer(self, views: Views, text: str, pending: PlatformNote,
                covered: Sequence[Finding]) -> Finding | None:
        """A short, handle-shaped reply to someone else's platform question."""
        if len(text) > 120:
            return None
        tokens = _tokens(views)
        if not tokens or len(tokens) > 6:
            return None
        words = [t for t, _, _ in tokens]
        if any(w in _REFUSAL for w in words):
            return None
        candidates = [(w, s, e) for w, s, e in tokens
                      if w not in _FILLER and w not in self._aliases and any(c.isalnum() for c in w)]
        if len(candidates) != 1:
            return None
        word, start, end = candidates[0]
        if not _HANDLE_TOKEN.fullmatch(word) or word.lstrip("@").replace("#", "").isdigit():
            return None
        marked = bool(_MARKED.search(word))
        if not marked and (len(tokens) > 3 or len(word) < 3 or word in self.resources.lexicon.common_words):
            return None
        if any(f.start < end and start < f.end for f in covered):
            return None
        return Finding(
            kind=Kind.HANDLE, start=start, end=end, text=text[start:end], confidence=0.85 if marked else 0.75,
            rule="handle.conversation.answer", detector=DETECTOR, platform=pending.platform,
            value=f"{pending.platform}:{word.lstrip('@')}", source_message_ids=(pending.message_id,),
        )

    def _there(self, views: Views, text: str, named: PlatformNote,
               covered: Sequence[Finding]) -> Finding | None:
        """"im moon.child there" right after a platform was named."""
        norm = views.norm
        match = _THERE.search(norm.text)
        if match is None or not _MARKED.search(match.group("h")):
            return None
        start, end = norm.to_original(match.start("h"), match.end("h"))
        if any(f.start < end and start < f.end for f in covered):
            return None
        return Finding(
            kind=Kind.HANDLE, start=start, end=end, text=text[start:end], confidence=0.8,
            rule="handle.conversation.there", detector=DETECTOR, platform=named.platform,
            value=f"{named.platform}:{match.group('h').lstrip('@')}",
            source_message_ids=(named.message_id,),
        )

    # -- what is kept -------------------------------------------------------------------------

    def _fragment(self, views: Views) -> str:
        """The contact-like tail of a message (``views`` of its end), or '' when nothing in it
        can start or continue contact (ordinary chat is not kept)."""
        tokens = views.original.split()
        if not tokens:
            return ""
        norm = views.norm.text
        suggestive = (  # cheapest tests first: the number-word view is built only when needed
            len(tokens) <= _SHORT_TOKENS
            or _ANY_DIGIT.search(norm) is not None
            or bool(_INNER_PUNCT.search(norm))
            or bool(_CUE.search(norm))
            or bool(self.resources.platforms.mentions_in(views))
            or views.digits.text != views.joined.text
        )
        if not suggestive:
            return ""
        limit = self.settings.max_fragment_chars
        kept: list[str] = []
        size = 0
        for token in reversed(tokens):
            if size + len(token) + (1 if kept else 0) > limit:
                break
            kept.append(token)
            size += len(token) + (1 if len(kept) > 1 else 0)
        if not kept:
            return tokens[-1][-limit:]
        return " ".join(reversed(kept))

    # -- failures -----------------------------------------------------------------------------

    def _report_failure(self, exc: StateStoreError) -> None:
        with self._lock:
            first = not self._failing
            self._failing = True
        if first:
            # the exception's type only: its text can hold addresses and ports, never message text
            log.warning("conversation state store unavailable, checking messages on their own "
                        "(decisions marked degraded): %s", type(exc).__name__)

    def _report_success(self) -> None:
        with self._lock:
            recovered = self._failing
            self._failing = False
        if recovered:
            log.warning("conversation state store available again")


def _bounded_id(value: str) -> str:
    """Ids are kept as given up to ``MAX_ID_CHARS``; longer ones as a hash (bounds the window)."""
    if len(value) <= MAX_ID_CHARS:
        return value
    return "sha256:" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def _strip_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _sources(window: tuple[Fragment, ...], starts: list[int], ends: list[int], lo: int, hi: int) -> list[str]:
    return [f.message_id for f, s, e in zip(window, starts, ends, strict=True) if s < hi and lo < e]


def _tokens(views: Views) -> list[tuple[str, int, int]]:
    """Whitespace tokens of the ``norm`` view, trimmed of edge punctuation, with their spans in
    the original text."""
    norm = views.norm
    out = []
    for match in _NON_SPACE.finditer(norm.text):
        start, end = match.start(), match.end()
        while start < end and norm.text[start] in _TOKEN_TRIM:
            start += 1
        while end > start and norm.text[end - 1] in _TOKEN_TRIM:
            end -= 1
        if start < end:
            o_start, o_end = norm.to_original(start, end)
            out.append((norm.text[start:end], o_start, o_end))
    return out
