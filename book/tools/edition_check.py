#!/usr/bin/python3
"""The student edition of the book holds no line of any lab's solution.

  edition_check.py --edition DIR [--full build/book] [--no-build]

Exports the student edition into DIR (`make student-edition OUT=DIR`),
builds its book there (`make book`) and reads what a reader of that
edition gets: the text of every HTML page (tags dropped) and of the PDF
(pdftotext).  It fails if either holds a solution line, or mentions
hidden tests.

A solution line is a line between /* BEGIN SOLUTION */ and
/* END SOLUTION */ in a file that a lab's lab.json lists, that has at
least MIN_CHARS characters other than spaces, and that no line of a C
source of the student edition holds (spaces aside): a line the student
edition has anyway, in a starter (`errno = ENOSYS;`) or in a chapter's
own programs (`Listen(fd, LISTENQ);`, or the tail of one:
`CMSG_SPACE(sizeof(int))];`), gives nothing away, and a short line
(`}`, `break;`) cannot be told apart from any other code.  Lines are
compared with every run of spaces made one space.  A solution line is
found where a line of the book is that line (after the line number that
a listing in the PDF puts before it) or, for a line of at least
ANYWHERE_CHARS characters, anywhere in the text (quoted in a sentence):
a short line such as `sizeof(on));` is also the end of many others.

So that a pass means something, the same search must find solution
lines in the full edition (build/book), which shows them: in its HTML
and in its PDF.
"""
import argparse
import glob
import html
import json
import os
import re
import shutil
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tools"))
import derive  # noqa: E402

MIN_CHARS = 8
ANYWHERE_CHARS = 20
HIDDEN = re.compile(r"hidden\s+tests?", re.I)


def squash(s):
    return re.sub(r"\s+", " ", s).strip()


def edition_lines(edition):
    """Every line of the student edition's C sources, squashed."""
    seen = set()
    for d, dirs, files in os.walk(edition):
        dirs[:] = [x for x in dirs if x not in ("build", ".git")]
        for f in files:
            if f.endswith((".c", ".h")):
                with open(os.path.join(d, f), errors="replace") as fh:
                    seen.update(squash(x) for x in fh.read().splitlines())
    return seen


def solution_lines(edition):
    """{squashed line: "path:N"} over every lab file's solutions."""
    found = {}
    known = edition_lines(edition)
    for man in sorted(glob.glob(os.path.join(TOP, "chapters", "*", "lab",
                                             "lab.json"))):
        with open(man) as f:
            refs = json.load(f)["files"].values()
        for ref in refs:
            with open(os.path.join(TOP, ref)) as f:
                text = f.read()
            starter = "\n".join(known | {
                squash(x) for x in derive.derive_text(text, ref)
                .splitlines()})
            inside = False
            for no, line in enumerate(text.splitlines(), 1):
                if derive.BEGIN.match(line):
                    inside = True
                elif derive.END.match(line):
                    inside = False
                elif inside:
                    s = squash(line)
                    if (len(s.replace(" ", "")) >= MIN_CHARS
                            and s not in starter):
                        found.setdefault(s, f"{ref}:{no}")
    return found


def html_text(path):
    with open(path, encoding="utf-8") as f:
        page = f.read()
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    # one line of a listing is one line of text
    lines = re.sub(r"<[^>]+>", "", page).split("\n")
    return [squash(html.unescape(x)) for x in lines]


def pdf_text(path):
    p = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"],
                       stdout=subprocess.PIPE, check=True)
    return [squash(x) for x in p.stdout.decode("utf-8").split("\n")]


def found_in(lines, sols):
    """The solution lines that `lines` (one text) show."""
    whole = {re.sub(r"^\d+ ", "", x) for x in lines} | set(lines)
    text = "\n".join(lines)
    return [s for s in sols if s in whole or
            (len(s) >= ANYWHERE_CHARS and s in text)]


def scan(book, sols):
    """[(where in the book, solution line, its source)]"""
    hits = []
    for page in sorted(glob.glob(os.path.join(book, "*.html"))):
        for s in found_in(html_text(page), sols):
            hits.append((os.path.basename(page), s, sols[s]))
    for s in found_in(pdf_text(os.path.join(book, "book.pdf")), sols):
        hits.append(("book.pdf", s, sols[s]))
    return hits


def hidden_mentions(book):
    out = []
    for page in sorted(glob.glob(os.path.join(book, "*.html"))):
        for line in html_text(page):
            if HIDDEN.search(line):
                out.append((os.path.basename(page), line))
    for line in pdf_text(os.path.join(book, "book.pdf")):
        if HIDDEN.search(line):
            out.append(("book.pdf", line))
    return out


def build(edition):
    shutil.rmtree(edition, ignore_errors=True)
    subprocess.run(["make", "-s", "--no-print-directory", "student-edition",
                    f"OUT={edition}"], cwd=TOP, check=True)
    # pagefind, installed once in this tree: not again from the network
    npm = os.path.join(TOP, "build", "npm")
    if os.path.isdir(npm):
        shutil.copytree(npm, os.path.join(edition, "build", "npm"),
                        symlinks=True)
    subprocess.run(["make", "-s", "--no-print-directory", "book"],
                   cwd=edition, check=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--edition", required=True)
    ap.add_argument("--full", default=os.path.join(TOP, "build", "book"))
    ap.add_argument("--no-build", action="store_true",
                    help="check an edition already built in DIR")
    args = ap.parse_args()
    edition = os.path.abspath(args.edition)
    if not args.no_build:
        build(edition)
    sols = solution_lines(edition)
    problems = []
    full = scan(args.full, sols)
    for where in ("html", "pdf"):
        n = sum(1 for h in full if h[0].endswith(where))
        if n == 0:
            problems.append(f"the full edition's {where.upper()} shows no "
                            "solution line: the search sees nothing")
    student = os.path.join(edition, "build", "book")
    for page, s, src in scan(student, sols):
        problems.append(f"{page}: a solution line ({src}): {s}")
    for page, line in hidden_mentions(student):
        problems.append(f"{page}: mentions hidden tests: {line[:100]}")
    in_html = len({h[1] for h in full if h[0].endswith(".html")})
    in_pdf = len({h[1] for h in full if h[0] == "book.pdf"})
    print(f"edition-check: {len(sols)} solution lines; the full edition "
          f"shows {in_html} (HTML), {in_pdf} (PDF); the student edition "
          f"{'none' if not problems else 'some'} ({student})")
    for p in problems:
        print(f"edition-check: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
