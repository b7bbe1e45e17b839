#!/usr/bin/python3
"""Tests of grading/sandbox.c: what a program inside can see and do, the
limits, and that nothing is left behind.  Prints TAP (see tap.py).

"Nothing left behind" looks only at what the sandbox could have made:
its processes (this test is a child subreaper, see procs.py, so they would
become its children), mounts where it builds its root (/tmp) and files in
the private TMPDIR this test gives itself.  Other programs running on the
machine at the same time cannot make these checks fail."""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import procs  # noqa: E402
from tap import Tap, expect  # noqa: E402

t = Tap()
ARGS = None


def sandbox(script, *opts, shell="/bin/sh", timeout=30):
    """Runs a shell script in the sandbox; returns (status, stdout,
    stderr) with status the sandbox's JSON report."""
    with tempfile.TemporaryDirectory(prefix="lnp-sbx-test-") as d:
        st = os.path.join(d, "status")
        cmd = [ARGS.sandbox, "-s", st] + list(opts) + \
            ["--", shell, "-c", script]
        p = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
        with open(st) as f:
            status = json.load(f)
        return status, p.stdout.decode(errors="replace"), \
            p.stderr.decode(errors="replace")


@t.test
def runs_without_privilege():
    st, out, _ = sandbox("grep -E '^(CapEff|CapPrm|NoNewPrivs)' "
                         "/proc/self/status; id -u; cat /proc/self/uid_map")
    expect(st["outcome"] == "exited", f"sandbox failed: {st}")
    expect("CapEff:\t0000000000000000" in out and
           "CapPrm:\t0000000000000000" in out,
           f"the program kept capabilities:\n{out}")
    expect("NoNewPrivs:\t1" in out, f"no_new_privs is not set:\n{out}")
    if os.getuid() == 0:
        maps = [ln.split() for ln in out.splitlines()]
        expect(["1000"] in maps and ["1000", "65534", "1"] in maps,
               f"as root the worker must be uid 1000, mapped to nobody:\n"
               f"{out}")


@t.test
def has_its_own_pid_namespace():
    st, out, _ = sandbox("echo $$; ls /proc | grep -c '^[0-9]'")
    pid, count = out.split()
    expect(pid == "2", f"the program's PID was {pid}, not 2 (init is 1)")
    expect(int(count) <= 4, f"the program sees {count} processes")


@t.test
def network_is_only_its_own_loopback():
    host = socket.socket()
    host.bind(("127.0.0.1", 0))
    host.listen(1)
    port = host.getsockname()[1]
    try:
        st, out, err = sandbox(
            "cat /proc/net/dev | tail -n +3 | cut -d: -f1; "
            f"python3 -c 'import socket,sys\n"
            f"for a in ((\"127.0.0.1\", {port}), (\"192.0.2.1\", 9)):\n"
            f"  s=socket.socket(); s.settimeout(2)\n"
            f"  print(a[0], s.connect_ex(a))'")
    finally:
        host.close()
    lines = out.split()
    expect(lines[0] == "lo" and "eth0" not in out,
           f"interfaces inside: {out}")
    expect("127.0.0.1 111" in out,
           f"a listener on the host's loopback was reachable: {out}{err}")
    expect("192.0.2.1 101" in out,
           f"an outside address was not unreachable: {out}{err}")


@t.test
def sees_no_host_files():
    st, out, _ = sandbox(f"ls {TOP} 2>&1; ls /root /home 2>&1; "
                         "ls -A /tmp; touch /x 2>&1; "
                         "touch /tmp/y && echo tmp-writable")
    expect("No such file" in out.splitlines()[0],
           f"the repository is visible inside: {out}")
    expect("Read-only file system" in out, f"/ is writable: {out}")
    expect("tmp-writable" in out, f"/tmp is not writable: {out}")


@t.test
def binds_are_read_only_unless_asked():
    with tempfile.TemporaryDirectory(prefix="lnp-sbx-test-") as d:
        os.chmod(d, 0o777)
        st, out, _ = sandbox("cat /in/f; (echo x > /in/g) 2>&1; "
                             "echo y > /out/h && echo wrote", "-b",
                             f"{d}:/in", "-B", f"{d}:/out")
        with open(os.path.join(d, "h")) as f:
            wrote = f.read()
    expect("Read-only" in out, f"a -b bind was writable: {out}")
    expect(wrote == "y\n", "a -B bind was not writable")


