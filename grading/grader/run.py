"""Grading one submission: stage its files, build them in a sandbox, run
its tests (testruns.py: whole suites first, then what is in doubt test by
test), and turn what happened into a record."""
import os
import shutil
import time

from . import forgery, intake, testruns
from .box import Limits
from .plan import testrun   # tools/testrun.py, which plan.py imports

# Student statuses, most serious first: the first that applies is shown.
STATUSES = ["invalid-submission", "refused", "compile-error",
            "grader-error",
            "timeout", "crashed", "output-limit", "flaky", "missing-files",
            "ok"]
NOT_GRADABLE = {"invalid-submission", "refused", "compile-error",
                "grader-error"}
# how interpose_check's message starts
CLASH = "(the files compiled, but "


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
        # a whole suite run in one sandbox (None: the test timeout for
        # each of its tests); if it needs longer, the tests it did not
        # finish run one by one
        self.suite_timeout = args.suite_timeout
        self.build_limits = Limits(120, 120, 1024, 32, 64, 256, 256 << 10)
        self.submission_timeout = args.submission_timeout   # its tests
        self.rerun_failures = True


def grade(sub, plan, box, cfg, work, built=None):
    """Returns the record of one submission (see reports.py for its use).
    work is a scratch folder of our own, removed afterwards.  built() is
    called once its build has ended, or it did not need one."""
    rec = new_record(sub, plan, cfg)
    if sub.invalid:
        return finish(rec, "invalid-submission", sub.invalid)
    start = time.monotonic()
    try:
        os.makedirs(work)
        stage(sub, plan, work)
        compiled = build_once(rec, plan, box, cfg, work)
        if built:
            built()
        if not compiled:
            if rec.get("refused"):
                flag(rec, "refused: " + "; ".join(rec["refused"][:3]))
                return finish(rec, "refused", "holds code that runs "
                              "before main() or after the tests; see "
                              "the feedback")
            if CLASH in rec["compile_log"]:
                return finish(rec, "compile-error", "defines a name that "
                              "the test program uses; see the build's "
                              "messages")
            return finish(rec, "compile-error",
                          "did not compile; see the compiler's messages")
        testruns.run_tests(testruns.Session(rec, plan, box, cfg, work))
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
                          "section": t.get("section", ""), "output": "",
                          "runs": []})
    return {"student": sub.sid, "slug": intake.slug(sub.sid),
            "source": intake.shown(os.path.basename(sub.source)),
            "lab": plan.lab, "chapter": plan.chapter,
            "fingerprint": None, "status": None, "message": "",
            "notes": list(sub.notes), "missing": list(sub.missing),
            "commit": sub.commit, "compile_log": "", "tests": tests,
            "score": None,
            "max_score": sum(t["max_score"] for t in tests),
            "build_reused": False, "left_running": [], "cpu": 0.0,
            "wall": 0.0, "flags": [], "refused": [],
            "id_changed": intake.slug(sub.sid) != sub.sid}


flag = testruns.flag


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


def build_once(rec, plan, box, cfg, work):
    """Builds the staged submission, or takes the build of an identical
    one graded before (builds.py); True if it compiled and linked."""
    key = plan.builds.key(plan.build_script, os.path.join(work, "sub"))
    bins = os.path.join(work, "out", "bin")
    known = plan.builds.get(key, bins)
    if known is not None:
        compiled, rec["compile_log"] = known
        rec["build_reused"] = True
    else:
        try:
            compiled, ended = build(rec, plan, box, cfg, work)
            if ended:
                plan.builds.put(key, compiled, rec["compile_log"], bins)
        finally:
            plan.builds.done(key)
    if compiled:
        compiled = check_objects(rec, plan, os.path.join(work, "out",
                                                         "obj"))
    return compiled


def build(rec, plan, box, cfg, work):
    """Compiles and links in a sandbox.  Returns (compiled and linked,
    ended by itself rather than by a limit or a failure of ours)."""
    st = box.run(["/bin/sh", "/job/build.sh"], cfg.build_limits,
                 os.path.join(work, "capture"),
                 binds=[(plan.tree, "/tree"),
                        (os.path.join(work, "sub"), "/sub"),
                        (os.path.join(work, "job"), "/job")],
                 rw_binds=[(os.path.join(work, "out"), "/out")],
                 cwd="/tree", kind="build")
    rec["cpu"] += st["cpu"]
    log = (st["stdout"] + st["stderr"]).replace("/sub/", "")
    rec["compile_log"] = log[-6000:]
    ended = st["outcome"] == "exited"
    if ended and st["exit_code"] == 0:
        clash = interpose_check(plan, os.path.join(work, "out", "obj"))
        if clash:
            rec["compile_log"] += clash
            return False, True
        return True, True
    if st["outcome"] == "timeout":
        rec["compile_log"] += ("\n(the build did not finish within "
                               f"{cfg.build_limits.wall} s)")
    elif ended and st["exit_code"] == 2:
        rec["compile_log"] += "\n(the files compiled but did not link)"
    elif not ended:
        rec["compile_log"] += f"\n(the build stopped: {st['message']})"
    return False, ended


def linked_objects(plan, objdir):
    """[(file name, its object)] of the submission's files linked into a
    test program or a lab's program."""
    found = {}
    for suite in sorted(plan.links):
        for a in plan.links[suite]:
            if a.startswith("{obj:"):
                found[a[5:-1]] = os.path.join(objdir, a[5:-3] + ".o")
    return sorted(found.items())


def check_objects(rec, plan, objdir):
    """Refuses a lab object that runs code the tests do not call
    (forgery.refused), flags one that looks like it reads the grader's
    secrets (forgery.suspicious).  False if refused."""
    refused = []
    for name, obj in linked_objects(plan, objdir):
        refused += forgery.refused(name, obj, plan.san)
        ref = os.path.join(plan.build, "obj", plan.refs[name][:-2] + ".o")
        for why in forgery.suspicious(name, obj,
                                      forgery.reference_uses(ref)):
            flag(rec, why)
    if refused:
        rec["refused"] = refused
        rec["compile_log"] += ("\n(refused: " + "; ".join(refused) +
                               ".  No lab needs such code, and it could "
                               "forge the tests' results.)")
        return False
    return True


def interpose_check(plan, objdir):
    """A message if a file of the submission that is linked into a test
    program defines a global name the test program's other parts define
    (plan.find_taken_names): that definition would replace theirs, such
    as cmocka's way of reporting results.  None if all is well."""
    found = set()
    for suite, taken in sorted(plan.taken.items()):
        objs = [(a[5:-1], os.path.join(objdir, a[5:-3] + ".o"))
                for a in plan.links[suite] if a.startswith("{obj:")]
        found.update(testrun.replacing(objs, taken))
    if not found:
        return None
    found = sorted(found)
    return ("\n" + CLASH + "; ".join(found[:5]) +
            (" and more" if len(found) > 5 else "") + ": " +
            testrun.REPLACES + ")")


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
    if rec.get("left_running"):
        msg += "; left processes running (killed)"
    odd = [f"{t['name']}: {t['status']}" for t in tests
           if t["status"] not in ("pass", "fail")]
    if odd:
        msg += "; " + "; ".join(odd[:5])
    return msg
