"""Grading one submission: stage its files, build them in a sandbox, run
each test in its own sandbox, and turn what happened into a record."""
import json
import os
import re
import shutil
import signal
import sys
import time

from . import intake
from .box import Limits

sys.path.insert(0, "tools")
import testrun  # noqa: E402  (the project's TAP and report parser)

# Student statuses, most serious first: the first that applies is shown.
STATUSES = ["invalid-submission", "compile-error", "grader-error",
            "timeout", "crashed", "output-limit", "flaky", "missing-files",
            "ok"]
NOT_GRADABLE = {"invalid-submission", "compile-error", "grader-error"}

SIGNALS = {signal.SIGSEGV: "a segmentation fault (a bad pointer)",
           signal.SIGABRT: "abort() (an assertion or a sanitizer report)",
           signal.SIGFPE: "an arithmetic error (division by zero?)",
           signal.SIGBUS: "a bus error (a bad pointer)",
           signal.SIGXCPU: "the CPU-time limit",
           signal.SIGXFSZ: "the file-size limit",
           signal.SIGKILL: "SIGKILL",
           signal.SIGPIPE: "SIGPIPE (writing to a closed socket)"}


class Config:
    """The grader's settings for one run."""

    def __init__(self, args):
        self.hidden = not args.public_only
        self.lenient = args.lenient
        # CPU seconds above the wall clock: a busy loop is a "timeout",
        # the same on every run, not a CPU limit one time in two.
        self.test_limits = Limits(args.test_timeout,
                                  int(args.test_timeout) + 2,
                                  args.memory, 64, 16, 1024, 1 << 20)
        self.build_limits = Limits(120, 120, 1024, 32, 64, 256, 256 << 10)
        self.submission_timeout = args.submission_timeout
        self.rerun_failures = True


def test_entry(plan, suite, name):
    for t in plan.m["tests"].get(suite, []):
        if t["name"] == name:
            return t
    return {"name": name, "points": 0}


def grade(sub, plan, box, cfg, work):
    """Returns the record of one submission (see reports.py for its use).
    work is a scratch folder of our own, removed afterwards."""
    rec = new_record(sub, plan, cfg)
    if sub.invalid:
        return finish(rec, "invalid-submission", sub.invalid)
    start = time.monotonic()
    try:
        os.makedirs(work)
        stage(sub, plan, work)
        if not build(rec, plan, box, cfg, work):
            return finish(rec, "compile-error",
                          "did not compile; see the compiler's messages")
        run_tests(rec, plan, box, cfg, work, start)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rec["wall"] = round(time.monotonic() - start, 3)
    return finish(rec, None, None)


def new_record(sub, plan, cfg):
    tests = []
    for suite in ("public", "hidden"):
        if suite == "hidden" and not cfg.hidden:
            continue
        for t in plan.m["tests"].get(suite, []):
            tests.append({"name": t["name"], "suite": suite,
                          "max_score": t.get("points", 0), "score": 0,
                          "status": "not-run", "message": "",
                          "section": t.get("section", ""), "output": ""})
    return {"student": sub.sid, "slug": intake.slug(sub.sid),
            "source": intake.shown(os.path.basename(sub.source)),
            "lab": plan.lab, "chapter": plan.chapter,
            "fingerprint": None, "status": None, "message": "",
            "notes": list(sub.notes), "missing": list(sub.missing),
            "commit": sub.commit, "compile_log": "", "tests": tests,
            "score": None,
            "max_score": sum(t["max_score"] for t in tests),
            "cpu": 0.0, "wall": 0.0}


