"""Running a submission's tests, and what each run says about each test.

A run is one sandbox running one test binary (a suite: public or hidden)
with GRADE_TESTS naming the tests it should run (grading/test_filter.c).

  1. Each suite runs whole, in one sandbox: one process, as `make lab-NN`
     runs it.  For most submissions that is all it takes.
  2. The tests that failed in a run that ended cleanly run once more,
     together.  A test that fails and then passes is flaky: it earns no
     points until someone looks (the result depends on timing, or on what
     ran before it).
  3. A run that crashed, timed out, hit a limit or stopped in the middle
     tells us only which tests passed before it went wrong.  Every other
     test of it runs alone, in its own sandbox with its own time limit
     (and once more if it fails there), so one bad test does not cost the
     others their points.

All of a submission's runs share its time budget (--submission-timeout);
a test still waiting when the budget is used up is "not run".

Every run gets a secret (GRADE_SEAL) that test_filter.c takes before the
first test and writes back after each test, with cmocka's own verdict.
The student's code runs in the test's process and can print anything,
but not those lines: a printed pass counts only when its sealed line
agrees.  Otherwise the code under test wrote it, or the program ended
before cmocka could say: no points for it either way.
"""
import json
import os
import re
import secrets
import signal
import sys
import threading
import time

from .box import Limits

sys.path.insert(0, "tools")
import testrun  # noqa: E402  (the project's TAP and report parser)

# A run is not started with less time than this left in the budget.
MIN_RUN = 1.0
# At most this many failed tests of a suite run again each in its own
# sandbox (at the same time); more run again together, in one.  A lab on
# the test VM runs them again together: each sandbox would start a VM,
# a second or more of CPU, where a failing test there ends in about one
# (hn_give_up_when_idle).
AGAIN_APART = 3

SIGNALS = {signal.SIGSEGV: "a segmentation fault (a bad pointer)",
           signal.SIGABRT: "abort() (an assertion or a sanitizer report)",
           signal.SIGFPE: "an arithmetic error (division by zero?)",
           signal.SIGBUS: "a bus error (a bad pointer)",
           signal.SIGXCPU: "the CPU-time limit",
           signal.SIGXFSZ: "the file-size limit",
           signal.SIGKILL: "SIGKILL",
           signal.SIGPIPE: "SIGPIPE (writing to a closed socket)"}
CAUGHT = re.compile(r"Test failed with exception: ([^\n]*)")


class Session:
    """One submission's test runs: where its binaries are, its budget, and
    what each test has shown so far."""

    def __init__(self, rec, plan, box, cfg, work):
        self.rec, self.plan, self.box, self.cfg = rec, plan, box, cfg
        self.work = work
        # the lab's tests run on the test VM (plan.py): fewer, bigger runs
        self.on_vm = bool(plan is not None and plan.uses_vm)
        self.end = time.monotonic() + cfg.submission_timeout
        self.failed = {}        # test name -> its first failure
        self.done = set()       # tests whose status is final
        self.left_running = []  # where processes were left running
        # the suites run at once, in threads: what they learn is
        # recorded under this lock
        self.lock = threading.RLock()
        self.runs = 0           # each run has its own capture folder
        # a timeout confirmed with the machine to itself: the code hangs,
        # and its later timeouts need no such confirmation
        self.hang_confirmed = False

    def left(self):
        return self.end - time.monotonic()

    def limits(self, wall, idle=0):
        """The test limits with this wall clock; the CPU limit is above
        it, so that a busy loop is a "timeout" on every run.  With idle,
        the run is stopped when no test ended for that long."""
        lim = self.cfg.test_limits
        if idle >= wall:
            idle = 0
        return Limits(round(wall, 3), int(min(wall, idle or wall)) + 2,
                      lim.mem_mib, lim.nproc, lim.fsize_mib, lim.nofile,
                      lim.output, lim.tmp_mib, round(idle, 3))


def flag(rec, why):
    """Marks the student for an instructor's review (the grade stands)."""
    flags = rec.setdefault("flags", [])
    if why not in flags and len(flags) < 20:
        flags.append(why)


