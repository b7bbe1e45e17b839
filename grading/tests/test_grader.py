#!/usr/bin/python3
"""Tests of the grader on the sample class (grading/samples/): every good,
broken and hostile submission gets its status and message, the reports
are complete, nothing escapes or is left behind, a second run gives the
same grades, an interrupted run stops its sandboxes and resumes, shards
merge; and the policy of test runs (grader/testruns.py) with made-up run
results: whole suites first, failures again, what is in doubt alone,
flaky tests, the time budget.  Prints TAP.

  test_grader.py [--build B] [--full]    (--full: the default limits)

This test is a child subreaper (procs.py): whatever the grader leaves
running becomes its child, so "nothing is left behind" does not depend on
what else runs on the machine.
"""
import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(TOP, "grading"))
sys.path.insert(0, os.path.join(TOP, "tools"))
import procs  # noqa: E402
from tap import Skip, Tap, expect  # noqa: E402

t = Tap()
ARGS = None
RUN = {}            # the one grading of the whole class, shared


def grade_cmd(submissions, out, *extra):
    return [sys.executable, os.path.join(TOP, "grading", "grade.py"),
            "--lab", "03", "--submissions", submissions, "--out", out,
            "--build", ARGS.build, "--test-timeout", ARGS.timeout,
            "--memory", "128", "--submission-timeout", ARGS.budget] + \
        list(extra)


def grade(submissions, out, *extra, check=True):
    cmd = grade_cmd(submissions, out, "--jobs", "2", "--quiet", *extra)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check:
        expect(p.returncode == 0, f"the grader failed ({p.returncode}):\n"
               + p.stderr.decode(errors="replace")[-3000:])
    return p


def rows(out):
    with open(os.path.join(out, "grades.csv"), newline="") as f:
        return {r["student"]: r for r in csv.DictReader(f)}


def record(student):
    for d in os.listdir(os.path.join(RUN["out"], "students")):
        with open(os.path.join(RUN["out"], "students", d,
                               "grade.json")) as f:
            rec = json.load(f)
        if rec["student"] == student:
            rec["_dir"] = os.path.join(RUN["out"], "students", d)
            return rec
    raise AssertionError(f"no record for {student}")


def small_class(names):
    d = tempfile.mkdtemp(prefix="lnp-grade-test-")
    for n in names:
        src = os.path.join(RUN["class"], n)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(d, n))
        else:
            shutil.copy(src, d)
    return d


@t.test
def every_sample_gets_its_expected_status():
    got = rows(RUN["out"])
    bad = [f"{s}: got {got.get(s, {}).get('status')}, want {e['status']}"
           for s, e in RUN["expect"].items()
           if e["status"] != "any" and
           got.get(s, {}).get("status") != e["status"]]
    expect(not bad, "\n".join(bad))
    expect(set(got) == set(RUN["expect"]),
           f"students graded {sorted(got)} != {sorted(RUN['expect'])}")


@t.test
def scores_match_expectations():
    got, bad = rows(RUN["out"]), []
    for s, e in RUN["expect"].items():
        r = got[s]
        total, top = r["total"], int(r["max"])
        if e["score"] is None and total != "":
            bad.append(f"{s}: not gradable but has total {total!r}")
        if e["score"] == "max" and total != str(top):
            bad.append(f"{s}: {total} of {top}, want full marks")
        if e["score"] == "less" and (total == "" or int(total) >= top):
            bad.append(f"{s}: {total} of {top}, want fewer")
        if e["score"] == "some" and (total == "" or
                                     not 0 < int(total) < top):
            bad.append(f"{s}: {total} of {top}, want some points: the "
                       "tests its bad code does not reach still count")
        if e["score"] == "starter" and (total == "" or int(total) >
                                        int(got["starter"]["total"])):
            bad.append(f"{s}: {total} of {top}, more than the starter "
                       "it is made of: a forged pass counted")
    expect(not bad, "\n".join(bad))


