"""Conversation-level detection and its shared state.

    from offsite import Guard, Context, Sender
    from offsite.conversation import RedisStateStore, WindowSettings

    guard = Guard(state=RedisStateStore("redis://127.0.0.1:6379/0"),
                  window=WindowSettings(max_messages=6, max_seconds=600))
    guard.check("my number is", Context(conversation_id="c1", sender=Sender(id="a")))
    guard.check("555 01", Context(conversation_id="c1", sender=Sender(id="a")))
    guard.check("92 334", Context(conversation_id="c1", sender=Sender(id="a"))).flagged  # True
    guard.close_conversation("c1")

``MemoryStateStore`` (the default) keeps windows in the process; ``RedisStateStore`` shares them
between workers.
"""

from offsite.conversation.redis_store import RedisStateStore
from offsite.conversation.settings import WindowSettings
from offsite.conversation.store import MemoryStateStore, StateStore, StateStoreError
from offsite.conversation.tracker import ConversationTracker, Observation
from offsite.conversation.window import ConversationState, Fragment, PlatformNote, StateFormatError

__all__ = [
    "ConversationState", "ConversationTracker", "Fragment", "MemoryStateStore", "Observation",
    "PlatformNote", "RedisStateStore", "StateFormatError", "StateStore", "StateStoreError",
    "WindowSettings",
]