def run_tests(session):
    """Runs every test of the record and sets its status, message and
    score; notes processes left running."""
    rec = session.rec

    errors = []

    def suite_runs(suite, tests):
        try:
            together(session, suite, tests, "whole suite")
            again = [t for t in tests if t["name"] in session.failed and
                     t["name"] not in session.done]
            if 1 < len(again) <= AGAIN_APART and not session.on_vm:
                apart(session, suite, again)
            elif again:
                if suite == "public+hidden" and \
                        len({t["suite"] for t in again}) == 1:
                    suite = again[0]["suite"]
                together(session, suite, again, "failed tests again")
        except BaseException as e:     # box.Stopped: the grader stops
            errors.append(e)

    # each suite in its own sandbox, the suites at the same time: most of
    # a network lab's time is spent waiting
    suites = [(s, [t for t in rec["tests"] if t["suite"] == s])
              for s in ("public", "hidden")]
    suites = [(s, tests) for s, tests in suites if tests]
    if session.on_vm and len(suites) > 1:
        # on the test VM, both suites in one sandbox and one boot
        # (harness/vm: HN_VM_ALSO): starting a VM is CPU spent
        suites = [("public+hidden", suites[0][1] + suites[1][1])]
    threads = [threading.Thread(target=suite_runs, args=st, daemon=True)
               for st in suites[1:]]
    for th in threads:
        th.start()
    try:
        if suites:
            suite_runs(*suites[0])
    finally:
        for th in threads:
            th.join()
    if errors:
        raise errors[0]
    for t in rec["tests"]:
        alone(session, t)
    for t in rec["tests"]:
        t["score"] = t["max_score"] if t["status"] == "pass" else 0
    if session.left_running:
        rec["notes"].append(
            "your code left processes running after "
            f"{', '.join(session.left_running)}; the grader killed them.  "
            "A server or a child should end, or be waited for, before "
            "the test ends.")
    rec["left_running"] = session.left_running


def together(session, suite, tests, why):
    """One run of these tests of one suite in one sandbox.  Each test may
    take the time limit of one test (the sandbox stops the run when no
    test ended for that long), the run as many of them as it has tests
    (or --suite-timeout), within the submission's budget."""
    cfg = session.cfg
    wall = min(cfg.suite_timeout or cfg.test_limits.wall * len(tests),
               session.left())
    if wall < MIN_RUN:
        return                  # alone() says they were not run
    names = [t["name"] for t in tests]
    results, st = run_group(session, suite, names, wall,
                            cfg.test_limits.wall)
    with session.lock:
        if st["leftover"]:
            note_left_running(session, f"the {suite.replace('+', ' and ')}"
                              " tests (run together)")
        for t in tests:
            r = results.get(t["name"])
            # a timeout among other sandboxes decides nothing: alone()
            # runs the test again, with the machine to itself if need be
            if r is not None and r["status"] != "timeout":
                r["seconds"] = round(st["wall"] / len(tests), 3)
                record(session, t, r, why)


def apart(session, suite, tests):
    """The failed tests of a suite run again, each in its own sandbox, all
    at the same time: a test that waits out its deadline does not make
    the others wait.  (Only for a few: each sandbox costs its setup.)"""
    errors = []

    def again(t):
        try:
            together(session, suite, [t], "failed tests again")
        except BaseException as e:     # box.Stopped: the grader stops
            errors.append(e)

    threads = [threading.Thread(target=again, args=(t,), daemon=True)
               for t in tests[1:]]
    for th in threads:
        th.start()
    again(tests[0])
    for th in threads:
        th.join()
    if errors:
        raise errors[0]


def alone(session, t):
    """Runs a test in its own sandbox until its status is final: once, and
    once more if it fails there for the first time.  After a timeout the
    run is exclusive (no other sandbox beside it), so that a "timeout"
    is never the work of the other students' code running at the same
    time; once one is confirmed so, the code is known to hang, and its
    other timeouts stand (a hanging submission does not pay twice).  A
    budget too short for that run keeps the first timeout."""
    exclusive = False
    while t["name"] not in session.done:
        wall = min(session.cfg.test_limits.wall, session.left())
        if wall < MIN_RUN:
            out_of_time(session, t)
            return
        results, st = run_group(session, t["suite"], [t["name"]], wall,
                                exclusive=exclusive)
        if st["leftover"]:
            note_left_running(session, f"the test {t['name']}")
        r = results[t["name"]]
        r["seconds"] = st["wall"]
        if r["status"] == "timeout" and not exclusive and \
                not session.hang_confirmed and \
                session.left() >= session.cfg.test_limits.wall:
            t["runs"].append("alone, among other sandboxes: timeout")
            exclusive = True    # once more with the machine to itself
            continue
        if exclusive and r["status"] == "timeout":
            session.hang_confirmed = True
        record(session, t, r, "alone")


def out_of_time(session, t):
    """The budget is used up: a test that failed keeps its failure (it
    could not be run again), any other was not run."""
    session.done.add(t["name"])
    if t["name"] in session.failed:
        t["runs"].append("alone: no time left to run it again")
        return
    t["status"] = "not-run"
    t["message"] = ("not run: the submission's time limit of "
                    f"{session.cfg.submission_timeout:g} s was used up")


