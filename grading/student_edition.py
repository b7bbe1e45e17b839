#!/usr/bin/python3
"""Export the repository for students: no solutions, no hidden tests.

  student_edition.py --out DIR [--figures DIR]

Every file with SOLUTION markers is replaced by its derived starter
(tools/derive.py; a lab's file keeps the book's region markers, and each
solution's stand-in sits between /* BEGIN LAB NN */ and /* END LAB NN */,
so that the book shows it as the lab's part); chapters/*/tests/hidden/,
grading/ (the instructor's grader) and the build tree are left out.  The
book's sources are exported, marked as the student edition
(book/STUDENT-EDITION), with the figures of the full edition (--figures,
normally build/book/figures/: they are drawn from runs of the reference
programs) in book/figures/built/; a Markdown block
`::: {.full-edition}` ... `:::` is left out.  grading/edition.mk becomes
the edition's grading/grading.mk, and EDITION.md says what `make test`
means there.  The export is refused if a solution marker or a hidden
test would remain.
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tools"))
import derive  # noqa: E402

LEFT_OUT = ("build/", "grading/", ".git/")
# The book's own test fixtures: their markers test the book's filter and
# belong to no lab (sample.c's "solution" is a puts()).
FIXTURES = ("book/tests/fixtures/",)
FULL_OPEN = re.compile(r"^(:{3,})\s*\{\s*\.full-edition\s*\}\s*$")
DIV_OPEN = re.compile(r"^:{3,}\s*\S")
DIV_CLOSE = re.compile(r"^:{3,}\s*$")
STUDENT_MARK = """This tree is the student edition (grading/student_edition.py):
`make book` builds the book's student edition, in which each lab's part
of a listing is the starter you get in labs/lab-NN/.
"""

EDITION_MD = """# The student edition

This is the workbook without its solutions: each lab's files are the
starters in `labs/lab-NN/`, and the tests used only for grading are not
here.  `make book` builds the book (see book/README.md), the student edition:
where a listing shows code you write in a lab, it shows the starter's
TODO and names the lab.

- `make lab-NN` builds your files in `labs/lab-NN/` and runs the lab's
  public tests (`make lab-NN REF=1` has no reference to run here).
- Labs whose files live in `lib/` (lab 3: readio.c, sock_ntop.c) build
  the library from your copy in `labs/lab-NN/`: the chapters' programs
  use your code once it works.
- `make test` checks what you can check: every lab's files compile, their
  public tests run (shown as progress, not as failures), and every chapter
  suite runs except those that use a lab you have not finished yet; those
  are skipped with the lab they wait for.  It ends with
  "N passed, N failed, N skipped".
"""


def tracked_files():
    try:
        p = subprocess.run(["git", "ls-files", "-z"], cwd=TOP,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           check=True)
        return sorted(f for f in p.stdout.decode().split("\0") if f)
    except (OSError, subprocess.CalledProcessError):
        out = []
        for d, dirs, files in os.walk(TOP):
            dirs[:] = [x for x in dirs if x not in (".git", "build")]
            out += [os.path.relpath(os.path.join(d, f), TOP) for f in files]
        return sorted(out)


def is_source(path):
    return path.endswith((".c", ".h"))


def has_solution(data):
    return any(derive.BEGIN.match(line) for line in
               data.decode(errors="replace").splitlines())


def left_out(path):
    return path.startswith(LEFT_OUT) or "/tests/hidden/" in path


def lab_of_files():
    """{reference path: lab number} from every chapters/*/lab/lab.json."""
    labs = {}
    for m in sorted(glob.glob(os.path.join(TOP, "chapters", "*", "lab",
                                           "lab.json"))):
        with open(m) as f:
            man = json.load(f)
        for ref in man["files"].values():
            labs[ref] = man["lab"]
    return labs


def drop_full_edition(text):
    """Leaves out every ::: {.full-edition} block (nested divs kept
    together)."""
    out, depth = [], 0
    for line in text.splitlines(keepends=True):
        if depth:
            if DIV_CLOSE.match(line):
                depth -= 1
            elif DIV_OPEN.match(line):
                depth += 1
            continue
        if FULL_OPEN.match(line):
            depth = 1
            continue
        out.append(line)
    return "".join(out)


def export(out, figures=None):
    if os.path.exists(out) and os.listdir(out):
        raise SystemExit(f"student-edition: {out} exists and is not empty")
    labs = lab_of_files()
    for rel in tracked_files():
        src = os.path.join(TOP, rel)
        if left_out(rel) or not os.path.isfile(src):
            continue
        dst = os.path.join(out, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(src, "rb") as f:
            data = f.read()
        if rel.startswith(FIXTURES):
            pass
        elif is_source(rel) and has_solution(data):
            data = derive.derive_text(data.decode(), rel,
                                      lab=labs.get(rel)).encode()
        elif rel.endswith(".md"):
            data = drop_full_edition(data.decode()).encode()
        with open(dst, "wb") as f:
            f.write(data)
        shutil.copymode(src, dst)
    os.makedirs(os.path.join(out, "grading"), exist_ok=True)
    shutil.copy(os.path.join(TOP, "grading", "edition.mk"),
                os.path.join(out, "grading", "grading.mk"))
    with open(os.path.join(out, "EDITION.md"), "w") as f:
        f.write(EDITION_MD)
    if os.path.isdir(os.path.join(out, "book")):
        with open(os.path.join(out, "book", "STUDENT-EDITION"), "w") as f:
            f.write(STUDENT_MARK)
        if figures:
            built = os.path.join(out, "book", "figures", "built")
            os.makedirs(built, exist_ok=True)
            for svg in sorted(glob.glob(os.path.join(figures, "*.svg"))):
                shutil.copy(svg, built)
    check(out)


def check(out):
    """Refuses an export that still holds a solution or a hidden test."""
    bad = []
    for d, dirs, files in os.walk(out):
        if os.path.relpath(d, out).startswith(FIXTURES[0].rstrip("/")):
            continue
        if os.path.basename(d) == "hidden":
            bad.append(os.path.relpath(d, out))
        for f in files:
            with open(os.path.join(d, f), "rb") as fh:
                if is_source(f) and has_solution(fh.read()):
                    bad.append(os.path.relpath(os.path.join(d, f), out))
    if bad:
        shutil.rmtree(out)
        raise SystemExit("student-edition: solutions or hidden tests would "
                         f"be exported ({', '.join(bad)}); nothing written")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--figures", help="the full edition's figures (SVG)")
    args = ap.parse_args()
    try:
        export(args.out, args.figures)
    except derive.MarkerError as e:
        shutil.rmtree(args.out, ignore_errors=True)
        raise SystemExit(f"student-edition: {e}")
    print(f"student edition in {args.out}: see {args.out}/EDITION.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
