"""Wall time and peak memory of a step: a process tree sampled every 50 ms."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .common import PROJECT_DIR


@dataclass
class Measurement:
    """Wall time and peak memory of one step."""

    seconds: float
    peak_rss_mb: float
    ok: bool
    detail: str = ""


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found += [int(child) for child in handle.read().split()]
    except OSError:
        pass
    return found


def _tree_rss_bytes(pid: int) -> int:
    total, stack, page = 0, [pid], os.sysconf("SC_PAGE_SIZE")
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/statm", encoding="ascii") as handle:
                total += int(handle.read().split()[1]) * page
        except OSError:
            continue
        stack += _children(current)
    return total


def measure(
    command: Sequence[str], *, env: dict[str, str] | None = None, log: Path | None = None
) -> Measurement:
    """Run ``command`` and return its wall time and the peak RSS of its process tree."""
    out = log.open("w", encoding="utf-8") if log else subprocess.DEVNULL
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=PROJECT_DIR)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_bytes(process.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if log:
        out.close()
    peak = max(peak, usage.ru_maxrss * 1024)  # ru_maxrss is in KiB on Linux
    detail = (
        "" if process.returncode == 0 else f"exit code {process.returncode}" + (f", see {log}" if log else "")
    )
    return Measurement(round(seconds, 2), round(peak / 2**20, 1), process.returncode == 0, detail)


def measure_chain(commands: Sequence[tuple[Sequence[str], Path]], *, env: dict[str, str]) -> Measurement:
    """Run the commands one after the other (stopping at the first that fails) as one step: the
    wall times add up, the peak RSS is the highest of them."""
    seconds, peak, details = 0.0, 0.0, []
    for command, log in commands:
        step = measure(command, env=env, log=log)
        seconds += step.seconds
        peak = max(peak, step.peak_rss_mb)
        if not step.ok:
            details.append(step.detail)
            return Measurement(round(seconds, 2), peak, False, "; ".join(details))
    return Measurement(round(seconds, 2), peak, True, "")


def chained(*steps: Measurement) -> Measurement:
    """Steps run one after the other, as one: times add up, the peak is the highest."""
    failed = [step.detail for step in steps if not step.ok]
    return Measurement(
        round(sum(step.seconds for step in steps), 2),
        max(step.peak_rss_mb for step in steps),
        not failed,
        "; ".join(failed),
    )