@t.test
def forged_results_are_refused_or_flagged():
    """Each way of forging the verdicts (grading/samples/forge.c) ends
    refused, or graded with the starter's points and flagged for review;
    the secret is found by none; the summary names them."""
    summary = open(os.path.join(RUN["out"], "summary.md")).read()
    bad = []
    for s, e in sorted(RUN["expect"].items()):
        if not e.get("flagged"):
            continue
        rec = record(s)
        text = json.dumps(rec) + open(os.path.join(
            rec["_dir"], "feedback.md")).read()
        if not rec.get("flags"):
            bad.append(f"{s}: not flagged ({rec['status']})")
        if "SEAL-FOUND" in text:
            bad.append(f"{s}: found the seal")
        if s not in summary:
            bad.append(f"{s}: not named in summary.md")
        if rec["status"] == "refused" and "runs without being called" \
                not in text:
            bad.append(f"{s}: refused without saying why")
    expect(not bad, "\n".join(bad))
    for s in ("correct", "starter", "partial"):
        expect(not record(s).get("flags"),
               f"{s} is flagged: {record(s).get('flags')}")


@t.test
def the_summary_says_whom_to_look_at():
    """summary.md names, without opening grades.csv: who was not graded
    and why, who was flagged (and why), who hit a limit or left
    processes running, the top scores, and an id changed to be a folder
    name beside the original (also in grades.csv)."""
    text = open(os.path.join(RUN["out"], "summary.md")).read()
    parts = {}
    for chunk in text.split("\n### ")[1:]:
        title, _, body = chunk.partition("\n")
        parts[title.split(" (")[0]] = body
    want = {"Not graded": ["not-compiling", "empty", "forges-constructor",
                           "replaces-cmocka"],
            "Flagged for review": ["forges-proc-mem", "forges-results"],
            "Hit a limit": ["infinite-loop", "memory-hog",
                            "prints-forever"],
            "Left processes running": ["leaves-processes"],
            "Top scores": ["correct"],
            "Ids changed to be folder names": ["caf\\xe9-student"]}
    for title, names in want.items():
        body = parts.get(title, "")
        missing = [n for n in names if f"- {n}" not in body]
        expect(not missing, f"summary.md's {title!r} lacks {missing}:\n"
               f"{text[-3000:]}")
    expect("compile-error: did not compile" in parts["Not graded"],
           "the summary does not say why: " + parts["Not graded"])
    caf = rows(RUN["out"])["caf\\xe9-student"]
    expect(caf["folder"].startswith("caf_xe9-student-") and
           f"caf\\xe9-student (folder {caf['folder']})" in text,
           f"the changed id: {caf['folder']!r}")


@t.test
def without_a_terminal_progress_is_printed_every_few_seconds():
    cls = small_class(["starter"])
    out = tempfile.mkdtemp(prefix="lnp-grade-test-")
    try:
        env = dict(os.environ, GRADE_PROGRESS_EVERY="0.2")
        p = subprocess.run(grade_cmd(cls, out, "--skip-reference-check"),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env)
        err = p.stderr.decode(errors="replace")
        expect(p.returncode == 0 and "grade: 0/1 graded, 0m00s so far" in
               err, f"no progress line without a terminal:\n{err}")
    finally:
        shutil.rmtree(cls)
        shutil.rmtree(out)


def machine_secrets():
    """What must never reach a report: make_class.py's secret file (its
    bytes look like a commit id) and /etc/shadow's first line."""
    found = [open(os.path.join(os.path.dirname(RUN["class"]),
                               "machine-secret")).read().strip()]
    try:
        with open("/etc/shadow") as f:
            found.append(f.readline().strip()[:24])
    except OSError:
        pass
    return [x for x in found if x]


@t.test
def nothing_of_the_machine_leaks_through_the_intake():
    """git-*, files-are-*, dir-link, fifo-archive: links and '..' in
    .git/, FIFOs and links as lab files.  None of the files they point at
    is read into any report; the correct files beside them keep full
    marks (scores_match_expectations); nothing waits on a FIFO (else the
    run would not have ended)."""
    leaks = []
    for dirpath, _, files in os.walk(RUN["out"]):
        for name in files:
            data = open(os.path.join(dirpath, name), "rb").read()
            for secret in machine_secrets():
                if secret.encode() in data:
                    leaks.append(f"{os.path.join(dirpath, name)} holds "
                                 f"{secret[:12]}...")
    expect(not leaks, "\n".join(leaks[:10]))
    for s in RUN["expect"]:
        if s.startswith("git-"):
            expect(record(s)["commit"] is None,
                   f"{s}: a commit was read: {record(s)['commit']}")


