"""What the benchmark scripts share: where the case files are, reading them, timing a function
over many texts, and describing the machine a run was made on."""

from __future__ import annotations

import datetime as _dt
import gc
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from offsite.evaluation import Case, CaseError, read_cases

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
DEV_SINGLE = REPO / "tests" / "data" / "dev" / "single.jsonl"
DEV_INDEPENDENT = REPO / "tests" / "data" / "dev" / "independent.jsonl"
#: Environment variable naming the folder of the shared benchmark suites (``*/*.jsonl``).
SHARED_ENV = "OFFSITE_SHARED_BENCHMARKS"


class BenchmarkError(Exception):
    """A problem the user can fix (a missing file, a bad case line, a missing package); the
    scripts print it as one line and exit with status 2."""


def shared_dir() -> Path:
    """The shared benchmark folder: ``$OFFSITE_SHARED_BENCHMARKS``, else ``shared/benchmarks``
    beside the repository (where CI and every developer machine have it)."""
    env = os.environ.get(SHARED_ENV)
    if env:
        return Path(env)
    for candidate in (REPO.parent / "shared" / "benchmarks", REPO / "shared" / "benchmarks"):
        if candidate.is_dir():
            return candidate
    return REPO.parent / "shared" / "benchmarks"


def default_case_files() -> list[Path]:
    """The shared suites (every ``*/*.jsonl``) and the project's development sets (hand-written,
    and by outside writers)."""
    folder = shared_dir()
    if not folder.is_dir():
        raise BenchmarkError(
            f"shared benchmark folder not found: {folder} (set {SHARED_ENV} to the folder that "
            "holds ramparts/, presidio/, scrubadub/ ...)"
        )
    files = sorted(folder.glob("*/*.jsonl"))
    if not files:
        raise BenchmarkError(f"no case files (*/*.jsonl) under {folder}")
    return [*files, DEV_SINGLE, DEV_INDEPENDENT]


def file_label(path: Path) -> str:
    """A short name for a case file: ``ramparts/phone`` or ``dev/single``."""
    return f"{path.parent.name}/{path.stem}"


@dataclass(frozen=True)
class CaseFile:
    """The single-text cases of one file (conversations are counted, not benchmarked)."""

    label: str
    path: Path
    cases: tuple[Case, ...]
    conversations_skipped: int


def load_case_files(paths: Iterable[Path]) -> list[CaseFile]:
    """Read and validate case files; a bad line raises ``BenchmarkError`` naming file:line."""
    out: list[CaseFile] = []
    for path in paths:
        if not path.is_file():
            raise BenchmarkError(f"case file not found: {path}")
        cases: list[Case] = []
        skipped = 0
        for item in read_cases(path):
            if isinstance(item, CaseError):
                raise BenchmarkError(str(item))
            if item.is_conversation:
                skipped += 1
                continue
            cases.append(item)
        out.append(CaseFile(file_label(path), path, tuple(cases), skipped))
    return out


def texts_of(files: Sequence[CaseFile]) -> list[str]:
    """Every single text of ``files``, in order."""
    return [c.text for f in files for c in f.cases if c.text is not None]


