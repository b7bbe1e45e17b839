#!/usr/bin/python3
"""Export the repository for students: no solutions, no hidden tests.

  student_edition.py --out DIR

Every file with SOLUTION markers is replaced by its derived starter
(tools/derive.py); chapters/*/tests/hidden/, grading/ (the instructor's
grader), book/ (its listings need the solutions) and the build tree are
left out.  grading/edition.mk becomes the edition's grading/grading.mk,
and EDITION.md says what `make test` means there.  The export is refused
if a solution marker or a hidden test would remain.
"""
import argparse
import os
import shutil
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tools"))
import derive  # noqa: E402

LEFT_OUT = ("build/", "grading/", "book/", ".git/")

EDITION_MD = """# The student edition

This is the workbook without its solutions: each lab's files are the
starters in `labs/lab-NN/`, and the tests used only for grading are not
here.  The book itself is published separately.

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


def export(out):
    if os.path.exists(out) and os.listdir(out):
        raise SystemExit(f"student-edition: {out} exists and is not empty")
    for rel in tracked_files():
        src = os.path.join(TOP, rel)
        if left_out(rel) or not os.path.isfile(src):
            continue
        dst = os.path.join(out, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(src, "rb") as f:
            data = f.read()
        if is_source(rel) and has_solution(data):
            data = derive.derive_text(data.decode(), rel).encode()
        with open(dst, "wb") as f:
            f.write(data)
        shutil.copymode(src, dst)
    os.makedirs(os.path.join(out, "grading"), exist_ok=True)
    shutil.copy(os.path.join(TOP, "grading", "edition.mk"),
                os.path.join(out, "grading", "grading.mk"))
    with open(os.path.join(out, "EDITION.md"), "w") as f:
        f.write(EDITION_MD)
    check(out)


def check(out):
    """Refuses an export that still holds a solution or a hidden test."""
    bad = []
    for d, dirs, files in os.walk(out):
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
    args = ap.parse_args()
    try:
        export(args.out)
    except derive.MarkerError as e:
        shutil.rmtree(args.out, ignore_errors=True)
        raise SystemExit(f"student-edition: {e}")
    print(f"student edition in {args.out}: see {args.out}/EDITION.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