@t.test
def wall_clock_limit_stops_it():
    st, _, _ = sandbox("sleep 100", "-t", "0.5")
    expect(st["outcome"] == "timeout", f"sleep 100 ended with {st}")
    expect(st["wall"] < 3, f"the limit took {st['wall']} s")


@t.test
def resident_memory_of_all_its_processes_is_watched():
    """-R (used for ASan builds, whose address space cannot be limited):
    a grandchild that fills 400 MiB is stopped near 100 MiB; a small
    program is left alone."""
    hog = ("python3 -c 'x = [bytearray(1 << 20) for i in range(400)]; "
           "print(\"survived\")'")
    st, out, _ = sandbox(f"sh -c \"{hog}\"", "-m", "0", "-R", "100",
                         "-t", "20")
    expect(st["outcome"] == "memory-limit" and "survived" not in out,
           f"the hog ended with {st}: {out}")
    st, out, _ = sandbox("echo small", "-m", "0", "-R", "100")
    expect(st["outcome"] == "exited" and out == "small\n",
           f"a small program ended with {st}: {out}")


@t.test
def output_is_capped():
    st, out, _ = sandbox("yes", "-O", "10000")
    expect(st["outcome"] == "output-limit", f"yes ended with {st}")
    expect(len(out) == 10000, f"{len(out)} bytes came through, not 10000")


@t.test
def fork_bomb_is_contained():
    st, _, _ = sandbox("f() { f | f & }; f; wait", "-p", "32", "-t", "2",
                       shell="/bin/bash")
    expect(st["outcome"] in ("exited", "timeout"), f"fork bomb: {st}")
    left = procs.left_behind()
    expect(not left, f"fork bomb processes survived: {left}")


@t.test
def a_fork_bomb_stopped_by_the_clock_counts_its_processes():
    """A loop of forks held by the process limit until the wall clock
    stops it: the status says how many processes it had, so the grader
    can name the process limit rather than the clock alone."""
    st, _, _ = sandbox("while :; do sleep 100 & done", "-p", "24",
                       "-t", "1.5", shell="/bin/bash")
    expect(st["outcome"] == "timeout" and st.get("procs", 0) >= 20,
           f"a fork loop at the process limit: {st}")
    st, _, _ = sandbox("while :; do :; done", "-t", "1")
    expect(st["outcome"] == "timeout" and st.get("procs", 0) <= 2,
           f"a plain loop: {st}")


@t.test
def the_idle_limit_resets_with_each_line_on_fd_3():
    """-i: a run of tests that each end within the idle limit may take
    longer than it in all; one that writes nothing is stopped after it."""
    st, _, _ = sandbox("for i in 1 2 3 4 5 6; do sleep 0.4; echo ok >&3; "
                       "done", "-t", "10", "-i", "1.2")
    expect(st["outcome"] == "exited" and st["wall"] > 2,
           f"a test ending every 0.4 s under -i 1.2: {st}")
    st, _, _ = sandbox("echo ok >&3; sleep 30", "-t", "10", "-i", "1")
    expect(st["outcome"] == "timeout" and st["wall"] < 5 and
           "idle" in st["message"], f"a test that hangs under -i 1: {st}")


@t.test
def memory_file_size_and_descriptor_limits():
    st, out, err = sandbox(
        "python3 -c 'bytearray(300 << 20)' 2>&1 | tail -1; "
        "head -c 3000000 /dev/zero > /tmp/big; ls -l /tmp/big | "
        "cut -d' ' -f5; python3 -c 'import os\nn=0\ntry:\n"
        " while True: os.open(\"/dev/null\", 0); n+=1\n"
        "except OSError: print(\"fds\", n)'",
        "-m", "200", "-f", "1", "-n", "50")
    expect("MemoryError" in out, f"300 MiB was allocated: {out}")
    expect("1048576" in out, f"a file grew past 1 MiB: {out}")
    expect("fds 4" in out, f"the descriptor limit did not hold: {out}")


@t.test
def background_processes_are_killed_and_counted():
    st, _, _ = sandbox("(exec -a lnp-sbx-test-daemon sleep 1000) & "
                       "setsid sleep 1000 & echo started",
                       shell="/bin/bash")
    expect(st["leftover"] == 2, f"leftover: {st}")
    left = procs.left_behind()
    expect(not left, f"a background process outlived the sandbox: {left}")


