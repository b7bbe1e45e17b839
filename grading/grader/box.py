"""Running a command inside grading/sandbox.c, from Python."""
import json
import os
import signal
import subprocess
import threading
import time

from .slots import Unlimited

STOP = threading.Event()        # set when the grader is interrupted
_live = set()                   # launchers running now
_live_lock = threading.Lock()


class Stopped(Exception):
    """The grader is stopping: this sandbox was not run, or was cut."""


def stop_all():
    """Stops every running sandbox (each launcher kills its own)."""
    STOP.set()
    with _live_lock:
        for p in list(_live):
            try:
                p.send_signal(signal.SIGTERM)
            except OSError:
                pass


class Limits:
    """One sandbox's limits (see the options of sandbox.c)."""

    def __init__(self, wall, cpu, mem_mib, nproc, fsize_mib, nofile,
                 output, tmp_mib=64, idle=0):
        self.wall, self.cpu, self.mem_mib = wall, cpu, mem_mib
        self.idle = idle        # sandbox.c -i: 0 for none
        self.nproc, self.fsize_mib, self.nofile = nproc, fsize_mib, nofile
        self.output, self.tmp_mib = output, tmp_mib


class Box:
    """How to start a sandbox on this machine (found once by probe())."""

    def __init__(self, binary, namespaces=True, cgroup=None, san=False):
        self.binary, self.namespaces = binary, namespaces
        self.cgroup, self.san = cgroup, san
        self.slots = Unlimited()    # grade.py sets a slots.Slots

    def run(self, argv, limits, scratch, binds=(), rw_binds=(), env=(),
            cwd="/tmp", kind="run", exclusive=False):
        """Runs argv; returns a dict: the sandbox's status ("outcome",
        "exit_code", "signal", "leftover", "cpu", "wall", "message") plus
        "stdout", "stderr" and "report" (fd 3), each cut at the cap.
        It starts when self.slots admits a run of this kind (slots.py);
        the time it waited for that is not part of its limits.  An
        exclusive run waits until no other sandbox runs, and none starts
        beside it."""
        asked = time.monotonic()
        need = self.slots.acquire(kind, exclusive)
        waited = time.monotonic() - asked
        st = {}
        try:
            st = self.run_now(argv, limits, scratch, binds, rw_binds, env,
                              cwd)
            st["waited"] = waited   # for a slot: not the student's time
            return st
        finally:
            self.slots.release(kind, need, st.get("cpu", 0.0),
                               st.get("wall", 0.0), exclusive)

    def run_now(self, argv, limits, scratch, binds, rw_binds, env, cwd):
        os.makedirs(scratch, exist_ok=True)
        files = {k: os.path.join(scratch, k) for k in
                 ("stdout", "stderr", "report", "status")}
        for f in files.values():
            if os.path.exists(f):
                os.unlink(f)
        mem = 0 if self.san else limits.mem_mib    # ASan maps terabytes
        cmd = [self.binary, "-t", str(limits.wall), "-c", str(limits.cpu),
               "-m", str(mem), "-p", str(limits.nproc),
               "-f", str(limits.fsize_mib), "-n", str(limits.nofile),
               "-T", str(limits.tmp_mib), "-O", str(limits.output),
               "-o", files["stdout"], "-E", files["stderr"],
               "-r", files["report"], "-s", files["status"], "-C", cwd]
        if limits.idle:
            cmd += ["-i", str(limits.idle)]
        if not self.namespaces:
            cmd.append("-N")
        if self.cgroup:
            cmd += ["-g", self.cgroup]
        for src, dst in binds:
            cmd += ["-b", f"{src}:{dst}"]
        for src, dst in rw_binds:
            cmd += ["-B", f"{src}:{dst}"]
        if self.san:
            # ASan maps terabytes, so no address-space limit: the sandbox
            # watches the resident memory of everything it runs (-R), and
            # ASan refuses a single allocation above the limit.  (Not
            # ASan's hard_rss_limit_mb: it runs a thread, and the
            # harness's unshare(CLONE_NEWUSER) fails in a threaded
            # process.)
            cmd += ["-R", str(limits.mem_mib), "-e",
                    f"ASAN_OPTIONS=malloc_limit_mb={limits.mem_mib}"]
        for e in env:
            cmd += ["-e", e]
        cmd += ["--"] + list(argv)
        launcher_err = self.launch(cmd, limits.wall + 30)
        status = {"outcome": "error", "exit_code": 0, "signal": 0,
                  "leftover": 0, "cpu": 0.0, "wall": 0.0,
                  "message": launcher_err.strip() or "no status"}
        try:
            with open(files["status"]) as f:
                status.update(json.load(f))
        except (OSError, ValueError):
            pass
        if status["outcome"] == "interrupted":
            raise Stopped()     # a signal stopped the launcher (Ctrl-C)
        for k in ("stdout", "stderr", "report"):
            try:
                with open(files[k], "rb") as f:
                    status[k] = f.read().decode(errors="replace")
            except OSError:
                status[k] = ""
        return status

    @staticmethod
    def launch(cmd, deadline):
        """Runs the launcher to its end; returns what it said on stderr.
        Raises Stopped if the grader is stopping; the sandbox is then
        stopped too (the launcher kills it on SIGTERM), whichever thread
        is interrupted and wherever."""
        with _live_lock:        # stop_all() sees every launcher started
            if STOP.is_set():
                raise Stopped()
            p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE)
            _live.add(p)
        try:
            _, err = p.communicate(timeout=deadline)
            said = err.decode(errors="replace")[-2000:]
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            said = "the sandbox did not stop (killed by the grader)"
        except BaseException:   # Ctrl-C while this thread waited
            end_launcher(p)
            raise
        finally:
            with _live_lock:
                _live.discard(p)
        if STOP.is_set():
            raise Stopped()
        return said


