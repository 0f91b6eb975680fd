"""Deciding what happens to a message (the policy layer). See :mod:`offsite.policy.engine`."""

from offsite.policy.durations import format_duration, parse_duration
from offsite.policy.engine import CLEAN_RULE, Policy, PolicyError, StrikeSettings, Verdict, is_cross_age

__all__ = [
    "CLEAN_RULE", "Policy", "PolicyError", "StrikeSettings", "Verdict", "format_duration", "is_cross_age",
    "parse_duration",
]
