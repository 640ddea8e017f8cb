"""Many virtual people for a bounded time against one URL, and what it cost the server.

Each person starts at a random moment within the first wait, completes a
visit, waits (1–3 s by default) and starts again in a new session, until the
time is up. Visits still going then are allowed to finish (bounded), so that
every CPU-second the server spent belongs to a visit that is counted.

Server CPU comes from /proc/PID/stat (user + system time of the whole process,
all threads) for the PIDs given, or for those listening on the URL's port on
this machine. Only loopback URLs are accepted.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.harness import percentile
from benchmarks.load.person import Person, Visit, Visitor
from benchmarks.load.protocol import Connection, ProtocolError, require_loopback

MAX_USERS = 2000
MAX_SECONDS = 3600.0
_TICKS = os.sysconf("SC_CLK_TCK")


class LoadError(RuntimeError):
    """The load run cannot start: bad settings, no server, or an app that fails at once."""


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far, from /proc (Linux)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # the name in brackets may hold spaces
    return (int(fields[11]) + int(fields[12])) / _TICKS


def listening_pids(port: int) -> list[int]:
    """PIDs of the processes that hold a listening TCP socket on ``port`` (Linux /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(cols[9])
    wanted = {f"socket:[{inode}]" for inode in inodes}
    return sorted(
        int(proc.name)
        for proc in Path("/proc").iterdir()
        if proc.name.isdigit() and wanted & _fd_targets(proc)
    )


def _fd_targets(proc: Path) -> set[str]:
    """What a process's open files point at; descriptors that close meanwhile are skipped."""
    targets = set()
    try:
        descriptors = list((proc / "fd").iterdir())
    except OSError:
        return targets
    for fd in descriptors:
        try:
            targets.add(os.readlink(fd))
        except OSError:
            continue
    return targets


def process_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


@dataclass(frozen=True)
class LoadSettings:
    url: str
    users: int = 10
    seconds: float = 30.0
    #: Seconds a person waits after a visit before starting a new one (min, max).
    wait: tuple[float, float] = (1.0, 3.0)
    seed: int = 0
    #: Seconds a single rerun may take before it counts as a protocol error.
    timeout: float = 30.0
    #: One visit before the clock starts, so first-run imports are not counted.
    warmup: bool = True

    def check(self) -> None:
        require_loopback(self.url)
        if not 1 <= self.users <= MAX_USERS:
            raise LoadError(f"users must be between 1 and {MAX_USERS}, not {self.users}")
        if not 0 < self.seconds <= MAX_SECONDS:
            raise LoadError(f"seconds must be above 0 and at most {MAX_SECONDS:.0f}")
        low, high = self.wait
        if not 0 <= low <= high:
            raise LoadError(f"wait must be two numbers 0 <= min <= max, not {self.wait}")


@dataclass
class Report:
    """What a load run measured; times in seconds unless the name says otherwise."""

    url: str
    users: int
    seconds: float
    elapsed: float
    visits: int
    completed: int
    completed_in_time: int
    unfinished: int
    errors: dict[str, int]
    error_samples: list[str]
    reruns_per_visit: float | None
    submit_to_results_ms: dict[str, float]
    submit_to_finished_ms: dict[str, float]
    triage_mix: dict[str, int]
    shared: int
    server_pids: dict[int, str]
    server_cpu_seconds: float | None
    client_cpu_seconds: float
    load_average: dict[str, list[float]] = field(default_factory=dict)

    @property
    def assessments_per_second(self) -> float:
        return self.completed_in_time / self.seconds

    @property
    def cpu_per_assessment(self) -> float | None:
        if self.server_cpu_seconds is None or not self.completed:
            return None
        return self.server_cpu_seconds / self.completed

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def as_json(self) -> dict:
        data = dict(self.__dict__)
        data["server_pids"] = {str(k): v for k, v in self.server_pids.items()}
        data["assessments_per_second"] = round(self.assessments_per_second, 3)
        cpu = self.cpu_per_assessment
        data["server_cpu_seconds_per_assessment"] = None if cpu is None else round(cpu, 4)
        return data

    def table(self) -> str:
        """A short table for people."""
        cpu = self.cpu_per_assessment
        lat, fin = self.submit_to_results_ms, self.submit_to_finished_ms
        rows = [
            ("virtual people", f"{self.users} for {self.seconds:g} s"),
            ("completed assessments", f"{self.completed} ({self.completed_in_time} in time)"),
            ("assessments per second", f"{self.assessments_per_second:.2f}"),
            (
                "submit → triage banner",
                f"p50 {lat['p50']:.0f} ms, p95 {lat['p95']:.0f} ms" if lat else "-",
            ),
            (
                "submit → results run finished",
                f"p50 {fin['p50']:.0f} ms, p95 {fin['p95']:.0f} ms" if fin else "-",
            ),
            (
                "reruns per visit",
                "-" if self.reruns_per_visit is None else f"{self.reruns_per_visit:.1f}",
            ),
            ("errors", ", ".join(f"{k} {v}" for k, v in self.errors.items()) or "0"),
            ("unfinished at the end", str(self.unfinished)),
            (
                "server CPU per assessment",
                "-"
                if cpu is None
                else f"{cpu * 1000:.0f} ms "
                f"({self.server_cpu_seconds:.1f} s on {len(self.server_pids)} process(es))",
            ),
            ("load generator CPU", f"{self.client_cpu_seconds:.1f} s"),
            ("triage mix", ", ".join(f"{k} {v}" for k, v in self.triage_mix.items()) or "-"),
            ("shared records", str(self.shared)),
            (
                "load average (1 min) before/after",
                "/".join(f"{v[0]:.2f}" for v in self.load_average.values()),
            ),
        ]
        width = max(len(name) for name, _ in rows)
        return "\n".join(f"{name.ljust(width)}  {value}" for name, value in rows)


def _summary_ms(samples: Sequence[float]) -> dict[str, float]:
    if not samples:
        return {}
    ms = [s * 1000 for s in samples]
    return {
        "p50": round(percentile(ms, 50), 1),
        "p95": round(percentile(ms, 95), 1),
        "max": round(max(ms), 1),
    }


def _server_pids(url: str, given: Sequence[int]) -> list[int]:
    if given:
        return list(given)
    port = urlsplit(url).port or 80
    return listening_pids(port)


def _cpu(pids: Sequence[int]) -> float | None:
    try:
        return sum(cpu_seconds(pid) for pid in pids) if pids else None
    except OSError:
        return None  # a process ended during the run: its time is lost


async def _healthy(url: str, timeout: float) -> None:
    try:
        await Connection(url, timeout=timeout).get("/_stcore/health")
    except ProtocolError as exc:
        raise LoadError(f"no Streamlit server answers at {url} ({exc}); start one first") from None


async def run_load(
    settings: LoadSettings,
    visitor: Callable[[int], Visitor] | None = None,
    server_pids: Sequence[int] = (),
) -> Report:
    """Run the people of ``settings``; ``visitor(seed)`` makes each visit (default: a Person)."""
    settings.check()
    make = visitor or (lambda seed: Person(seed))
    await _healthy(settings.url, settings.timeout)
    if settings.warmup:
        first = await make(-1 - settings.seed).visit(settings.url, settings.timeout)
        if first.error is not None:
            raise LoadError(f"the warm-up visit failed: {first.error}")
    pids = _server_pids(settings.url, server_pids)
    visits: list[Visit] = []
    load_before = list(os.getloadavg())
    client_before = _own_cpu()
    cpu_before = _cpu(pids)
    start = time.perf_counter()
    deadline = start + settings.seconds

    async def person(number: int) -> None:
        rng = random.Random(settings.seed * 1_000_003 + number)
        await asyncio.sleep(rng.uniform(0, min(settings.wait[1], settings.seconds)))
        round_ = 0
        while time.perf_counter() < deadline:
            seed = settings.seed * 1_000_003 + number * 10_007 + round_
            visits.append(await _visit(make(seed), settings))
            round_ += 1
            pause = min(rng.uniform(*settings.wait), deadline - time.perf_counter())
            if pause > 0:
                await asyncio.sleep(pause)

    tasks = [asyncio.create_task(person(n)) for n in range(settings.users)]
    await asyncio.sleep(settings.seconds)
    # Visits under way finish; a stuck one is cut off after two rerun timeouts.
    _, late = await asyncio.wait(tasks, timeout=2 * settings.timeout + 5)
    for task in late:
        task.cancel()
    await asyncio.gather(*late, return_exceptions=True)
    elapsed = time.perf_counter() - start
    cpu_after = _cpu(pids)
    return _report(
        settings,
        visits,
        unfinished=len(late),
        elapsed=elapsed,
        deadline=deadline,
        pids=pids,
        server_cpu=None if cpu_before is None or cpu_after is None else cpu_after - cpu_before,
        client_cpu=_own_cpu() - client_before,
        load={"before": load_before, "after": list(os.getloadavg())},
    )


async def _visit(visitor: Visitor, settings: LoadSettings) -> Visit:
    """One visit; a bug in the load generator itself is reported, not lost in a task."""
    started = time.perf_counter()
    try:
        return await visitor.visit(settings.url, settings.timeout)
    except Exception as exc:
        now = time.perf_counter()
        return Visit(started, now, 0, None, None, None, error=f"client: {exc!r}")


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def _report(
    settings: LoadSettings,
    visits: list[Visit],
    *,
    unfinished: int,
    elapsed: float,
    deadline: float,
    pids: Sequence[int],
    server_cpu: float | None,
    client_cpu: float,
    load: dict[str, list[float]],
) -> Report:
    done = [v for v in visits if v.completed]
    failed = [v for v in visits if v.error is not None]
    return Report(
        url=settings.url,
        users=settings.users,
        seconds=settings.seconds,
        elapsed=round(elapsed, 2),
        visits=len(visits),
        completed=len(done),
        completed_in_time=sum(v.finished_at <= deadline for v in done),
        unfinished=unfinished,
        errors=dict(Counter(v.error_kind for v in failed)),
        error_samples=sorted({v.error for v in failed if v.error})[:5],
        reruns_per_visit=statistics.mean(v.reruns for v in done) if done else None,
        submit_to_results_ms=_summary_ms(
            [v.submit_to_results for v in done if v.submit_to_results is not None]
        ),
        submit_to_finished_ms=_summary_ms(
            [v.submit_to_finished for v in done if v.submit_to_finished is not None]
        ),
        triage_mix=dict(Counter((v.triage or "").split(":", 1)[0] for v in done)),
        shared=sum(v.shared for v in done),
        server_pids={pid: process_name(pid) for pid in pids},
        server_cpu_seconds=None if server_cpu is None else round(server_cpu, 3),
        client_cpu_seconds=round(client_cpu, 3),
        load_average=load,
    )
