"""offsite: keeps conversations in peer-support communities on the site.

    from offsite import Guard, Context
    decision = Guard().check("add me on snap: jane.d", Context(surface="chat"))
    print(decision.action, decision.notice)
"""

from offsite.detectors.base import Candidate, Detector
from offsite.guard import Guard
from offsite.models import (
    Action,
    AgeGroup,
    Context,
    Decision,
    Finding,
    Kind,
    Role,
    Sender,
    Surface,
    TraceStep,
)
from offsite.registry import DetectorRegistry, default_registry
from offsite.resources import DetectionSettings

__version__ = "0.1.0"

__all__ = [
    "Action",
    "AgeGroup",
    "Candidate",
    "Context",
    "Decision",
    "DetectionSettings",
    "Detector",
    "DetectorRegistry",
    "Finding",
    "Guard",
    "Kind",
    "Role",
    "Sender",
    "Surface",
    "TraceStep",
    "__version__",
    "default_registry",
]
