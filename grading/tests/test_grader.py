#!/usr/bin/python3
"""Tests of the grader on the sample class (grading/samples/): every good,
broken and hostile submission gets its status and message, the reports
are complete, nothing escapes or is left behind, a second run gives the
same grades, an interrupted run resumes, shards merge.  Prints TAP.

  test_grader.py [--build B] [--full]    (--full: the default limits)
"""
import argparse
import csv
import filecmp
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
from tap import Tap, expect  # noqa: E402

t = Tap()
ARGS = None
RUN = {}            # the one grading of the whole class, shared


def grade(submissions, out, *extra, check=True):
    cmd = [sys.executable, os.path.join(TOP, "grading", "grade.py"),
           "--lab", "03", "--submissions", submissions, "--out", out,
           "--build", ARGS.build, "--jobs", "2", "--quiet",
           "--test-timeout", ARGS.timeout, "--memory", "128",
           "--submission-timeout", ARGS.budget] + list(extra)
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
           if got.get(s, {}).get("status") != e["status"]]
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
    expect(not bad, "\n".join(bad))


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
    expect(not processes_named(b"lnp-left-behind"),
           "a student's background process is still running")
    left = os.listdir(os.environ["TMPDIR"])
    expect(not left, f"the grader left {left} in its TMPDIR")


@t.test
def a_second_run_resumes_and_changes_nothing():
    out = RUN["out"]
    marks = {d: os.stat(os.path.join(out, "students", d,
                                     "grade.json")).st_mtime_ns
             for d in os.listdir(os.path.join(out, "students"))}
    before = open(os.path.join(out, "grades.csv")).read()
    grade(RUN["class"], out, "--skip-reference-check")
    after = {d: os.stat(os.path.join(out, "students", d,
                                     "grade.json")).st_mtime_ns
             for d in marks}
    expect(after == marks, "finished students were graded again")
    expect(open(os.path.join(out, "grades.csv")).read() == before,
           "the gradebook changed")


@t.test
def grading_again_gives_the_same_scores_and_shards_merge():
    names = ["correct", "starter", "partial", "not-compiling",
             "missing-file", "correct-zip.zip"]
    cls = small_class(names)
    tmp = tempfile.mkdtemp(prefix="lnp-grade-test-")
    try:
        for i in (1, 2):
            grade(cls, os.path.join(tmp, f"s{i}"), "--shard", f"{i}/2",
                  "--fresh")
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
def an_interrupted_run_keeps_what_it_finished_and_resumes():
    cls = small_class(["correct", "starter", "partial", "missing-file",
                       "extra-files", "sleeps"])
    out = tempfile.mkdtemp(prefix="lnp-grade-test-")
    try:
        cmd = [sys.executable, os.path.join(TOP, "grading", "grade.py"),
               "--lab", "03", "--submissions", cls, "--out", out,
               "--build", ARGS.build, "--jobs", "1", "--verbose",
               "--skip-reference-check", "--test-timeout", ARGS.timeout,
               "--memory", "128", "--submission-timeout", ARGS.budget]
        p = subprocess.Popen(cmd, stderr=subprocess.PIPE,
                             stdout=subprocess.DEVNULL)
        for line in p.stderr:           # wait for the first student
            if line.startswith(b"grade: graded "):
                break
        p.send_signal(signal.SIGINT)
        p.stderr.read()
        rc = p.wait(timeout=60)
        expect(rc == 130, f"an interrupted grader exited {rc}")
        part = rows(out)
        expect(0 < len(part) < 6, f"{len(part)} students after the stop")
        expect(not os.listdir(os.environ["TMPDIR"]),
               "the interrupted grader left its scratch files")
        grade(cls, out, "--skip-reference-check")
        full = rows(out)
        expect(len(full) == 6, f"the resumed run has {sorted(full)}")
        expect(all(full[s] == r for s, r in part.items()),
               "the resumed run changed finished students")
    finally:
        shutil.rmtree(cls)
        shutil.rmtree(out)


@t.test
def a_flaky_test_is_reported_not_passed():
    from grader import run
    calls = []

    def fake_run_one(rec, plan, box, cfg, work, bins, test, left):
        calls.append(test["name"])
        ok = len(calls) % 2 == 0        # fails, then passes
        return {"status": "pass" if ok else "fail", "seconds": 0,
                "message": "" if ok else "readn returned 5", "output": ""}

    class Cfg:
        submission_timeout, rerun_failures = 100, True
    rec = {"tests": [{"name": "t1", "suite": "public", "max_score": 3,
                      "score": 0, "status": "not-run", "message": ""}],
           "notes": [], "missing": [], "cpu": 0}
    real = run.run_one
    run.run_one = fake_run_one
    try:
        run.run_tests(rec, None, None, Cfg(), "/nonexistent",
                      time.monotonic())
    finally:
        run.run_one = real
    run.finish(rec, None, None)
    t1 = rec["tests"][0]
    expect(t1["status"] == "flaky" and t1["score"] == 0 and
           rec["status"] == "flaky" and "readn returned 5" in t1["message"],
           f"flaky test: {t1}, student {rec['status']}")


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


def processes_named(marker):
    found = []
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read()
            with open(f"/proc/{pid}/comm", "rb") as f:
                comm = f.read()
        except OSError:
            continue
        if marker in cmd or marker in comm:
            found.append(pid)
    return found


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--full", action="store_true")
    ARGS = ap.parse_args()
    ARGS.timeout = "10" if ARGS.full else "2"
    # a hostile submission times out in every test: its budget ends it
    ARGS.budget = "60" if ARGS.full else "8"
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
