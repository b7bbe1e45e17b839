#!/usr/bin/env python3
"""answers_check.py - the appendix of answers is well formed.

    answers_check.py [--root DIR] [--tap]

book/back/answers.md holds one "## Chapter N {#answers-chNN}" heading a
chapter, in chapter order, and under it "**Exercise N.M**" lines each
followed by one "::: answer" block closed by a lone ":::".  An answer
left open swallows everything after it (the next chapters' answers
become part of it, and the student edition hides them all), which is
what a merge of two chapters' answers can do without a conflict.
Exit status 1, and one line a problem, if anything is wrong.
"""
import argparse
import os
import re
import sys

HEADING = re.compile(r"^## Chapter (\d+) \{#answers-ch(\d+)\}\s*$")


def problems_in(path):
    out, chapters = [], []
    inside = None               # line where the open answer began
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for n, line in enumerate(lines, 1):
        if line.startswith("::: answer"):
            if inside:
                out.append(f"{n}: an answer starts before the one of line "
                           f"{inside} is closed with a lone \":::\"")
            inside = n
        elif line.strip() == ":::":
            if not inside:
                out.append(f"{n}: \":::\" closes no answer")
            inside = None
        elif line.startswith("## "):
            if inside:
                out.append(f"{n}: a heading inside the answer of line "
                           f"{inside}: close it with \":::\" first")
                inside = None
            m = HEADING.match(line)
            if m and int(m.group(1)) != int(m.group(2)):
                out.append(f"{n}: heading and anchor name different "
                           f"chapters: {line}")
            if m:
                chapters.append((int(m.group(1)), n))
    if inside:
        out.append(f"{inside}: this answer is never closed")
    for (a, _), (b, n) in zip(chapters, chapters[1:]):
        if b <= a:
            out.append(f"{n}: chapter {b}'s answers come after chapter "
                       f"{a}'s: keep chapter order")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=".")
    ap.add_argument("--tap", action="store_true")
    args = ap.parse_args()
    path = os.path.join(args.root, "book", "back", "answers.md")
    problems = [f"book/back/answers.md:{p}" for p in problems_in(path)]
    if args.tap:
        print("1..1")
        print(("not ok" if problems else "ok") +
              " 1 - answers_are_well_formed")
        for p in problems:
            print(f"# {p}")
    else:
        for p in problems:
            print(f"answers: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