@t.test
def ports_bound_inside_cost_nothing():
    """binds-ports listens on 300 loopback ports: in its own network
    namespace that takes nothing from anyone, so it keeps full marks and
    no note is made."""
    rec = record("binds-ports")
    bad = [f"{x['name']}: {x['status']} {x['message']}"
           for x in rec["tests"] if x["status"] != "pass"]
    expect(rec["status"] == "ok" and rec["score"] == rec["max_score"] and
           not bad and not rec["notes"],
           f"binds-ports: {rec['status']} {rec['score']}: {bad} "
           f"{rec['notes']}")


@t.test
def identical_submissions_are_built_once():
    """The reference is graded first; the correct submissions hold the
    same bytes (in a folder, a .tar.gz, a .zip, beside extra files, under
    a name that is not UTF-8), so they take its build (and get full
    marks, above); the starter is like nothing before it."""
    for student in ("correct", "correct-tgz", "correct-zip", "extra-files",
                    "caf\\xe9-student"):
        expect(record(student)["build_reused"],
               f"{student} was built again")
    expect(not record("starter")["build_reused"],
           "the starter took another submission's build")


@t.test
def a_hanging_test_costs_only_its_own_points():
    for student in ("infinite-loop", "sleeps", "fork-bomb"):
        rec = record(student)
        got = {x["status"] for x in rec["tests"]}
        expect("timeout" in got and "pass" in got,
               f"{student}: test statuses {sorted(got)}")
        hung = [x for x in rec["tests"] if x["status"] == "timeout"]
        expect(all(x["runs"][-1] == "alone: timeout" for x in hung),
               f"{student}: a test timed out but not alone: {hung[0]}")


@t.test
def reports_are_complete_and_valid():
    out = RUN["out"]
    for name in ("grades.csv", "junit.xml", "summary.md", "summary.json"):
        expect(os.path.exists(os.path.join(out, name)), f"no {name}")
    ET.parse(os.path.join(out, "junit.xml"))
    with open(os.path.join(out, "summary.json")) as f:
        s = json.load(f)
    expect(s["students"] == len(RUN["expect"]) and s["histogram"] and
           s["median"] is not None and s["most_failed"], f"summary: {s}")
    for d in os.listdir(os.path.join(out, "students")):
        with open(os.path.join(out, "students", d, "results.json")) as f:
            res = json.load(f)
        expect(isinstance(res["score"], (int, float)) and
               all({"name", "score", "max_score", "status", "output",
                    "visibility"} <= set(x) for x in res["tests"]),
               f"{d}/results.json is not Gradescope's format: {res}")
        expect(os.path.getsize(os.path.join(out, "students", d,
                                            "feedback.md")) > 50,
               f"{d} has no feedback")


@t.test
def feedback_says_what_failed_and_where_to_read():
    fb = open(os.path.join(record("starter")["_dir"],
                           "feedback.md")).read()
    expect("Reread chapter 3, section 3." in fb, f"no section hint:\n{fb}")
    fb = open(os.path.join(record("not-compiling")["_dir"],
                           "feedback.md")).read()
    expect("did not compile" in fb and "error:" in fb and
           "This is not a score of 0" in fb, f"compile feedback:\n{fb}")
    fb = open(os.path.join(record("evil-paths")["_dir"],
                           "feedback.md")).read()
    for what in ("an absolute path", "'..'", "links are never followed"):
        expect(what in fb, f"evil-paths feedback lacks {what!r}:\n{fb}")
    rec = record("leaves-processes")
    expect(any("left processes running" in n for n in rec["notes"]),
           f"leftover processes not reported: {rec['notes']}")


@t.test
def hostile_code_was_contained():
    leaks = []
    for d in os.listdir(os.path.join(RUN["out"], "students")):
        text = open(os.path.join(RUN["out"], "students", d,
                                 "grade.json")).read()
        if "SANDBOX-LEAK" in text:
            leaks.append(d)
    expect(not leaks, f"hostile code got through in {leaks}")
    expect(not os.path.exists("/tmp/lnp-grade-evil-absolute") and
           not os.path.exists(os.path.join(os.path.dirname(TOP),
                                           "lnp-grade-evil-dotdot")),
           "an archive wrote outside its folder")
    left = procs.left_behind()
    expect(not left, f"processes outlived the grader: {left}")
    left = os.listdir(os.environ["TMPDIR"])
    expect(not left, f"the grader left {left} in its TMPDIR")


