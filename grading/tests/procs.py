"""Which processes a test left behind, whatever else the machine runs.

The test process makes itself a "child subreaper" (prctl): a process that
one of its children leaves behind, however deep, becomes its own child
when its parent ends, instead of init's.  So "did the grader (or the
sandbox) leave anything running?" is a question about our own children,
and other people's processes with similar names cannot make it fail.
"""
import ctypes
import os
import select
import signal
import time

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, "prctl(PR_SET_CHILD_SUBREAPER): " +
                      os.strerror(err))


def parent_of(pid):
    """The parent's PID, or None if the process is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return None
    # "pid (comm) state ppid ...": comm may hold spaces and parentheses
    return int(stat[stat.rindex(")") + 2:].split()[1])


def name_of(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read().replace(b"\0", b" ").strip()
        with open(f"/proc/{pid}/comm", "rb") as f:
            comm = f.read().strip()
    except OSError:
        return "(gone)"
    return (cmd or comm).decode(errors="replace")[:200]


def children(of=None):
    """The PIDs whose parent is `of` (default: this process)."""
    of = of or os.getpid()
    return [int(p) for p in os.listdir("/proc")
            if p.isdigit() and parent_of(p) == of]


def descendants(root):
    """Every process under root, by walking parent links."""
    found, todo = [], [root]
    while todo:
        kids = children(todo.pop())
        found += kids
        todo += kids
    return found


def wait_until(condition, seconds, pause=0.02):
    """Checks condition() until it returns something true, for at most
    `seconds`; returns that value, or None at the deadline.  The pause
    between checks only spares the CPU: nothing depends on its length."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value or time.monotonic() >= deadline:
            return value or None
        time.sleep(pause)


def ends_within(pid, seconds):
    """Waits (on a pidfd, no polling) until pid has ended; True if it did
    within the time."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        ready, _, _ = select.select([fd], [], [], seconds)
        return bool(ready)
    finally:
        os.close(fd)


def left_behind(grace=5.0):
    """Our children that are still running `grace` seconds from now (one
    that was just killed needs a moment to end), described; every child
    is reaped, and any still running is killed first.  Call it only when
    the children the test started itself have been waited for."""
    deadline = time.monotonic() + grace
    survivors = []
    for pid in children():
        if not ends_within(pid, max(0.0, deadline - time.monotonic())):
            survivors.append(f"{pid} {name_of(pid)}")
            os.kill(pid, signal.SIGKILL)
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
    return survivors
