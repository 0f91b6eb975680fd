"""Adversarial inputs of about 1 MB finish in bounded, linear time.

Each input is checked by ``Guard().check`` in a child process (so a super-linear regression is
killed at the bound instead of hanging the suite), first at a tenth of its size, then at full
size. Two checks per input:

* the full-size text finishes within ``BOUND`` seconds;
* full size takes less than ``MAX_RATIO`` times the tenth (10x the text: linear code takes about
  10x, quadratic code about 100x). Times under ``NOISE_FLOOR`` count as ``NOISE_FLOOR``.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from dataclasses import dataclass
from functools import cache

import pytest

BOUND = 20.0  # seconds for the full-size text
SMALL_LIMIT = 6.0  # seconds for the tenth: linear code needs ~BOUND/10 at most, this is 3x that
MAX_RATIO = 30.0
NOISE_FLOOR = 0.05
STARTUP_LIMIT = 120.0  # importing offsite and building a guard, on a busy machine

MB = 1_000_000

#: name -> (repeated unit, full size in characters)
INPUTS: dict[str, tuple[str, int]] = {
    "a@a.": ("a@a.", MB),
    "spaced-digits": ("5 ", MB),
    "digit-groups": ("12345 ", MB),
    "five-words": ("five ", 500_000),  # "five " x 100000
    "homoglyphs": ("аеорсхуіј", MB),  # Cyrillic look-alikes of Latin letters
    "spaced-letters": ("s n a p ", MB),
    "open-parens": ("(", MB),
    "dots": (".", MB),
    "at-names": ("@a ", MB),  # a mention in every three characters
    "many-emails": ("jo@example.com ", MB),  # thousands of findings to merge
    "filler-between-groups": ("call 555 and then ", MB),  # filler words read as separators
    "thai-without-spaces": ("ฉันรู้สึกเหนื่อยมากวันนี้ ", MB),  # a script the compiled scans read by letter group
    "cyrillic-requests": ("давай перейдём в вк ", MB),  # 50,000 real findings, no sentence stop
    # a get-together, a day, an hour and an invitation in every 50 characters, held on the site
    "meetups": ("treffen am samstag um 15 uhr in the room, all welcome ", MB),
}

_CHILD = r"""
import json, sys, time
from offsite import Guard
guard = Guard()
guard.check("warm up: jo@example.com, 555 014 2287, ig: jane_d")
unit = json.loads(sys.argv[1])
print("ready", flush=True)
for size in map(int, sys.argv[2:]):
    text = (unit * (size // len(unit) + 1))[:size]
    best = None
    for _ in range(3 if size < 200_000 else 1):
        start = time.perf_counter()
        guard.check(text)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
        if elapsed > 1.0:
            break
    print(json.dumps({"size": size, "seconds": best}), flush=True)
"""


@dataclass(frozen=True)
class Timing:
    """Seconds for the tenth and the full size; None where the run was killed at its limit."""

    small: float | None
    full: float | None


@cache
def timing(name: str) -> Timing:
    """Run the child for one input (once per test session)."""
    unit, size = INPUTS[name]
    small = size // 10
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD, json.dumps(unit), str(small), str(size)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()

    def next_line(limit: float) -> str | None:
        try:
            return lines.get(timeout=limit)
        except queue.Empty:
            return None

    try:
        ready = next_line(STARTUP_LIMIT)
        if ready is None or ready.strip() != "ready":
            proc.kill()
            _, err = proc.communicate()
            pytest.fail(f"child did not start: {err[-2000:]}")
        results: list[float | None] = []
        for limit in (SMALL_LIMIT, BOUND):
            line = next_line(limit + 5.0)  # slack for building the text
            if line is None:
                results.append(None)
                break
            results.append(float(json.loads(line)["seconds"]))
        while len(results) < 2:
            results.append(None)
        return Timing(results[0], results[1])
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


@pytest.mark.parametrize("name", list(INPUTS))
def test_finishes_within_bound(name: str) -> None:
    """The full-size adversarial text is checked within BOUND seconds."""
    _unit, size = INPUTS[name]
    t = timing(name)
    if t.small is None:
        pytest.fail(f"{name}: even {size // 10} characters took more than {SMALL_LIMIT:.0f} s")
    assert t.full is not None, f"{name}: {size} characters did not finish within {BOUND:.0f} s"
    assert t.full < BOUND, f"{name}: {size} characters took {t.full:.1f} s (bound {BOUND:.0f} s)"


@pytest.mark.parametrize("name", list(INPUTS))
def test_time_grows_linearly(name: str) -> None:
    """Ten times the text takes less than MAX_RATIO times as long."""
    _unit, size = INPUTS[name]
    t = timing(name)
    if t.small is None:
        pytest.fail(f"{name}: {size // 10} characters took more than {SMALL_LIMIT:.0f} s")
    if t.full is None:
        least = BOUND / max(t.small, NOISE_FLOOR)
        verdict = "super-linear" if least >= MAX_RATIO else "ratio not measurable"
        pytest.fail(
            f"{name}: {size // 10} characters took {t.small:.2f} s but {size} were stopped at "
            f"{BOUND:.0f} s: ratio > {least:.0f} ({verdict})"
        )
    ratio = t.full / max(t.small, NOISE_FLOOR)
    assert ratio < MAX_RATIO, (
        f"{name}: {size // 10} chars {t.small:.3f} s, {size} chars {t.full:.3f} s: "
        f"ratio {ratio:.1f} >= {MAX_RATIO:.0f} (super-linear)"
    )