@t.test
def a_second_run_resumes_and_changes_nothing():
    out = RUN["out"]
    marks = {d: os.stat(os.path.join(out, "students", d,
                                     "grade.json")).st_mtime_ns
             for d in os.listdir(os.path.join(out, "students"))}
    before = open(os.path.join(out, "grades.csv")).read()
    digests = lab_digests(out)
    p = grade(RUN["class"], out, "--skip-reference-check")
    skip_if_lab_changed(p, digests, lab_digests(out))
    after = {d: os.stat(os.path.join(out, "students", d,
                                     "grade.json")).st_mtime_ns
             for d in marks}
    expect(after == marks, "finished students were graded again")
    expect(open(os.path.join(out, "grades.csv")).read() == before,
           "the gradebook changed")


def lab_digests(out):
    """The versions of the lab (its tests and what they build on) that
    graded the students in out."""
    found = set()
    for d in os.listdir(os.path.join(out, "students")):
        with open(os.path.join(out, "students", d, "grade.json")) as f:
            found.add(json.load(f).get("lab_digest"))
    return found


def skip_if_lab_changed(p, before, after):
    """This tree is shared: someone may change and rebuild lab 3's tests
    while this test runs.  Then grading again is right, and this check
    cannot be made; the grader must have said why it graded again."""
    if before == after:
        return
    expect(b"the lab's tests or the parts they build on changed" in
           p.stderr, "the lab changed but the grader did not say so: " +
           p.stderr.decode(errors="replace")[-1000:])
    raise Skip("lab 3's tests were rebuilt while this test ran (someone "
               "is changing them), so the students were rightly graded "
               "again: nothing to compare")


@t.test
def grading_again_gives_the_same_scores_and_shards_merge():
    names = ["correct", "starter", "partial", "not-compiling",
             "missing-file", "correct-zip.zip"]
    cls = small_class(names)
    tmp = tempfile.mkdtemp(prefix="lnp-grade-test-")
    try:
        for i in (1, 2):        # the first run checked the reference
            p = grade(cls, os.path.join(tmp, f"s{i}"), "--shard",
                      f"{i}/2", "--fresh", "--skip-reference-check")
            if lab_digests(os.path.join(tmp, f"s{i}")) != \
                    lab_digests(RUN["out"]):
                raise Skip("lab 3's tests were rebuilt while this test "
                           "ran (someone is changing them): the grades "
                           "cannot be compared with the first run's")
        p = subprocess.run([sys.executable, os.path.join(
            TOP, "grading", "grade.py"), "merge", "--out",
            os.path.join(tmp, "merged"), os.path.join(tmp, "s1"),
            os.path.join(tmp, "s2")], stdout=subprocess.PIPE)
        expect(p.returncode == 0, "merge failed")
        merged = rows(os.path.join(tmp, "merged"))
        first = {s: r for s, r in rows(RUN["out"]).items() if s in merged}
        expect(len(merged) == len(names), f"merged {sorted(merged)}")
        expect(merged == first, f"a second grading differs:\n{merged}\n"
               f"{first}")
    finally:
        shutil.rmtree(cls)
        shutil.rmtree(tmp)


@t.test
def an_interrupted_run_stops_its_sandboxes_and_resumes():
    """Ctrl-C while a sandbox runs a student's code: the grader stops it,
    keeps the students it finished, and a later run grades the rest.
    Students go one at a time, in order: correct, sleeps, starter; each
    interruption comes while sleeps's code sleeps in its sandbox (the
    limits are long, so it sleeps until then).  First SIGINT goes to the
    grader alone (it must stop its launchers itself), then, in a resumed
    run, to its whole process group as a terminal's Ctrl-C does (the
    launchers stop too, and what they were running must not count).  The
    last run is given the class without sleeps: it grades only starter."""
    cls = small_class(["correct", "sleeps", "starter"])
    out = tempfile.mkdtemp(prefix="lnp-grade-test-")
    long = ["--skip-reference-check", "--test-timeout", "60",
            "--submission-timeout", "120"]
    try:
        part = None
        for whole_group in (False, True):
            interrupt_while_sleeping(cls, out, long, whole_group)
            now = rows(out)
            expect(sorted(now) == ["correct"],
                   f"students saved after the stop: {sorted(now)}")
            expect(part is None or now == part,
                   "the resumed, interrupted run changed correct")
            part = now
        shutil.rmtree(os.path.join(cls, "sleeps"))
        digests = lab_digests(out)
        p = grade(cls, out, *long)
        full = rows(out)
        expect(sorted(full) == ["correct", "starter"],
               f"the resumed run has {sorted(full)}")
        skip_if_lab_changed(p, digests, lab_digests(out))
        expect(full["correct"] == part["correct"],
               "the resumed run changed a finished student")
    finally:
        shutil.rmtree(cls)
        shutil.rmtree(out)