def record(session, t, r, why):
    """What one run showed about one test: a pass is final (flaky if the
    test failed before); a first failure or crash waits for a re-run;
    anything else, or a second failure, is final."""
    name = t["name"]
    t["runs"].append(f"{why}: {r['status']}")
    first = session.failed.get(name)
    t.update(output=r.get("output", ""), seconds=r.get("seconds", 0.0))
    if r["status"] == "pass" and first is not None:
        t["status"] = "flaky"
        t["message"] = ("failed, then passed when run again: the result "
                        "depends on timing or on what ran before it, so "
                        "it earns no points until reviewed.  The failure "
                        "was: " + first["message"])
        t["output"] = first.get("output", "")
        session.done.add(name)
        return
    t["status"], t["message"] = r["status"], r["message"]
    # on the test VM a clean failure is final: running it again would
    # start another VM, CPU spent, and cannot change its score
    # (a test that fails and then passes earns nothing either)
    clean_vm_fail = session.on_vm and r["status"] == "fail"
    if r["status"] in ("fail", "crashed") and first is None and \
            session.cfg.rerun_failures and not clean_vm_fail:
        session.failed[name] = r
        return
    session.done.add(name)


def note_left_running(session, where):
    if where not in session.left_running:
        session.left_running.append(where)


# ---- one run --------------------------------------------------------------

def run_group(session, suite, names, wall, idle=0, exclusive=False):
    """Runs the named tests of one suite in one sandbox.  Returns
    ({name: result}, the sandbox's status).  A run of one test always
    gives its result; a run of several gives every result when it ended
    cleanly, and only the passes when it did not.  SUITE "public+hidden"
    (a lab on the test VM) runs the public suite and then, in the same
    VM, the hidden one."""
    plan, box = session.plan, session.box
    also = []
    if suite == "public+hidden":
        suite, also = "public", ["HN_VM_ALSO=hidden"]
    limits = session.limits(wall, idle)
    bins = os.path.join(session.work, "out", "bin")
    binds = [(plan.tree, "/tree"), (bins, plan.graded_dir)] + plan.mounts
    seal = secrets.token_hex(16)
    with session.lock:
        session.runs += 1
        capture = os.path.join(session.work, f"capture-{session.runs}")
    st = box.run([f"{plan.graded_dir}/{suite}"], limits, capture,
                 binds=binds,
                 env=["CMOCKA_MESSAGE_OUTPUT=TAP",
                      "TK_REPORT=/proc/self/fd/3",
                      "GRADE_TESTS=" + ",".join(names),
                      "HN_CAPTURE_DIR=/tmp",  # the tree is read-only
                      "GRADE_SEAL=" + seal] + also,
                 kind=("vm:" if plan.uses_vm else "") +
                 f"{suite}:{'alone' if len(names) == 1 else 'suite'}",
                 exclusive=exclusive)
    with session.lock:
        # the time the run waited for a slot is not taken from the
        # submission's budget
        session.end += st.get("waited", 0.0)
        return judge_run(session, suite, names, st, seal, limits)


def judge_run(session, suite, names, st, seal, limits):
    """run_group's results from what the sandbox gave."""
    session.rec["cpu"] += st["cpu"]
    found = {r.name: r for r in testrun.parse_tap(
        suite, st["stdout"], reports_from(st["report"]))}
    verdicts = sealed_verdicts(st["report"], seal, names, session.rec)
    for name, r in list(found.items()):
        if r.status != "fail" and verdicts.get(name) != 0:
            del found[name]     # a pass (or skip) cmocka did not give
            if verdicts.get(name) is None:
                flag(session.rec, "printed a passing result that the "
                     "test program did not give (forged output, or an "
                     "exit in the middle of a test)")
    if len(names) == 1:
        one = classify(st, found.get(names[0]), limits)
        if verdicts.get(names[0]) == 0 and names[0] not in found:
            one = {"status": "crashed", "message": UNSEALED}
        one["output"] = program_output(st)
        return {names[0]: one}, st
    clean = ended_cleanly(st, found, names) and \
        all(n in verdicts for n in names)
    printed = output_by_test(st["stdout"])
    results = {}
    for name in names:
        r = found.get(name)
        if r is None or (not clean and r.status != "pass"):
            continue            # in doubt: it will run alone
        results[name] = from_tap(r)
        results[name]["output"] = printed.get(name, "")
    return results, st


UNSEALED = ("cmocka passed this test, but the program printed no result "
            "of the form the grader expects: does the code print lines "
            "such as \"ok 1 - name\" of its own?")


def sealed_verdicts(report, seal, names, rec):
    """{test name: cmocka's count of its failures (0 or 1)} from the lines
    test_filter.c wrote with this run's secret, one a test, in the order
    of names.  Anything else of that form was not written by
    test_filter.c: the submission is flagged, and a test with a doubtful
    verdict gets none."""
    verdicts, order, bad = {}, [], set()
    for line in report.splitlines():
        try:
            r = json.loads(line)
        except ValueError:
            continue
        if not isinstance(r, dict) or "seal" not in r:
            continue
        name = r.get("test")
        if r.get("seal") != seal:
            flag(rec, "wrote verdict lines of the grader's form with a "
                 "wrong secret on the grader's report descriptor")
        elif name in verdicts or name not in names:
            bad.add(name)
            flag(rec, "a test's verdict was written twice, or for a test "
                 "not run: the secret was found and used")
        else:
            verdicts[name] = r.get("failed")
            order.append(name)
    if order != [n for n in names if n in verdicts]:
        flag(rec, "the tests' verdicts came in the wrong order: the "
             "secret was found and used")
        return {}
    for name in bad:
        verdicts.pop(name, None)
    return verdicts