@t.test
def interrupting_the_launcher_kills_the_sandbox():
    p = subprocess.Popen([ARGS.sandbox, "-t", "60", "--", "/bin/bash",
                          "-c", "echo up; exec -a lnp-sbx-test-int "
                          "sleep 1000"], stdout=subprocess.PIPE)
    line = p.stdout.readline()      # the program is running now
    p.send_signal(signal.SIGTERM)
    rc = p.wait(timeout=10)
    expect(line == b"up\n", f"the program did not start: {line}")
    expect(rc == 125, f"the launcher exited {rc} after SIGTERM")
    left = procs.left_behind()
    expect(not left, f"the sandbox survived: {left}")


@t.test
def a_launcher_whose_parent_dies_stops_the_sandbox():
    """The grader killed with SIGKILL cannot stop its sandboxes: each
    launcher must notice its parent's death by itself."""
    # the launcher's pid on stderr: on stdout it could come after the
    # program's "up", which shares that pipe
    parent = subprocess.Popen(
        [sys.executable, "-c", "import subprocess, sys\n"
         "p = subprocess.Popen(sys.argv[1:])\n"
         "print(p.pid, file=sys.stderr, flush=True)\n"
         "p.wait()\n", ARGS.sandbox, "-t", "60", "--", "/bin/bash", "-c",
         "echo up; exec sleep 1000"], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)
    launcher = int(parent.stderr.readline())
    up = parent.stdout.readline()       # the program is running now
    parent.kill()
    parent.wait()
    ended = procs.ends_within(launcher, 10)
    code = os.waitstatus_to_exitcode(os.waitpid(launcher, 0)[1]) \
        if ended else None             # ours now: we are its subreaper
    left = procs.left_behind()         # (and kills what is left)
    expect(up == b"up\n", f"the program did not start: {up}")
    expect(ended, "the launcher kept running after its parent was killed")
    expect(code == 125, f"the orphaned launcher ended with status {code}")
    expect(not left, f"the sandbox survived its launcher: {left}")


@t.test
def leaves_no_mounts_files_or_processes():
    mark = f"lnp-sbx-test-{os.getpid()}"
    private = os.environ["TMPDIR"]
    before = root_mounts(), sorted(os.listdir(private))
    st, _, _ = sandbox(f"touch /tmp/{mark}-a; mkdir /tmp/{mark}-b; "
                       f"(exec -a {mark}-bg sleep 1000) &", "-b",
                       f"{private}:/{mark}-in", shell="/bin/bash")
    after = root_mounts(), sorted(os.listdir(private))
    expect(st["outcome"] == "exited", f"the sandbox failed: {st}")
    expect(before == after, f"mounts under /tmp or the private TMPDIR "
           f"changed: {before} -> {after}")
    outside = [n for n in os.listdir("/tmp") if n.startswith(mark)]
    expect(not outside, f"files made inside appeared in /tmp: {outside}")
    left = procs.left_behind()
    expect(not left, f"processes outlived the sandbox: {left}")


@t.test
def without_namespaces_still_drops_and_kills():
    st, out, _ = sandbox("grep CapEff /proc/self/status; "
                         "(exec -a lnp-sbx-test-nons sleep 1000) &",
                         "-N", shell="/bin/bash")
    expect(st["outcome"] == "exited" and not st["namespaces"], f"{st}")
    expect("0000000000000000" in out, f"capabilities kept: {out}")
    left = procs.left_behind()
    expect(not left, f"a process survived -N: {left}")


def root_mounts():
    """The mounts the sandbox would leave here if it failed to keep them
    in its own mount namespace: it builds its root on /tmp."""
    with open("/proc/self/mountinfo") as f:
        points = [ln.split()[4] for ln in f]
    return sorted(p for p in points if p == "/tmp" or p.startswith("/tmp/"))


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ARGS = ap.parse_args()
    ARGS.sandbox = os.path.join(TOP, ARGS.build, "grading", "sandbox")
    procs.become_subreaper()
    # our own scratch space, so that what is left in it is ours to see
    private = tempfile.mkdtemp(prefix="lnp-sbx-test-tmp-")
    os.environ["TMPDIR"] = tempfile.tempdir = private
    try:
        return t.run()
    finally:
        shutil.rmtree(private, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
