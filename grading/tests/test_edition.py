#!/usr/bin/python3
"""Tests of the student edition and the Gradescope bundle.  Prints TAP.

  test_edition.py [--build B] [--full]

Quick (make test): the export holds no solution and no hidden test, the
bundle holds what Gradescope runs.  --full (make grade-selftest) also
builds and runs lab 3 inside the export, and runs the bundle's setup.sh
and run_autograder on a submission as Gradescope would.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(TOP, "tools"))
from tap import Tap, expect  # noqa: E402
import derive  # noqa: E402

t = Tap()
ARGS = None
TMP = {}


def export():
    if "edition" not in TMP:
        out = os.path.join(TMP["root"], "edition")
        p = subprocess.run([sys.executable, os.path.join(
            TOP, "grading", "student_edition.py"), "--out", out],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        expect(p.returncode == 0, p.stdout.decode())
        TMP["edition"] = out
    return TMP["edition"]


@t.test
def edition_has_no_solutions_and_no_hidden_tests():
    out = export()
    for d, dirs, files in os.walk(out):
        if "book/tests/fixtures" in d:
            continue        # the book filter's fixture (student_edition.py)
        expect(os.path.basename(d) != "hidden", f"hidden tests in {d}")
        for f in files:
            if f.endswith((".c", ".h")):
                text = open(os.path.join(d, f), errors="replace").read()
                expect(not any(derive.BEGIN.match(ln)
                               for ln in text.splitlines()),
                       f"a solution is left in {os.path.join(d, f)}")
    ref = open(os.path.join(TOP, "lib/readio.c")).read()
    for rel, lab in (("lib/readio.c", "03"), ("labs/lab-03/readio.c", None)):
        want = derive.derive_text(ref, "lib/readio.c", lab=lab)
        expect(open(os.path.join(out, rel)).read() == want,
               f"{rel} is not the derived starter")
    expect(not os.path.exists(os.path.join(out, "grading", "grade.py")),
           "the instructor's grader was exported")
    expect(os.path.exists(os.path.join(out, "grading", "grading.mk")) and
           os.path.exists(os.path.join(out, "EDITION.md")),
           "the edition's make fragment or EDITION.md is missing")


@t.test
def book_of_the_edition_shows_starters_not_solutions():
    """The exported book is the student edition: chapter 3's listings of
    lab 3's functions are the starter, with the note and the link to the
    lab, and the lab pages say nothing of hidden tests."""
    out = export()
    expect(os.path.exists(os.path.join(out, "book", "STUDENT-EDITION")),
           "the book is not marked as the student edition")
    got = "".join(
        x for x in open(os.path.join(out, "lib/readio.c")).readlines()
        if not (derive.LAB_OPEN.match(x) or derive.LAB_CLOSE.match(x)
                or derive.BOOK.match(x)))
    expect(got == open(os.path.join(out, "labs/lab-03/readio.c")).read(),
           "the edition's lib/readio.c is not the starter with markers")
    for lab in glob.glob(os.path.join(out, "chapters", "*", "lab",
                                      "LAB.md")):
        text = open(lab).read()
        expect("hidden" not in text.lower() and "full-edition" not in text,
               f"{lab} mentions hidden tests")
    work = os.path.join(TMP["root"], "j")
    os.makedirs(work)
    p = subprocess.run(
        ["pandoc", "-d", "book/pandoc/page.yaml",
         "chapters/03-sockets-intro/README.md", "-o", f"{work}/ch03.json",
         "-M", "book-key=ch03", "-M", "book-chapter=3",
         "-M", f"book-aux={work}/ch03.tsv", "-M", f"book-deps={work}/ch03.d",
         "-M", "book-target=x"], cwd=out,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    expect(p.returncode == 0, "stage 1 of chapter 3 fails in the edition:\n"
           + p.stdout.decode(errors="replace")[-2000:])
    page = open(f"{work}/ch03.json").read()
    for line in ("ssize_t got = read(fd, next, left);",
                 "int r = next_byte(lb, &c);"):
        expect(json.dumps(line)[1:-1] not in page,
               f"the edition's chapter 3 shows the solution: {line}")
    expect(page.count("You write this in") >= 6 and
           '"#lab03"' in page and '"lab-lines"' in page,
           "chapter 3's listings of lab 3 lack the note and the link")


@t.test
def gradescope_bundle_holds_what_gradescope_runs():
    z = os.path.join(TMP["root"], "ag.zip")
    p = subprocess.run([sys.executable, os.path.join(
        TOP, "grading", "gradescope", "bundle.py"), "--lab", "03",
        "--out", z], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    expect(p.returncode == 0, p.stdout.decode())
    with zipfile.ZipFile(z) as zf:
        names = set(zf.namelist())
        for need in ("setup.sh", "run_autograder", "repo/Makefile",
                     "repo/grading/grade.py", "repo/grading/sandbox.c",
                     "repo/chapters/03-sockets-intro/lab/lab.json"):
            expect(need in names, f"{need} is not in the bundle")
        for s in ("setup.sh", "run_autograder"):
            info = zf.getinfo(s)
            expect((info.external_attr >> 16) & 0o111, f"{s} not executable")
            text = zf.read(s).decode()
            expect("@LAB@" not in text and "03" in text,
                   f"{s} does not name the lab")
        expect(not any(n.startswith("repo/build/") for n in names),
               "the build tree is in the bundle")
    TMP["zip"] = z


def full_edition_builds_and_runs_lab_3():
    out = export()
    p = subprocess.run(["make", "-s", "lab-03"], cwd=out,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    text = p.stdout.decode(errors="replace")
    expect(p.returncode != 0 and "Lab 03 (student): 0 of" in text,
           f"the starter's make lab-03:\n{text[-2000:]}")
    for f in ("readio.c", "sock_ntop.c"):
        shutil.copy(os.path.join(TOP, "lib", f),
                    os.path.join(out, "labs", "lab-03", f))
    p = subprocess.run(["make", "-s", "lab-03"], cwd=out,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    expect(p.returncode == 0, "a solved lab 3 fails in the edition:\n" +
           p.stdout.decode(errors="replace")[-2000:])


def full_gradescope_autograder_grades_a_submission():
    root = os.path.join(TMP["root"], "autograder")
    with zipfile.ZipFile(TMP["zip"]) as zf:
        zf.extractall(os.path.join(root, "source"))
    for s in ("setup.sh", "run_autograder"):
        os.chmod(os.path.join(root, "source", s), 0o755)
    os.makedirs(os.path.join(root, "submission", "lab"))
    for f in ("readio.c", "sock_ntop.c"):
        shutil.copy(os.path.join(TOP, "lib", f),
                    os.path.join(root, "submission", "lab", f))
    env = dict(os.environ, AUTOGRADER_ROOT=root)
    for s in ("setup.sh", "run_autograder"):
        p = subprocess.run(["sh", os.path.join(root, "source", s)],
                           env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
        expect(p.returncode == 0, f"{s} failed:\n"
               + p.stdout.decode(errors="replace")[-2000:])
    with open(os.path.join(root, "results", "results.json")) as f:
        res = json.load(f)
    top = sum(x["max_score"] for x in res.get("tests", []))
    expect(top > 0 and res["score"] == top, f"results.json: {res}")


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--full", action="store_true")
    ARGS = ap.parse_args()
    os.chdir(TOP)
    if ARGS.full:
        t.test(full_edition_builds_and_runs_lab_3)
        t.test(full_gradescope_autograder_grades_a_submission)
    TMP["root"] = tempfile.mkdtemp(prefix="lnp-grade-test-")
    try:
        return t.run()
    finally:
        shutil.rmtree(TMP["root"], ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
