"""Request and response bodies of the HTTP API (pydantic models; they make the OpenAPI document)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from offsite.models import Action, AgeGroup, Context, Kind, Role, Sender, Surface

MAX_TEXT_CHARS = 20_000
MAX_FIELDS = 32
_ID = Field(default=None, max_length=200)
FIELD_NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SenderIn(_Strict):
    """Who wrote the text."""

    id: str | None = Field(default=None, max_length=200, description="The site's id of the sender.")
    role: Role = Role.MEMBER
    age_group: AgeGroup = AgeGroup.UNKNOWN


class ContextIn(_Strict):
    """Where a text was written and by whom; every key is optional."""

    surface: Surface = Surface.CHAT
    sender: SenderIn = Field(default_factory=SenderIn)
    recipient_age_groups: list[AgeGroup] = Field(default_factory=list, max_length=1000)
    conversation_id: str | None = _ID
    message_id: str | None = _ID
    locale: str = Field(default="en", min_length=2, max_length=35, pattern=r"^[A-Za-z]{2,8}([_-][A-Za-z0-9]{1,8})*$")
    known_usernames: list[str] = Field(default_factory=list, max_length=1000)
    field_name: str | None = Field(default=None, max_length=64)
    timestamp: float | None = Field(default=None, ge=0, le=1e11, description="Seconds since the epoch.")

    def to_context(self, **changes: Any) -> Context:
        """The library's :class:`~offsite.models.Context` for this body, with ``changes`` applied."""
        values: dict[str, Any] = {
            "surface": self.surface,
            "sender": Sender(id=self.sender.id, role=self.sender.role, age_group=self.sender.age_group),
            "recipient_age_groups": tuple(self.recipient_age_groups),
            "conversation_id": self.conversation_id,
            "message_id": self.message_id,
            "locale": self.locale,
            "known_usernames": frozenset(self.known_usernames),
            "field_name": self.field_name,
            "timestamp": self.timestamp,
        }
        values.update(changes)
        return Context(**values)


class CheckRequest(_Strict):
    """One text to check."""

    text: str = Field(max_length=MAX_TEXT_CHARS, description="The message as the sender wrote it.")
    context: ContextIn = Field(default_factory=ContextIn)
    explain: bool = Field(default=False, description="Add the developer trace (never stored).")

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={
            "examples": [
                {
                    "text": "add me on snap: jane.d",
                    "context": {"surface": "chat", "sender": {"id": "u1", "role": "member",
                                                             "age_group": "adult"}},
                }
            ]
        },
    )


class ProfileCheckRequest(_Strict):
    """Profile fields to check before saving."""

    fields: dict[str, str] = Field(
        min_length=1, max_length=MAX_FIELDS,
        description="Field name to text, e.g. {\"bio\": ..., \"display_name\": ...}.",
    )
    context: ContextIn = Field(default_factory=ContextIn)

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={
            "examples": [{"fields": {"display_name": "Sunny", "bio": "ig: sunny.days"},
                          "context": {"sender": {"id": "u1"}}}]
        },
    )


class FindingOut(BaseModel):
    """One piece of off-site contact found."""

    kind: Kind
    start: int
    end: int
    text: str
    confidence: float
    rule: str
    detector: str
    platform: str | None = None
    value: str | None = None
    source_message_ids: list[str] = []


class DecisionOut(BaseModel):
    """The decision for one text (the library's JSON form, ``Decision.to_dict()``)."""

    action: Action
    flagged: bool
    findings: list[FindingOut]
    redacted_text: str
    notice: str | None
    reasons: list[str]
    policy_rule: str | None
    review_priority: str | None
    degraded: bool
    trace: list[dict[str, Any]] | None = None


class ProfileDecisionOut(BaseModel):
    """Decisions for a profile: one per field, the strictest action, and the refused fields."""

    action: Action
    refused_fields: list[str]
    fields: dict[str, DecisionOut]


class ResolveRequest(_Strict):
    """A moderator's resolution of a review item."""

    resolution: Literal["confirmed", "false_positive"]
    by: str = Field(default="moderator", min_length=1, max_length=200)
    note: str | None = Field(default=None, max_length=2000)


class ErrorField(BaseModel):
    """One invalid input, located by its path."""

    path: str
    location: str
    message: str
    type: str


class ErrorOut(BaseModel):
    """Every error response."""

    error: str
    message: str
    fields: list[ErrorField] = []


class ClosedOut(BaseModel):
    """A conversation was closed and its state dropped."""

    conversation_id: str
    closed: bool


class HealthOut(BaseModel):
    """Liveness or readiness."""

    status: str
    checks: dict[str, str] = {}