def stage(sub, plan, work):
    """Writes the submission's files (the starter for missing ones) and the
    build script; the output folder belongs to the sandbox's user."""
    src = os.path.join(work, "sub")
    os.makedirs(src)
    for name in plan.files:
        data = sub.files.get(name)
        if data is None:
            with open(os.path.join(plan.starter, name), "rb") as f:
                data = f.read()
        with open(os.path.join(src, name), "wb") as f:
            f.write(data)
    job = os.path.join(work, "job")
    os.makedirs(job)
    with open(os.path.join(job, "build.sh"), "w") as f:
        f.write(plan.build_script)
    out = os.path.join(work, "out")
    os.makedirs(out)
    if os.getuid() == 0:
        os.chown(out, 65534, 65534)
    for d in (work, src, job):
        os.chmod(d, 0o755)


def build(rec, plan, box, cfg, work):
    st = box.run(["/bin/sh", "/job/build.sh"], cfg.build_limits,
                 os.path.join(work, "capture"),
                 binds=[(plan.tree, "/tree"),
                        (os.path.join(work, "sub"), "/sub"),
                        (os.path.join(work, "job"), "/job")],
                 rw_binds=[(os.path.join(work, "out"), "/out")],
                 cwd="/tree")
    rec["cpu"] += st["cpu"]
    log = (st["stdout"] + st["stderr"]).replace("/sub/", "")
    rec["compile_log"] = log[-6000:]
    if st["outcome"] == "exited" and st["exit_code"] == 0:
        return True
    if st["outcome"] == "timeout":
        rec["compile_log"] += ("\n(the build did not finish within "
                               f"{cfg.build_limits.wall} s)")
    elif st["outcome"] == "exited" and st["exit_code"] == 2:
        rec["compile_log"] += "\n(the files compiled but did not link)"
    elif st["outcome"] != "exited":
        rec["compile_log"] += f"\n(the build stopped: {st['message']})"
    return False


def run_tests(rec, plan, box, cfg, work, start):
    bins = os.path.join(work, "out", "bin")
    for t in rec["tests"]:
        left = cfg.submission_timeout - (time.monotonic() - start)
        if left < 1:
            t["status"] = "not-run"
            t["message"] = ("not run: the submission's time limit of "
                            f"{cfg.submission_timeout:g} s was used up")
            continue
        first = run_one(rec, plan, box, cfg, work, bins, t, left)
        t.update(first)
        if first["status"] in ("fail", "crashed") and cfg.rerun_failures:
            again = run_one(rec, plan, box, cfg, work, bins, t, left)
            if again["status"] == "pass":
                t["status"] = "flaky"
                t["message"] = ("failed, then passed when run again at "
                                "once: the result depends on timing, so "
                                "it earns no points until reviewed.  The "
                                "failure was: " + first["message"])
        t["score"] = t["max_score"] if t["status"] == "pass" else 0
    left = [t["name"] for t in rec["tests"] if t.get("leftover")]
    if left:
        rec["notes"].append(
            "your code left processes running after the test(s) "
            f"{', '.join(left)}; the grader killed them.  A server or a "
            "child should end, or be waited for, before the test ends.")


def run_one(rec, plan, box, cfg, work, bins, t, left):
    """Runs one test in a fresh sandbox; returns status, message, output."""
    lim = cfg.test_limits
    limits = Limits(round(min(lim.wall, left), 3), lim.cpu, lim.mem_mib, lim.nproc,
                    lim.fsize_mib, lim.nofile, lim.output, lim.tmp_mib)
    binds = [(plan.tree, "/tree"), (bins, plan.graded_dir)] + plan.mounts
    st = box.run([f"{plan.graded_dir}/{t['suite']}"], limits,
                 os.path.join(work, "capture"), binds=binds,
                 env=["CMOCKA_MESSAGE_OUTPUT=TAP",
                      "TK_REPORT=/proc/self/fd/3",
                      f"GRADE_TEST_FILTER={t['name']}"])
    rec["cpu"] += st["cpu"]
    results = testrun.parse_tap(t["suite"], st["stdout"],
                                reports_from(st["report"]))
    mine = [r for r in results if r.name == t["name"]]
    out = {"output": program_output(st), "seconds": st["wall"]}
    out.update(classify(st, mine[0] if mine else None, limits))
    out["leftover"] = st.get("leftover", 0)
    return out