@dataclass(frozen=True)
class Timing:
    """Throughput and per-call latency of one function over a list of texts."""

    messages: int
    characters: int
    seconds: float
    messages_per_s: float
    p50_us: float
    p99_us: float
    max_us: float
    mean_us: float

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (rounded)."""
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def _percentile(sorted_values: Sequence[int], q: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return float(sorted_values[index])


#: The clocks a run can be timed with. ``cpu``: CPU time of the calling thread, which other
#: processes on a shared machine do not inflate (the default: the development machines and CI
#: have 2 cores shared by every job); ``wall``: elapsed time.
CLOCKS: dict[str, Callable[[], int]] = {"cpu": time.thread_time_ns, "wall": time.perf_counter_ns}


def get_clock(name: str) -> Callable[[], int]:
    """The clock called ``name`` (``cpu`` or ``wall``); BenchmarkError for another name."""
    try:
        return CLOCKS[name]
    except KeyError:
        raise BenchmarkError(f"unknown clock {name!r}; known: {', '.join(CLOCKS)}") from None


def time_calls(fn: Callable[[str], object], texts: Sequence[str], *, repeat: int = 1,
               warmup: int = 1, min_seconds: float = 0.0, clock_name: str = "cpu") -> Timing:
    """Call ``fn`` on every text, ``warmup`` untimed passes then ``repeat`` timed ones (more,
    until ``min_seconds`` of timed work), single process. Throughput is messages over the sum
    of per-call times; latency percentiles are over every timed call."""
    if not texts:
        raise BenchmarkError("nothing to time: the text list is empty")
    clock = get_clock(clock_name)
    for _ in range(warmup):
        for text in texts:
            fn(text)
    samples: list[int] = []
    passes = 0
    total_ns = 0
    gc.collect()
    while passes < repeat or total_ns < min_seconds * 1e9:
        for text in texts:
            t0 = clock()
            fn(text)
            samples.append(clock() - t0)
        total_ns = sum(samples)
        passes += 1
    samples.sort()
    seconds = total_ns / 1e9
    return Timing(
        messages=len(samples),
        characters=sum(len(t) for t in texts) * passes,
        seconds=seconds,
        messages_per_s=len(samples) / seconds if seconds else float("inf"),
        p50_us=_percentile(samples, 0.50) / 1e3,
        p99_us=_percentile(samples, 0.99) / 1e3,
        max_us=samples[-1] / 1e3,
        mean_us=total_ns / len(samples) / 1e3,
    )


def time_batch(fn: Callable[[Sequence[str]], object], texts: Sequence[str], *,
               min_seconds: float = 0.5, clock_name: str = "cpu") -> float:
    """Messages/second of a function that takes the whole list (a tight loop without per-call
    timers: used for the regular-expression baseline, where a timer costs as much as the work)."""
    clock = get_clock(clock_name)
    fn(texts)
    passes = 0
    start = clock()
    elapsed = 0.0
    while passes == 0 or elapsed < min_seconds:
        fn(texts)
        passes += 1
        elapsed = (clock() - start) / 1e9
    return len(texts) * passes / elapsed


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def machine_info(packages: Sequence[str] = ("offsite", "phonenumbers")) -> dict[str, Any]:
    """The machine, date and package versions a run was made with."""
    return {
        "date": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "versions": {p: _version(p) for p in packages},
    }


def machine_line(info: dict[str, Any]) -> str:
    """One Markdown line describing the machine."""
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items() if v)
    return (f"{info['date']}; {info['cpu']}, {info['cores']} cores; {info['implementation']} "
            f"{info['python']} on {info['platform']}; {versions}")


def write_json(path: Path, data: object) -> None:
    """Write ``data`` as indented JSON (folders created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_text(path: Path, text: str) -> None:
    """Write a text file (folders created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def publish(stem: Path, report: dict[str, Any], to_markdown: Callable[[dict[str, Any]], str]) -> None:
    """Write ``stem``.json and ``stem``.md and print the Markdown (every benchmark ends so)."""
    write_json(stem.with_suffix(".json"), report)
    markdown = to_markdown(report)
    write_text(stem.with_suffix(".md"), markdown)
    print(markdown)


def md_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table (numbers right-aligned)."""
    rows = [list(r) for r in rows]
    align = ["---:" if rows and all(isinstance(r[i], (int, float)) for r in rows) else "---"
             for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    for row in rows:
        lines.append("| " + " | ".join(_cell(v) for v in row) + " |")
    return "\n".join(lines)


def _cell(value: object) -> str:
    if isinstance(value, float):
        if value >= 100:
            return f"{value:,.0f}"
        return f"{value:.3f}" if value < 10 else f"{value:.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value).replace("|", "\\|").replace("\n", " ")
