"""Like/dislike events, appended to a JSON-lines log: one line per event, nothing lost.

Each event is serialised to one line and written with a single ``os.write`` on a file opened
with ``O_APPEND`` while holding a thread lock and an exclusive ``flock`` (other processes
appending to the same file), then ``fsync``-ed. Appends never interleave or overwrite.

A process killed in the middle of a (large) write can leave a torn last line. Opening the log
repairs it: the fragment after the last newline is moved to ``<log>.torn`` and cut off, so every
line of the log is a whole JSON record again; each append also starts on a fresh line if the
file does not end with one. :meth:`FeedbackLog.read` skips any line that is not whole JSON.
"""
from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - not on this platform
    fcntl = None  # type: ignore[assignment]


class FeedbackLog:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self.repaired = self.repair()

    def repair(self) -> int:
        """Cut a torn last line (kept in ``<log>.torn``); returns the bytes cut (0: the log was whole)."""
        if not self.path.is_file():
            return 0
        with self._lock:
            fd = os.open(self.path, os.O_RDWR)
            try:
                if fcntl is not None:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                size = os.fstat(fd).st_size
                end, step = size, 1 << 16
                while end > 0:  # find the last newline, reading backwards
                    start = max(0, end - step)
                    chunk = os.pread(fd, end - start, start)
                    nl = chunk.rfind(b"\n")
                    if nl >= 0:
                        end = start + nl + 1
                        break
                    end = start
                if end == size:
                    return 0
                torn = os.pread(fd, size - end, end)
                with open(self.path.with_name(self.path.name + ".torn"), "ab") as fh:
                    fh.write(torn + b"\n")
                os.ftruncate(fd, end)
                os.fsync(fd)
                return size - end
            finally:
                if fcntl is not None:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)

    def append(self, event: dict[str, Any]) -> dict[str, Any]:
        record = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **event}
        line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                if fcntl is not None:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                size = os.fstat(fd).st_size
                data = line if size == 0 or os.pread(fd, 1, size - 1) == b"\n" else b"\n" + line
                view = memoryview(data)
                while view:  # os.write may write less than asked; finish the line under the lock
                    written = os.write(fd, view)
                    view = view[written:]
                os.fsync(fd)
            finally:
                if fcntl is not None:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
        return record

    def read(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        out = []
        with open(self.path, "rb") as fh:  # line by line: a big log never sits in memory twice over
            for line in fh:
                try:
                    record = json.loads(line)
                except ValueError:  # a torn or foreign line: never a crash, never half a record
                    continue
                if isinstance(record, dict):
                    out.append(record)
        return out