def interrupt_while_sleeping(cls, out, long, whole_group):
    """Starts the grader, waits until sleeps's code is asleep in its
    sandbox, sends SIGINT (to the grader's process group if whole_group)
    and checks that the grader stops at once and leaves nothing."""
    how = "its process group" if whole_group else "the grader"
    g = subprocess.Popen(grade_cmd(cls, out, "--jobs", "1",
                                   "--sandboxes", "1", "--verbose", *long), stderr=subprocess.PIPE,
                         stdout=subprocess.DEVNULL,
                         start_new_session=whole_group,
                         preexec_fn=default_sigint)
    try:
        first = b""
        for first in g.stderr:          # "correct" is finished...
            if first.startswith(b"grade: graded "):
                break
        sleeper = procs.wait_until(lambda: named(procs.descendants(g.pid),
                                                 "lnp-sleeper"), 60)
        if whole_group:                 # ...and sleeps's code is running
            os.killpg(g.pid, signal.SIGINT)
        else:
            g.send_signal(signal.SIGINT)
        interrupted = time.monotonic()
        g.stderr.read()
        rc = g.wait(timeout=60)
        took = time.monotonic() - interrupted
    finally:
        if g.poll() is None:            # a failed check left it running
            g.kill()
            g.wait()
    stopped = sleeper and procs.ends_within(sleeper, 0)
    left = procs.left_behind()
    expect(first.startswith(b"grade: graded correct:"),
           f"the first student graded: {first}")
    expect(sleeper, "the sleeping submission's code never ran")
    expect(rc == 130, f"the grader exited {rc} after SIGINT to {how}")
    # the sleeper would sleep on for 20 s (lab 3's watchdog)
    expect(took < 10, f"the grader took {took:.1f} s to stop after SIGINT "
           f"to {how}: it did not stop its sandbox")
    expect(stopped, f"the student's code outlived the grader ({how})")
    expect(not left, f"processes outlived the grader ({how}): {left}")
    expect(not os.listdir(os.environ["TMPDIR"]),
           f"the grader left its scratch files ({how})")