def reports_from(text):
    """testkit's report lines ({test, kind, where, message}) by test, as
    testrun.read_reports gives them from a file."""
    reports = {}
    for line in text.splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if isinstance(rec, dict):
            reports.setdefault(rec.get("test", "?"), []).append(rec)
    return reports


def program_output(st):
    """What the test printed besides its TAP lines, for the feedback."""
    lines = [ln for ln in st["stdout"].splitlines()
             if not ln.startswith(("ok ", "not ok ", "1..", "# "))]
    text = "\n".join(lines + st["stderr"].splitlines())
    return text[-2000:]


def classify(st, result, limits):
    """A test's status and message from the sandbox's outcome."""
    outcome = st["outcome"]
    if outcome == "timeout":
        return {"status": "timeout", "message": "did not finish within "
                f"{limits.wall:g} s (the time limit for one test): a "
                "loop that never ends, or a wait for data that never "
                "comes?"}
    if outcome == "output-limit":
        return {"status": "output-limit", "message": "printed more than "
                f"{limits.output} bytes and was stopped"}
    if outcome == "error":
        return {"status": "grader-error", "message": "the sandbox failed: "
                + st["message"]}
    caught = re.search(r"Test failed with exception: ([^\n]*)", st["stdout"])
    if caught and (result is None or result.status == "fail"):
        return {"status": "crashed", "message": "the test program crashed: "
                f"{caught.group(1)} (caught by cmocka).  A bad pointer?  "
                "Or memory ran out (the limit is "
                f"{limits.mem_mib} MiB) and malloc returned NULL?"}
    if result is not None and result.status == "pass":
        return {"status": "pass", "message": ""}
    if result is not None and result.status == "skip":
        return {"status": "skipped", "message": "the test skipped itself "
                "(it could not set up what it needs on the grading "
                "machine); no points"}
    if result is not None:
        return {"status": "fail", "message": result.message}
    if outcome == "signaled":
        sig = st["signal"]
        what = SIGNALS.get(sig, f"signal {sig}")
        if sig == signal.SIGKILL and st.get("oom_kills"):
            what = f"the memory limit ({limits.mem_mib} MiB)"
        return {"status": "crashed", "message": "the test program was "
                f"stopped by {what} before the test finished"}
    if outcome == "exited" and st["exit_code"] == 127:
        return {"status": "grader-error", "message": "the test program "
                "could not be started: " + st["stderr"][-300:]}
    return {"status": "crashed", "message": "the test program exited "
            f"(status {st['exit_code']}) in the middle of the test: does "
            "the code call exit(), or an error function that exits?"}


def finish(rec, status, message):
    """Sets the student's status, message and total."""
    if status is None:
        status = student_status(rec)
        message = summary_message(rec)
    rec["status"], rec["message"] = status, message
    if status not in NOT_GRADABLE:
        rec["score"] = sum(t["score"] for t in rec["tests"])
    return rec


def student_status(rec):
    found = {t["status"] for t in rec["tests"]}
    if "grader-error" in found:
        return "grader-error"
    for s in ("timeout", "crashed", "output-limit", "flaky"):
        if s in found:
            return s
    if "not-run" in found:
        return "timeout"        # the submission's time budget ran out
    return "missing-files" if rec["missing"] else "ok"


def summary_message(rec):
    tests = rec["tests"]
    passed = sum(t["status"] == "pass" for t in tests)
    msg = f"{passed} of {len(tests)} tests pass"
    if rec["missing"]:
        msg += ("; missing " + ", ".join(rec["missing"]) +
                " (graded with the starter in its place)")
    if any(t.get("leftover") for t in tests):
        msg += "; left processes running (killed)"
    odd = [f"{t['name']}: {t['status']}" for t in tests
           if t["status"] not in ("pass", "fail")]
    if odd:
        msg += "; " + "; ".join(odd[:5])
    return msg
