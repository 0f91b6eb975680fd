"""The per-conversation window and its small JSON form.

What is kept (and nothing more): for each recent sender, the contact-like *tail* of their last
few messages (at most ``max_fragment_chars`` characters each), the message id and time of each;
the platform of a pending question ("do u have insta?") with who asked; the platform last named
in the conversation. Platforms are stored as ids ("instagram"), never as the words typed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

import orjson

from offsite.conversation.settings import WindowSettings

FORMAT_VERSION = 1


class StateFormatError(ValueError):
    """A stored window is not in the expected format."""


@dataclass(frozen=True, slots=True)
class Fragment:
    """The kept tail of one message."""

    message_id: str
    at: float
    text: str
    #: the conversation's message counter when it was written
    seq: int = 0


@dataclass(frozen=True, slots=True)
class PlatformNote:
    """A platform asked about (pending question) or named, by whom and when."""

    platform: str
    sender: str
    message_id: str
    at: float
    seq: int


@dataclass(frozen=True, slots=True)
class ConversationState:
    """Everything kept about one conversation."""

    seq: int = 0
    #: (sender key, that sender's recent fragments, oldest first); most recently active last
    windows: tuple[tuple[str, tuple[Fragment, ...]], ...] = ()
    pending: PlatformNote | None = None
    named: PlatformNote | None = None

    def window(self, sender: str) -> tuple[Fragment, ...]:
        """The fragments kept for ``sender``."""
        for key, fragments in self.windows:
            if key == sender:
                return fragments
        return ()

    def with_fragment(self, sender: str, fragment: Fragment | None, settings: WindowSettings) -> ConversationState:
        """Add ``fragment`` to ``sender``'s window (or just mark them active), keeping the
        window bounds."""
        fragments = self.window(sender)
        if fragment is not None:
            fragments = (*fragments, fragment)[-settings.max_messages :]
        others = tuple((k, f) for k, f in self.windows if k != sender)
        windows = (*others, (sender, fragments)) if fragments else others
        return replace(self, windows=windows[-settings.max_senders :])

    def pruned(self, now: float, settings: WindowSettings) -> ConversationState:
        """Drop what is older than the window allows."""
        oldest = now - settings.max_seconds
        min_seq = self.seq - settings.max_messages * settings.max_senders
        windows = []
        for key, fragments in self.windows:
            kept = tuple(f for f in fragments if f.at >= oldest and f.seq >= min_seq)
            if kept:
                windows.append((key, kept))
        pending = self.pending
        if pending is not None and (pending.at < oldest or self.seq - pending.seq > settings.answer_within):
            pending = None
        named = self.named
        if named is not None and (named.at < oldest or self.seq - named.seq > settings.max_messages):
            named = None
        return replace(self, windows=tuple(windows), pending=pending, named=named)

    @property
    def empty(self) -> bool:
        """True when nothing but the message counter is kept."""
        return not self.windows and self.pending is None and self.named is None

    def to_json(self) -> str:
        """Compact JSON."""
        data: dict[str, Any] = {"v": FORMAT_VERSION, "seq": self.seq}
        if self.windows:
            data["w"] = [[k, [[f.message_id, round(f.at, 3), f.text, f.seq] for f in fr]] for k, fr in self.windows]
        if self.pending is not None:
            data["p"] = _note_json(self.pending)
        if self.named is not None:
            data["n"] = _note_json(self.named)
        try:
            return orjson.dumps(data).decode()
        except orjson.JSONEncodeError:  # a lone surrogate in a text or id: the standard library keeps it
            return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> ConversationState:
        """Parse :meth:`to_json` output (raises :class:`StateFormatError`)."""
        try:
            try:
                data = orjson.loads(raw)
            except orjson.JSONDecodeError:  # written by the standard library (lone surrogates)
                data = json.loads(raw)
            if not isinstance(data, dict) or data.get("v") != FORMAT_VERSION:
                raise StateFormatError(f"unsupported window format version {data.get('v')!r}"
                                       if isinstance(data, dict) else "window is not an object")
            windows = tuple(
                (str(k), tuple(Fragment(str(m), float(t), str(x), int(s)) for m, t, x, s in fr))
                for k, fr in data.get("w", [])
            )
            return cls(
                seq=int(data.get("seq", 0)),
                windows=windows,
                pending=_note(data.get("p")),
                named=_note(data.get("n")),
            )
        except StateFormatError:
            raise
        except (ValueError, TypeError, KeyError) as exc:
            raise StateFormatError(f"malformed window: {type(exc).__name__}") from None


def _note_json(note: PlatformNote) -> list[Any]:
    return [note.platform, note.sender, note.message_id, round(note.at, 3), note.seq]


def _note(value: Any) -> PlatformNote | None:
    if value is None:
        return None
    platform, sender, message_id, at, seq = value
    return PlatformNote(str(platform), str(sender), str(message_id), float(at), int(seq))
