"""Acting on a decision: the redacted text (every finding replaced by a visible mask)."""

from __future__ import annotations

from collections.abc import Sequence

from offsite.models import Finding, Kind

MASKS = {
    Kind.EMAIL: "[email hidden]",
    Kind.PHONE: "[phone number hidden]",
    Kind.URL: "[link hidden]",
    Kind.INVITE: "[invite link hidden]",
    Kind.HANDLE: "[username hidden]",
    Kind.SOLICITATION: "[request to move off-site hidden]",
    Kind.ADDRESS: "[address hidden]",
}


def redact(text: str, findings: Sequence[Finding]) -> str:
    """``text`` with each finding's span replaced by its kind's mask."""
    if not findings:
        return text
    out: list[str] = []
    pos = 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.start < pos:
            continue
        out.append(text[pos : finding.start])
        out.append(MASKS[finding.kind])
        pos = finding.end
    out.append(text[pos:])
    return "".join(out)
