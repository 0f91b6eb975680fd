"""The one place detectors are registered. A caller can add, replace or switch off a detector
by name without touching the others::

    registry = default_registry()
    registry.disable("address")
    registry.register("my_detector", MyDetector)
    guard = Guard(registry=registry)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from offsite.detectors.address import AddressDetector
from offsite.detectors.base import Detector
from offsite.detectors.email import EmailDetector
from offsite.detectors.handle import HandleDetector
from offsite.detectors.intent import IntentDetector
from offsite.detectors.meetup import MeetupDetector
from offsite.detectors.phone import PhoneDetector
from offsite.detectors.solicitation import SolicitationDetector
from offsite.detectors.url import UrlDetector
from offsite.resources import Resources

DetectorFactory = Callable[[Resources], Detector]


@dataclass
class DetectorRegistry:
    """Named detector factories, in the order they run (earlier wins on overlapping spans)."""

    factories: dict[str, DetectorFactory] = field(default_factory=dict)
    disabled: set[str] = field(default_factory=set)

    def register(self, name: str, factory: DetectorFactory) -> None:
        """Add or replace the detector called ``name``."""
        self.factories[name] = factory

    def disable(self, name: str) -> None:
        """Switch a detector off (KeyError if unknown)."""
        if name not in self.factories:
            raise KeyError(f"unknown detector {name!r}; known: {', '.join(self.factories)}")
        self.disabled.add(name)

    def enable(self, name: str) -> None:
        """Switch a detector back on."""
        self.disabled.discard(name)

    def build(self, resources: Resources) -> tuple[Detector, ...]:
        """Instantiate the enabled detectors."""
        return tuple(f(resources) for n, f in self.factories.items() if n not in self.disabled)


def default_registry() -> DetectorRegistry:
    """The built-in detectors."""
    registry = DetectorRegistry()
    registry.register("email", EmailDetector)
    registry.register("url", UrlDetector)
    registry.register("phone", PhoneDetector)
    registry.register("handle", HandleDetector)
    registry.register("address", AddressDetector)
    registry.register("solicitation", SolicitationDetector)
    registry.register("meetup", MeetupDetector)
    registry.register("intent", IntentDetector)  # a second opinion: runs where the others found nothing
    return registry