def end_launcher(p):
    """Asks a launcher to stop its sandbox and waits until it has."""
    try:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def probe_cgroup():
    """A cgroup v2 folder we may make children in with the memory and pids
    controllers, or None (then the rlimits alone apply)."""
    try:
        with open("/proc/self/cgroup") as f:
            own = [ln.split("::", 1)[1].strip() for ln in f
                   if ln.startswith("0::")]
        with open("/proc/self/mountinfo") as f:
            mounts = [ln.split()[4] for ln in f
                      if " - cgroup2 " in ln]
    except OSError:
        return None
    for mp in mounts:
        cand = os.path.normpath(mp + (own[0] if own else "/"))
        try:
            with open(os.path.join(cand, "cgroup.subtree_control")) as f:
                ctl = f.read().split()
            if "memory" not in ctl or "pids" not in ctl:
                continue
            test = os.path.join(cand, f"lnp-probe-{os.getpid()}")
            os.mkdir(test)
            try:
                with open(os.path.join(test, "memory.max"), "w") as f:
                    f.write("max")
                with open(os.path.join(test, "pids.max"), "w") as f:
                    f.write("max")
            finally:
                os.rmdir(test)
            return cand
        except OSError:
            continue
    return None


def probe(binary, allow_no_namespaces, san):
    """Checks that the sandbox works here; returns a Box or raises
    RuntimeError with what to do."""
    box = Box(binary, True, probe_cgroup(), san)
    scratch = os.path.join(os.environ.get("TMPDIR", "/tmp"),
                           f"lnp-probe-{os.getpid()}")
    try:
        st = box.run(["/bin/true"], Limits(10, 5, 256, 16, 1, 64, 4096),
                     scratch)
        if st["outcome"] == "exited" and st["exit_code"] == 0:
            return box
        why = st["message"]
        if not allow_no_namespaces:
            raise RuntimeError(
                "the grading sandbox cannot start here: " + why + "\n"
                "It needs user namespaces (as root, or for an ordinary "
                "user where unprivileged user namespaces are allowed: "
                "sysctl user.max_user_namespaces > 0, "
                "kernel.unprivileged_userns_clone=1, "
                "kernel.apparmor_restrict_unprivileged_userns=0).  Inside "
                "a container that already isolates each submission (as "
                "on Gradescope), pass --no-namespaces.")
        box = Box(binary, False, None, san)
        st = box.run(["/bin/true"], Limits(10, 5, 256, 16, 1, 64, 4096),
                     scratch)
        if st["outcome"] != "exited":
            raise RuntimeError("the sandbox cannot start even without "
                               "namespaces: " + st["message"])
        return box
    finally:
        for k in ("stdout", "stderr", "report", "status"):
            try:
                os.unlink(os.path.join(scratch, k))
            except OSError:
                pass
        try:
            os.rmdir(scratch)
        except OSError:
            pass