def default_sigint():
    """A shell starts a foreground command with SIGINT at its default; a
    command started in the background by a script inherits SIGINT
    ignored (POSIX), and Python then never raises KeyboardInterrupt.
    The grader under test is started as from a terminal."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def named(pids, comm):
    """The first of pids whose name (comm) is comm, or None."""
    for pid in pids:
        try:
            with open(f"/proc/{pid}/comm") as f:
                if f.read().strip() == comm:
                    return pid
        except OSError:
            continue
    return None


@t.test
def a_lab_on_the_harness_grades_too():
    """Lab 6's tests build a network of namespaces, start the student's
    server in one host and capture packets.  In the sandbox the tree is
    read-only (captures go to its /tmp) and PATH is short: the reference
    must still get every point, and the starter fewer."""
    cls = tempfile.mkdtemp(prefix="lnp-grade-test-")
    out = tempfile.mkdtemp(prefix="lnp-grade-test-")
    try:
        for who, src in (("reference", "chapters/06-io-multiplexing/lab"),
                         ("starter", "labs/lab-06")):
            os.makedirs(os.path.join(cls, who))
            shutil.copy(os.path.join(TOP, src, "mux_echo.c"),
                        os.path.join(cls, who))
        ref = open(os.path.join(TOP, "chapters/06-io-multiplexing/lab",
                                "mux_echo.c")).read()
        start = ref.index("\n\n", ref.index("int main(")) + 1
        for who, hang in (("server-fork-bomb", "\tfor (;;)\n\t\tfork();\n"),
                          ("server-loop", "\tfor (volatile unsigned k = 0;; "
                           "k++)\n\t\t;\n")):
            os.makedirs(os.path.join(cls, who))
            with open(os.path.join(cls, who, "mux_echo.c"), "w") as f:
                f.write(ref[:start] + hang + ref[start:])
        cmd = [sys.executable, os.path.join(TOP, "grading", "grade.py"),
               "--lab", "06", "--submissions", cls, "--out", out,
               "--build", ARGS.build, "--jobs", "2", "--quiet",
               "--skip-reference-check"]
        p = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        expect(p.returncode == 0, "the grader failed on lab 6:\n" +
               p.stderr.decode(errors="replace")[-3000:])
        got = rows(out)
        ref, bare = got["reference"], got["starter"]
        expect(ref["status"] == "ok" and ref["total"] == ref["max"],
               f"lab 6's reference: {ref['status']}, {ref['total']} of "
               f"{ref['max']}: {ref.get('message', '')}")
        expect(bare["total"] not in ("", ref["max"]),
               f"lab 6's starter: {bare['status']}, {bare['total']}")
        # a server that hangs before listen(): the feedback says why, and
        # the tests after the first do not wait for it again
        for who, why in (("server-fork-bomb", "the process limit (64)"),
                         ("server-loop", "a loop that never ends")):
            with open(os.path.join(out, "students", who,
                                   "grade.json")) as f:
                rec = json.load(f)
            said = [x["message"] for x in rec["tests"]]
            expect(got[who]["total"] == "0" and
                   all(why in m for m in said),
                   f"{who}: {got[who]['total']} points; {said[:2]}")
            expect(sum("not waited for again" in m for m in said) >=
                   len(said) - 2 and rec["wall"] < 30,
                   f"{who} waited for every test ({rec['wall']} s): "
                   f"{said[:3]}")
    finally:
        shutil.rmtree(cls)
        shutil.rmtree(out)


# ---- the policy of test runs, with made-up results ------------------------

class FakeRuns:
    """Stands in for testruns.run_group: answers each run from a script
    {test name: [status of 1st run, 2nd, ...]} and logs the runs.  A run
    of several tests that holds a "crash" ends badly: only the passes
    before it are reported, as from a real run that crashed."""

    def __init__(self, script):
        self.script, self.log = script, []
        self.count = {}
        self.exclusive = []     # the runs asked to have the machine

    def __call__(self, session, suite, names, wall, idle=0,
                 exclusive=False):
        self.log.append((suite, tuple(names)))
        if exclusive:
            self.exclusive.append(tuple(names))
        results = {}
        for name in names:
            n = self.count.get(name, 0)
            self.count[name] = n + 1
            status = self.script[name][min(n, len(self.script[name]) - 1)]
            if status in ("crash", "timeout") and len(names) > 1:
                break           # the run ends here: the rest in doubt
            status = "crashed" if status == "crash" else status
            results[name] = {"status": status, "output": "",
                             "message": "" if status == "pass" else
                             f"{name} failed ({n + 1})"}
        st = {"wall": 0.1, "leftover": 0}
        return results, st


def policy(script, budget=100, suites=None, vm=False):
    """Runs the policy on a record of the scripted tests; returns the
    record and the runs it asked for.  VM: as for a lab on the test VM."""
    from grader import run, testruns
    fake = FakeRuns(script)
    suites = suites or {name: "public" for name in script}
    rec = {"tests": [{"name": n, "suite": suites[n], "max_score": 2,
                      "score": 0, "status": "not-run", "message": "",
                      "runs": []} for n in script],
           "notes": [], "missing": [], "cpu": 0}

    class Cfg:
        submission_timeout, rerun_failures = budget, True
        suite_timeout = 10
        test_limits = type("L", (), {"wall": 10})
    real = testruns.run_group
    testruns.run_group = fake
    try:
        session = testruns.Session(rec, None, None, Cfg(), "/x")
        session.on_vm = vm
        testruns.run_tests(session)
    finally:
        testruns.run_group = real
    run.finish(rec, None, None)
    policy.exclusive = fake.exclusive
    return rec, fake.log


def statuses(rec):
    return {x["name"]: x["status"] for x in rec["tests"]}


@t.test
def a_passing_suite_is_one_run():
    rec, log = policy({"a": ["pass"], "b": ["pass"], "h": ["pass"]},
                      suites={"a": "public", "b": "public", "h": "hidden"})
    # the two suites run at the same time, each in its own sandbox
    expect(sorted(log) == [("hidden", ("h",)), ("public", ("a", "b"))],
           f"runs: {log}")
    expect(rec["status"] == "ok" and rec["score"] == 6, f"{rec}")


@t.test
def failures_run_again_and_a_pass_then_is_flaky():
    """A few failed tests run again each in its own sandbox, at once;
    more than testruns.AGAIN_APART run again together."""
    rec, log = policy({"a": ["pass"], "b": ["fail", "pass"],
                       "c": ["fail", "fail"]})
    expect(log[0] == ("public", ("a", "b", "c")) and
           sorted(log[1:]) == [("public", ("b",)), ("public", ("c",))],
           f"runs: {log}")
    many = {n: ["fail"] for n in "bcdef"}
    _, log2 = policy(dict(many, a=["pass"]))
    expect(log2 == [("public", tuple("bcdefa")), ("public", tuple("bcdef"))],
           f"runs: {log2}")
    b = rec["tests"][1]
    expect(statuses(rec) == {"a": "pass", "b": "flaky", "c": "fail"} and
           b["score"] == 0 and rec["status"] == "flaky" and
           "b failed (1)" in b["message"], f"{rec['tests']}")


@t.test
def on_the_test_vm_suites_share_a_run_and_a_clean_failure_stands():
    """A lab on the test VM: one run (one boot) for both suites; b's and
    h's clean failures are final (no second boot to confirm them); c,
    in doubt after the crash, still runs alone."""
    rec, log = policy({"a": ["pass"], "b": ["fail", "pass"],
                       "c": ["crash", "pass"], "h": ["fail", "pass"]},
                      suites={"a": "public", "b": "public", "c": "public",
                              "h": "hidden"}, vm=True)
    expect(log == [("public+hidden", ("a", "b", "c", "h")),
                   ("public", ("c",)), ("hidden", ("h",))], f"runs: {log}")
    expect(statuses(rec) == {"a": "pass", "b": "fail", "c": "pass",
                             "h": "fail"} and rec["score"] == 4,
           f"{rec['tests']}")


@t.test
def after_a_crash_the_tests_in_doubt_run_alone():
    """a passed before the crash and stands; b crashed (and again, alone);
    c, in doubt only because the run ended, passes alone: not flaky."""
    rec, log = policy({"a": ["pass"], "b": ["crash"], "c": ["pass"]})
    expect(log == [("public", ("a", "b", "c")), ("public", ("b",)),
                   ("public", ("b",)), ("public", ("c",))], f"runs: {log}")
    expect(statuses(rec) == {"a": "pass", "b": "crashed", "c": "pass"} and
           rec["score"] == 4, f"{rec['tests']}")


@t.test
def a_timeout_is_decided_with_the_machine_to_itself():
    """A test that times out alone while other sandboxes run is run once
    more with none beside it: s was only slowed down by the others and
    passes; h hangs whatever runs beside it, and its timeout stands, and
    so does h2's without another exclusive run."""
    rec, log = policy({"a": ["pass"], "s": ["timeout", "timeout", "pass"],
                       "h": ["timeout"], "h2": ["timeout"]})
    # h's confirmed timeout shows the code hangs: h2's stands at once
    expect(policy.exclusive == [("s",), ("h",)],
           f"exclusive runs: {policy.exclusive}; all runs: {log}")
    h = rec["tests"][2]
    expect(statuses(rec) == {"a": "pass", "s": "pass", "h": "timeout",
                             "h2": "timeout"} and
           h["runs"][-1] == "alone: timeout", f"{rec['tests']}")


