"""In-memory state of the demo community: per browser session, a one-on-one chat, a group room
and a profile. Bounded (least recently used sessions dropped) and held by one app instance."""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from offsite.models import Action, AgeGroup, Role

MAX_SESSIONS = 500
MAX_MESSAGES = 60
NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9 '\-]{0,23}$")
ROOM_MEMBERS = ("Robin", "Kai", "Jules")
PROFILE_FIELDS = (("display_name", "Display name"), ("pronouns", "Pronouns"), ("bio", "About me"))


@dataclass(frozen=True, slots=True)
class Persona:
    """Who the visitor plays in the demo."""

    name: str
    role: Role
    age_group: AgeGroup

    @property
    def label(self) -> str:
        """``Alex · member · teen``."""
        return f"{self.name} · {self.role.value} · {self.age_group.value}"


DEFAULT_PERSONA = Persona("Alex", Role.MEMBER, AgeGroup.ADULT)


def partner_for(persona: Persona, partner_age: AgeGroup | None) -> Persona:
    """The other person of the one-on-one chat: a listener for a member, a member for a listener."""
    role = Role.MEMBER if persona.role == Role.LISTENER else Role.LISTENER
    name = "Sam" if role == Role.LISTENER else "Jamie"
    return Persona(name, role, partner_age or persona.age_group)


def clean_name(value: str | None) -> str | None:
    """A safe display name, or ``None`` when ``value`` is not one."""
    value = (value or "").strip()
    return value if NAME_RE.fullmatch(value) else None


@dataclass(frozen=True, slots=True)
class DemoMessage:
    """One message as each side saw it."""

    seq: int
    author: str  # "you" | "partner" | a room member's name
    author_name: str
    original: str
    delivered: str | None  # what the other side sees; None when nothing was delivered
    action: Action
    notice: str | None
    kinds: tuple[str, ...]
    sent_at: float

    @property
    def status(self) -> str:
        """A short status line for the sender."""
        if self.action == Action.ALLOW:
            return "Delivered"
        if self.delivered is not None:
            return "Delivered with contact details hidden"
        if self.action == Action.REVIEW:
            return "Held for a moderator"
        return "Not delivered"


@dataclass
class DemoSession:
    """One visitor's demo world (mutated only under the state's lock)."""

    sid: str
    chat: list[DemoMessage] = field(default_factory=list)
    room: list[DemoMessage] = field(default_factory=list)
    profile: dict[str, str] = field(default_factory=dict)
    seq: int = 0

    def next_seq(self) -> int:
        """A message number unique in this session."""
        self.seq += 1
        return self.seq


class DemoState:
    """All demo sessions of one app instance."""

    def __init__(self, max_sessions: int = MAX_SESSIONS) -> None:
        self._sessions: OrderedDict[str, DemoSession] = OrderedDict()
        self._lock = threading.Lock()
        self.max_sessions = max_sessions

    @staticmethod
    def new_sid() -> str:
        """A fresh session id."""
        return secrets.token_urlsafe(12)

    def session(self, sid: str) -> DemoSession:
        """The session ``sid`` (created when unknown)."""
        with self._lock:
            session = self._sessions.pop(sid, None) or DemoSession(sid)
            self._sessions[sid] = session
            while len(self._sessions) > self.max_sessions:
                self._sessions.popitem(last=False)
            return session

    def add(self, session: DemoSession, where: str, message: DemoMessage) -> None:
        """Append a message to the chat or the room, keeping the last ``MAX_MESSAGES``."""
        with self._lock:
            log = session.chat if where == "chat" else session.room
            log.append(message)
            del log[:-MAX_MESSAGES]

    def save_profile(self, session: DemoSession, fields: dict[str, str]) -> None:
        """Store the accepted profile fields."""
        with self._lock:
            session.profile.update(fields)

    def reset(self, sid: str) -> None:
        """Forget a session."""
        with self._lock:
            self._sessions.pop(sid, None)


def now() -> float:
    """Current time (seconds since the epoch)."""
    return time.time()
