"""Window settings of conversation-level detection."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True)
class WindowSettings:
    """How much of a conversation is kept to reassemble contact split over messages.

    A sender's piece is joined with their next message only while it is among their last
    ``max_messages`` messages *and* younger than ``max_seconds`` (message ``timestamp`` from the
    context, else the clock). The state of an idle conversation expires ``max_seconds`` after its
    last message.
    """

    #: messages kept per sender
    max_messages: int = 6
    #: seconds a piece (and a pending question) stays usable
    max_seconds: float = 600.0
    #: characters kept from the end of each message (only contact-like messages are kept)
    max_fragment_chars: int = 64
    #: senders kept per conversation (rooms): the most recently active ones
    max_senders: int = 8
    #: messages of the conversation after a platform question ("do u have insta?") during which
    #: a short handle-shaped answer from someone else is read as a handle on that platform
    answer_within: int = 2

    def __post_init__(self) -> None:
        limits = {"max_messages": (1, 100), "max_fragment_chars": (8, 1000), "max_senders": (1, 1000),
                  "answer_within": (0, 100)}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "max_seconds":
                if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 7 * 86400:
                    raise ValueError(f"WindowSettings.max_seconds: expected seconds in (0, 604800], got {value!r}")
                continue
            low, high = limits[f.name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ValueError(f"WindowSettings.{f.name}: expected an integer in [{low}, {high}], got {value!r}")