@t.test
def a_used_up_budget_leaves_tests_not_run():
    rec, log = policy({"a": ["pass"], "b": ["fail"]}, budget=0.5)
    expect(log == [] and statuses(rec) == {"a": "not-run",
                                           "b": "not-run"} and
           rec["status"] == "timeout", f"runs {log}, {rec['tests']}")
    expect("time limit of 0.5 s was used up" in rec["tests"][0]["message"],
           rec["tests"][0]["message"])


@t.test
def reads_gradescope_exports_git_clones_and_duplicates():
    from grader import intake
    d = tempfile.mkdtemp(prefix="lnp-grade-test-")
    try:
        os.makedirs(os.path.join(d, "submission_101"))
        with open(os.path.join(d, "submission_metadata.yml"), "w") as f:
            f.write("submission_101:\n  :submitters:\n  - :name: Ada\n"
                    "    :sid: '4711'\n    :email: ada@example.com\n")
        expect(intake.discover(d) == [("4711", os.path.join(
            d, "submission_101"))], f"export: {intake.discover(d)}")
        clone = os.path.join(d, "clone")
        os.makedirs(os.path.join(clone, ".git", "refs", "heads"))
        with open(os.path.join(clone, ".git", "HEAD"), "w") as f:
            f.write("ref: refs/heads/main\n")
        with open(os.path.join(clone, ".git", "refs", "heads", "main"),
                  "w") as f:
            f.write("0123456789abcdef0123456789abcdef01234567\n")
        with open(os.path.join(clone, ".git", "readio.c"), "w") as f:
            f.write("inside .git: never graded\n")
        with open(os.path.join(clone, "readio.c"), "w") as f:
            f.write("int x;\n")
        sub = intake.read_submission("clone", clone, {"readio.c"})
        expect(sub.commit.startswith("0123456789ab") and
               sub.files == {"readio.c": b"int x;\n"},
               f"clone: {sub.commit} {sub.files}")
    finally:
        shutil.rmtree(d)


