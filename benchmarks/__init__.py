"""Benchmarks of offsite: throughput and latency (``throughput``), detection quality and speed
against Microsoft Presidio, scrubadub and a single compiled regular expression (``compare``),
and profiles of ``Guard.check`` (``profile_guard``). Run each from the repository root, e.g.
``python -m benchmarks.throughput``; ``benchmarks/README.md`` has the recorded figures."""
