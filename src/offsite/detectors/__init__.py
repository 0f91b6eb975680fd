"""Detectors: one module per kind of off-site contact, registered in :mod:`offsite.registry`."""

from offsite.detectors.base import Candidate, Detector, Trace

__all__ = ["Candidate", "Detector", "Trace"]
