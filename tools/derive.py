#!/usr/bin/python3
"""Derive a lab's starter files from its marked reference solution.

In a reference source:
    /* BEGIN SOLUTION */ ... /* END SOLUTION */   removed from the starter
    /* STARTER ... STARTER */                     uncommented in the starter
    /* include NAME */, /* end NAME */            (book regions) removed

For the student edition (grading/student_edition.py), derive_text(...,
lab="03") keeps the book's region markers and puts the lines that stand
for a solution (the starter's, or none) between /* BEGIN LAB 03 */ and
/* END LAB 03 */, so that the book shows them as the lab's part.

Usage:
    derive.py --file REF OUT      derive one file
    derive.py --write NN          (re)write labs/lab-NN/ from the reference
    derive.py --check NN          exit 1 if labs/lab-NN/ differs from a fresh
                                  derivation (the lab contract's third check)
"""
import json
import os
import re
import sys

BEGIN = re.compile(r"^\s*/\* BEGIN SOLUTION \*/\s*$")
END = re.compile(r"^\s*/\* END SOLUTION \*/\s*$")
S_OPEN = re.compile(r"^\s*/\* STARTER\s*$")
S_CLOSE = re.compile(r"^\s*STARTER \*/\s*$")
BOOK = re.compile(r"^\s*/\* (include|end) [A-Za-z0-9_.-]+ \*/\s*$")
LAB_OPEN = re.compile(r"^\s*/\* BEGIN LAB (\d+) \*/\s*$")
LAB_CLOSE = re.compile(r"^\s*/\* END LAB (\d+) \*/\s*$")


class MarkerError(Exception):
    pass


def derive_text(text, path, lab=None):
    """Returns the starter text for one reference file.  With lab (the
    student edition's export), book markers stay and each solution's
    stand-in is wrapped in BEGIN LAB / END LAB marker lines."""
    out, state, opened = [], "code", 0
    sol_indent = ""
    pending = None      # export: indent of a solution whose END LAB is due

    def close_lab():
        nonlocal pending
        if pending is not None:
            out.append(f"{pending}/* END LAB {lab} */\n")
            pending = None

    for no, line in enumerate(text.splitlines(keepends=True), 1):
        where = f"{path}:{no}"
        indent = line[:len(line) - len(line.lstrip())]
        if BEGIN.match(line):
            if state != "code":
                raise MarkerError(f"{where}: BEGIN SOLUTION inside {state}")
            state, opened, sol_indent = "solution", no, indent
            if lab:
                close_lab()
                out.append(f"{indent}/* BEGIN LAB {lab} */\n")
        elif END.match(line):
            if state != "solution":
                raise MarkerError(f"{where}: END SOLUTION without BEGIN")
            state = "code"
            if lab:
                pending = indent
        elif S_OPEN.match(line):
            if state != "code":
                raise MarkerError(f"{where}: STARTER inside {state}")
            state, opened = "starter", no
        elif S_CLOSE.match(line):
            if state != "starter":
                raise MarkerError(f"{where}: STARTER */ without /* STARTER")
            state = "code"
            close_lab()
        elif BOOK.match(line):
            if lab and state == "solution":
                # a region's edge inside a solution: the region gets
                # its own (empty) LAB pair
                out.append(f"{sol_indent}/* END LAB {lab} */\n")
                out.append(line)
                out.append(f"{sol_indent}/* BEGIN LAB {lab} */\n")
            elif lab:
                close_lab()
                out.append(line)
        elif state == "solution":
            continue
        else:
            if state == "code":
                close_lab()
            out.append(line)
    close_lab()
    if state != "code":
        raise MarkerError(f"{path}:{opened}: {state} region never closed")
    return "".join(out)


def find_manifest(lab):
    for ch in sorted(os.listdir("chapters")):
        path = os.path.join("chapters", ch, "lab", "lab.json")
        if os.path.exists(path):
            with open(path) as f:
                m = json.load(f)
            if m.get("lab") == lab:
                m["_chapter"] = ch
                return m
    raise SystemExit(f"derive: no chapters/*/lab/lab.json has lab {lab}")


def readme_for(m):
    ch = m["_chapter"]
    return (f"# Lab {m['lab']}: {m['title']}\n\n"
            f"This folder is yours: edit the files here, then run\n"
            f"`make lab-{m['lab']}` from the top of the repository.\n\n"
            f"The task, the points and hints are in "
            f"[chapters/{ch}/lab/LAB.md](../../chapters/{ch}/lab/LAB.md).\n"
            f"Files you may edit: {', '.join(sorted(m['files']))}.\n")


def derived_files(m):
    files = {"README.md": readme_for(m)}
    for name, ref in m["files"].items():
        with open(ref) as f:
            files[name] = derive_text(f.read(), ref)
    return files


def main(argv):
    try:
        if len(argv) == 4 and argv[1] == "--file":
            with open(argv[2]) as f:
                text = derive_text(f.read(), argv[2])
            with open(argv[3], "w") as f:
                f.write(text)
            return 0
        if len(argv) == 3 and argv[1] in ("--write", "--check"):
            m = find_manifest(argv[2])
            labdir = f"labs/lab-{m['lab']}"
            files = derived_files(m)
            if argv[1] == "--write":
                os.makedirs(labdir, exist_ok=True)
                for name, text in files.items():
                    with open(os.path.join(labdir, name), "w") as f:
                        f.write(text)
                return 0
            return check(labdir, files)
    except MarkerError as e:
        print(f"derive: {e}", file=sys.stderr)
        return 2
    print(__doc__, file=sys.stderr)
    return 2


def check(labdir, files):
    bad = []
    for name, text in files.items():
        path = os.path.join(labdir, name)
        try:
            with open(path) as f:
                if f.read() != text:
                    bad.append(f"{path} differs from its derivation")
        except FileNotFoundError:
            bad.append(f"{path} is missing")
    for msg in bad:
        print(f"derive: {msg}; run `make derive-starters` and commit",
              file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