def ended_cleanly(st, found, names):
    """Did a run of several tests end as a test program should: every
    test reported, no crash caught by cmocka, no limit hit?"""
    return (st["outcome"] == "exited" and st["exit_code"] != 127 and
            not CAUGHT.search(st["stdout"]) and
            all(n in found for n in names))


def reports_from(text):
    """testkit's report lines ({test, kind, where, message}) by test, as
    testrun.read_reports gives them from a file."""
    reports = {}
    for line in text.splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if isinstance(rec, dict) and "seal" not in rec:
            reports.setdefault(rec.get("test", "?"), []).append(rec)
    return reports


def is_tap(line):
    return line.startswith(("ok ", "not ok ", "1..", "# "))


def program_output(st):
    """What a test run alone printed besides its TAP lines."""
    lines = [ln for ln in st["stdout"].splitlines() if not is_tap(ln)]
    text = "\n".join(lines + st["stderr"].splitlines())
    return text[-2000:]


def output_by_test(stdout):
    """In a run of several tests, what each printed to stdout: the lines
    before its own "ok"/"not ok" line (stderr cannot be told apart)."""
    printed, lines = {}, []
    for line in stdout.splitlines():
        m = testrun.TAP.match(line)
        if m:
            printed[m.group(3).strip()] = "\n".join(lines)[-2000:]
            lines = []
        elif not is_tap(line):
            lines.append(line)
    return printed


def classify(st, result, limits):
    """A test's status and message from the sandbox's outcome and its TAP
    result (None if it printed none)."""
    outcome = st["outcome"]
    if outcome == "timeout" and st.get("procs", 0) >= limits.nproc // 2:
        return {"status": "timeout", "message": "did not finish within "
                f"{limits.wall:g} s (the time limit for one test), with "
                f"{st['procs']} processes running: the process limit "
                f"({limits.nproc}) stopped its forks (does it fork in a "
                "loop?)"}
    if outcome == "timeout":
        return {"status": "timeout", "message": "did not finish within "
                f"{limits.wall:g} s (the time limit for one test): a "
                "loop that never ends, or a wait for data that never "
                "comes?"}
    if outcome == "memory-limit":
        return {"status": "crashed", "message": "used more than "
                f"{limits.mem_mib} MiB of memory and was stopped"}
    if outcome == "output-limit":
        return {"status": "output-limit", "message": "printed more than "
                f"{limits.output} bytes and was stopped"}
    if outcome == "error":
        return {"status": "grader-error", "message": "the sandbox failed: "
                + st["message"]}
    caught = CAUGHT.search(st["stdout"])
    if caught and (result is None or result.status == "fail"):
        return {"status": "crashed", "message": "the test program crashed: "
                f"{caught.group(1)} (caught by cmocka).  A bad pointer?  "
                "Or memory ran out (the limit is "
                f"{limits.mem_mib} MiB) and malloc returned NULL?"}
    if result is not None:
        return from_tap(result)
    if re.search(r"^1\.\.0$", st["stdout"], re.M):
        return {"status": "grader-error", "message": "the test binary has "
                "no test of this name (lab.json and the tests disagree)"}
    return from_ending(st, limits)


def from_tap(result):
    if result.status == "pass":
        return {"status": "pass", "message": ""}
    if result.status == "skip":
        return {"status": "skipped", "message": "the test skipped itself "
                "(it could not set up what it needs on the grading "
                "machine); no points"}
    return {"status": "fail", "message": result.message}


def from_ending(st, limits):
    """A test that printed no result: how did its program end?"""
    if st["outcome"] == "signaled":
        sig = st["signal"]
        what = SIGNALS.get(sig, f"signal {sig}")
        if sig == signal.SIGKILL and st.get("oom_kills"):
            what = f"the memory limit ({limits.mem_mib} MiB)"
        return {"status": "crashed", "message": "the test program was "
                f"stopped by {what} before the test finished"}
    if st["outcome"] == "exited" and st["exit_code"] == 127:
        return {"status": "grader-error", "message": "the test program "
                "could not be started: " + st["stderr"][-300:]}
    return {"status": "crashed", "message": "the test program exited "
            f"(status {st['exit_code']}) in the middle of the test: does "
            "the code call exit(), or an error function that exits?"}
