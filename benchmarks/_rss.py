"""Peak RSS of a process tree, read from /proc while it runs (no psutil needed)."""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path


def _peak_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def run_measured(command: list[str], **kwargs) -> tuple[subprocess.CompletedProcess, float, int, int]:
    """Run a command; return (result, seconds, main peak KiB, largest child peak KiB)."""
    peaks = {"main": 0, "child": 0}
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)

    def watch():
        while process.poll() is None:
            peaks["main"] = max(peaks["main"], _peak_kib(process.pid))
            for child in _children(process.pid):
                peaks["child"] = max(peaks["child"], _peak_kib(child))
            time.sleep(0.1)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    watcher.join()
    result = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    return result, seconds, peaks["main"], peaks["child"]