@t.test
def the_intake_follows_no_link_and_no_path_a_student_wrote():
    """Unit checks of intake.py: a Gradescope metadata file that is a link
    is not read; .git/refs as a link, a ref with '..' or an absolute path
    give no commit; a plain ref, loose or packed, still does."""
    from grader import intake
    d = tempfile.mkdtemp(prefix="lnp-grade-test-")
    commit = "0123456789abcdef0123456789abcdef01234567"
    try:
        outside = os.path.join(d, "outside.yml")
        with open(outside, "w") as f:
            f.write("submission_7:\n  :submitters:\n  - :sid: 'LEAKED'\n")
        export = os.path.join(d, "export")
        os.makedirs(os.path.join(export, "submission_7"))
        os.symlink(outside, os.path.join(export,
                                         "submission_metadata.yml"))
        got = intake.discover(export)
        expect(got == [("submission_7", os.path.join(
            export, "submission_7"))], f"linked metadata was read: {got}")
        git = os.path.join(d, "clone", ".git")
        os.makedirs(git)
        with open(os.path.join(d, "secret"), "w") as f:
            f.write(commit + "\n")
        cases = {"ref: ../../secret\n": None,
                 f"ref: {os.path.join(d, 'secret')}\n": None,
                 "ref: refs/heads/../../../secret\n": None,
                 "ref: refs/heads/main\n": commit}
        with open(os.path.join(git, "packed-refs"), "w") as f:
            f.write(f"# pack-refs\n{commit} refs/heads/main\n")
        for head, want in cases.items():
            with open(os.path.join(git, "HEAD"), "w") as f:
                f.write(head)
            got = intake.git_head(git)
            expect(got == want, f"HEAD {head.strip()!r} gave {got}")
        os.symlink(d, os.path.join(git, "refs"))
        os.remove(os.path.join(git, "packed-refs"))
        with open(os.path.join(git, "HEAD"), "w") as f:
            f.write("ref: refs/secret\n")
        expect(intake.git_head(git) is None, ".git/refs was followed")
    finally:
        shutil.rmtree(d)


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--full", action="store_true")
    ARGS = ap.parse_args()
    ARGS.timeout = "10" if ARGS.full else "2"
    # a hostile submission that hangs, hangs in every test that calls its
    # code: its budget ends it (each suite, then one test alone)
    ARGS.budget = "60" if ARGS.full else "6.5"
    procs.become_subreaper()
    os.chdir(TOP)
    samples = os.path.join(ARGS.build, "grading", "sample-class")
    RUN["class"] = os.path.join(samples, "class")
    with open(os.path.join(samples, "EXPECTED.json")) as f:
        RUN["expect"] = json.load(f)
    RUN["out"] = tempfile.mkdtemp(prefix="lnp-grade-test-")
    # the graders' own scratch space, so that leftovers are ours to see
    scratch = tempfile.mkdtemp(prefix="lnp-grade-test-tmp-")
    os.environ["TMPDIR"] = scratch
    try:
        p = grade(RUN["class"], RUN["out"], check=False)
        if p.returncode != 0:
            print("1..1\nnot ok 1 - the_grader_runs")
            print("# " + p.stderr.decode(errors="replace")[-2000:]
                  .replace("\n", "\n# "))
            return 1
        return t.run()
    finally:
        shutil.rmtree(RUN["out"], ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
