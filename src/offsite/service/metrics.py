"""Prometheus metrics in the text exposition format, kept per process (no client library).

Decisions are counted by action, kind and surface; request and check latencies go into
histograms. No label ever holds message text or contact values.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterable

#: Histogram bucket upper bounds, in seconds.
BUCKETS: tuple[float, ...] = (
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Histogram:
    """A fixed-bucket histogram keyed by a tuple of label values."""

    def __init__(self, name: str, help_text: str, label_names: tuple[str, ...]) -> None:
        self.name = name
        self.help_text = help_text
        self.label_names = label_names
        self._series: dict[tuple[str, ...], list[float]] = {}

    def observe(self, labels: tuple[str, ...], seconds: float) -> None:
        """Record one observation (caller holds the registry lock)."""
        series = self._series.get(labels)
        if series is None:
            # one slot per bucket, then +Inf, then sum
            series = [0.0] * (len(BUCKETS) + 2)
            self._series[labels] = series
        series[bisect.bisect_left(BUCKETS, seconds)] += 1
        series[-1] += seconds

    def render(self) -> Iterable[str]:
        """Exposition lines."""
        yield f"# HELP {self.name} {self.help_text}"
        yield f"# TYPE {self.name} histogram"
        for labels, series in sorted(self._series.items()):
            base = _labels(self.label_names, labels)
            cumulative = 0.0
            for bound, count in zip(BUCKETS, series, strict=False):
                cumulative += count
                yield f'{self.name}_bucket{{{base}{"," if base else ""}le="{bound}"}} {cumulative:g}'
            cumulative += series[len(BUCKETS)]
            yield f'{self.name}_bucket{{{base}{"," if base else ""}le="+Inf"}} {cumulative:g}'
            yield f"{self.name}_sum{{{base}}} {series[-1]:.6f}"
            yield f"{self.name}_count{{{base}}} {cumulative:g}"


class Counter:
    """A counter keyed by a tuple of label values."""

    def __init__(self, name: str, help_text: str, label_names: tuple[str, ...]) -> None:
        self.name = name
        self.help_text = help_text
        self.label_names = label_names
        self._values: dict[tuple[str, ...], float] = {}

    def inc(self, labels: tuple[str, ...], amount: float = 1.0) -> None:
        """Add ``amount`` (caller holds the registry lock)."""
        self._values[labels] = self._values.get(labels, 0.0) + amount

    def value(self, labels: tuple[str, ...]) -> float:
        """Current value for ``labels`` (0 when never incremented)."""
        return self._values.get(labels, 0.0)

    def render(self) -> Iterable[str]:
        """Exposition lines."""
        yield f"# HELP {self.name} {self.help_text}"
        yield f"# TYPE {self.name} counter"
        for labels, value in sorted(self._values.items()):
            yield f"{self.name}{{{_labels(self.label_names, labels)}}} {value:g}"


def _labels(names: tuple[str, ...], values: tuple[str, ...]) -> str:
    return ",".join(f'{n}="{_escape(v)}"' for n, v in zip(names, values, strict=True))


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class Metrics:
    """All metrics of one service process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.decisions = Counter(
            "offsite_decisions_total",
            "Decisions by action, kind of contact found (none when clean) and surface.",
            ("action", "kind", "surface"),
        )
        self.requests = Counter(
            "offsite_http_requests_total", "HTTP requests by route, method and status.",
            ("route", "method", "status"),
        )
        self.request_seconds = Histogram(
            "offsite_http_request_duration_seconds", "HTTP request latency by route.", ("route",),
        )
        self.check_seconds = Histogram(
            "offsite_check_duration_seconds", "Time spent in Guard.check by surface.", ("surface",),
        )
        self.rejected = Counter(
            "offsite_http_rejected_total", "Requests refused before routing, by reason.", ("reason",),
        )

    def record_decision(self, action: str, kinds: Iterable[str], surface: str, seconds: float) -> None:
        """Count one decision (one sample per distinct kind found) and its check latency."""
        with self._lock:
            any_kind = False
            for kind in kinds:
                any_kind = True
                self.decisions.inc((action, kind, surface))
            if not any_kind:
                self.decisions.inc((action, "none", surface))
            self.check_seconds.observe((surface,), seconds)

    def record_request(self, route: str, method: str, status: int, seconds: float) -> None:
        """Count one HTTP request and its latency."""
        with self._lock:
            self.requests.inc((route, method, str(status)))
            self.request_seconds.observe((route,), seconds)

    def record_rejection(self, reason: str) -> None:
        """Count a request refused by a middleware (size, rate, auth)."""
        with self._lock:
            self.rejected.inc((reason,))

    def render(self) -> str:
        """The whole exposition text."""
        with self._lock:
            lines: list[str] = []
            for metric in (self.decisions, self.check_seconds, self.requests, self.request_seconds,
                           self.rejected):
                lines.extend(metric.render())
        return "\n".join(lines) + "\n"
