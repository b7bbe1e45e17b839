"""A progress line for a terminal: counts, a bar and the time left.

On a terminal the line redraws itself in place; in CI (CI is set) or
when stderr is not a terminal it prints nothing until the end."""
import os
import sys
import time


class Progress:
    def __init__(self, total, quiet=False, stream=sys.stderr):
        self.total, self.done, self.stream = total, 0, stream
        self.start = time.monotonic()
        self.live = (not quiet and stream.isatty() and
                     not os.environ.get("CI"))

    def update(self, counts):
        self.done = sum(counts.values())
        if not self.live:
            return
        elapsed = time.monotonic() - self.start
        left = elapsed / self.done * (self.total - self.done) \
            if self.done else 0
        width = 24
        full = width * self.done // max(1, self.total)
        bar = "#" * full + "." * (width - full)
        bad = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())
                        if k != "ok")
        line = (f"[{bar}] {self.done}/{self.total}"
                f"{'  (' + bad + ')' if bad else ''}"
                f"  ETA {int(left) // 60}m{int(left) % 60:02d}s")
        self.stream.write("\r\033[K" + line)
        self.stream.flush()

    def close(self):
        if self.live:
            self.stream.write("\n")
            self.stream.flush()
