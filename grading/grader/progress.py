"""Progress: counts, a bar and the time left.

On a terminal the line redraws itself in place.  Without one (a log, CI)
a plain line is printed every INTERVAL seconds while the run lasts, so a
log of a long run shows that it is alive; --quiet prints nothing."""
import os
import sys
import threading
import time

INTERVAL = 10.0


class Progress:
    def __init__(self, total, quiet=False, stream=sys.stderr,
                 interval=None):
        self.total, self.done, self.stream = total, 0, stream
        self.counts = {}
        self.start = time.monotonic()
        self.live = not quiet and stream.isatty()
        self.stop = threading.Event()
        self.ticker = None
        if not quiet and not self.live:
            every = interval or float(os.environ.get(
                "GRADE_PROGRESS_EVERY", INTERVAL))
            self.ticker = threading.Thread(target=self.tick, args=(every,),
                                           daemon=True)
            self.ticker.start()

    def left(self):
        elapsed = time.monotonic() - self.start
        left = elapsed / self.done * (self.total - self.done) \
            if self.done else 0
        return elapsed, left

    def words(self):
        bad = ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items())
                        if k != "ok")
        return f"{'  (' + bad + ')' if bad else ''}"

    def tick(self, every):
        while not self.stop.wait(every):
            elapsed, left = self.left()
            eta = (f", about {clock(left)} left" if self.done
                   else "")
            self.stream.write(f"grade: {self.done}/{self.total} graded"
                              f"{self.words()[1:]}, {clock(elapsed)} so "
                              f"far{eta}\n")
            self.stream.flush()

    def update(self, counts):
        self.counts = dict(counts)
        self.done = sum(counts.values())
        if not self.live:
            return
        left = self.left()[1]
        width = 24
        full = width * self.done // max(1, self.total)
        bar = "#" * full + "." * (width - full)
        line = (f"[{bar}] {self.done}/{self.total}{self.words()}"
                f"  ETA {clock(left)}")
        self.stream.write("\r\033[K" + line)
        self.stream.flush()

    def close(self):
        self.stop.set()
        if self.live:
            self.stream.write("\n")
            self.stream.flush()


def clock(seconds):
    return f"{int(seconds) // 60}m{int(seconds) % 60:02d}s"
