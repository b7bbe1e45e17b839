"""How many sandboxes run at once: as many as the cores can carry.

Most of a network lab's test time is spent waiting on timers (a
retransmission, a keepalive probe, a deadline for a reply that should
not come), not computing.  So the grader does not run one sandbox per
core: it admits a sandbox while the CPU that the running ones are
expected to use fits in the cores it was given (--jobs), up to a cap on
how many run at once (--sandboxes).

What a run is expected to use is learnt as the class is graded: for each
kind of run (a build, a suite run whole, a test run alone...) the share
of a core its recent runs used: their CPU seconds over their wall
seconds, summed, the older runs counting less and less.  A kind not seen
yet counts as one whole core, so the first runs are admitted cautiously,
and it starts from half a second of one whole core, so that one short
run (a suite that ends in 50 ms is all process start-up) does not count
for more than its time.  A long run counts for its length: a suite that
computes for seconds (an endless loop until its limit) makes its kind
costly at once; a build, which computes, stays near one core; a suite
that mostly waits is soon counted as a tenth of one.

A build computes, but on a machine that other work loads too, CPU over
wall makes it look idle: it is counted as at least a quarter of a core,
so that no more than four builds a core run at once.  A run on the
test VM starts an emulated machine (restored from the snapshot make vm
saved, or booted) and runs its tests under emulation, a second or more
of CPU: at least 0.3 of one (what its runs then show is what counts).

The first sandbox is always admitted, so one that needs more than all
the cores still runs (alone, as far as this grader goes).

A run that decides a "timeout" is exclusive: it starts when nothing else
runs, and nothing starts beside it.  A verdict of "too slow" must not be
the work of the other sandboxes this grader started.
"""
import threading

FLOOR = 0.05        # no run counts as less than this share of a core
PRIOR = 0.5         # a kind starts as this many seconds of one core
DECAY = 0.8         # each run's weight against the next one's
FLOORS = {"build": 0.25}    # kinds known to compute: their own floor
# A run on the test VM (its kind starts "vm:") starts an emulated
# machine: a second or more of pure CPU however long its tests then wait.
VM_FLOOR = 0.3


def floor(kind):
    return FLOORS.get(kind, VM_FLOOR if kind.startswith("vm:") else FLOOR)


class Slots:
    def __init__(self, cores, most):
        self.cores = float(max(1, cores))
        self.most = max(1, most)
        self.running = 0
        self.load = 0.0             # expected cores in use now
        self.share = {}             # kind -> learnt share of a core
        self.used = {}              # kind -> (CPU s, wall s), decayed
        self.peak = 0               # the most that ran at once
        self.exclusive = 0          # exclusive runs waiting or running
        self.cond = threading.Condition()

    def expected(self, kind):
        return self.share.get(kind, 1.0)

    def acquire(self, kind, exclusive=False):
        """Waits until a run of this kind fits (exclusive: until nothing
        else runs); returns its share, to be given back to release()."""
        with self.cond:
            if exclusive:
                self.exclusive += 1
                while self.running > 0:
                    self.cond.wait()
                self.running += 1
                self.load += self.cores
                return self.cores
            while True:
                need = self.expected(kind)
                if self.running == 0 and not self.exclusive or (
                        0 < self.running < self.most and
                        not self.exclusive and
                        self.load + need <= self.cores + 1e-9):
                    break
                self.cond.wait()
            self.running += 1
            self.load += need
            self.peak = max(self.peak, self.running)
            return need

    def release(self, kind, need, cpu, wall, exclusive=False):
        """A run ended: frees its share and learns from what it used.
        A run cut short before it used any time teaches nothing."""
        with self.cond:
            self.running -= 1
            self.load = max(0.0, self.load - need)
            if exclusive:
                self.exclusive -= 1
                self.cond.notify_all()
                return
            if wall > 0.05:
                c, w = self.used.get(kind, (PRIOR, PRIOR))
                c, w = c * DECAY + cpu, w * DECAY + wall
                self.used[kind] = (c, w)
                self.share[kind] = min(max(c / w, floor(kind)),
                                       self.cores)
            self.cond.notify_all()


class Unlimited:
    """For callers that run one sandbox at a time (the tests' own)."""

    def acquire(self, kind, exclusive=False):
        return 0.0

    def release(self, kind, need, cpu, wall, exclusive=False):
        pass
