#!/usr/bin/env python3
"""xrefs.py - every "section N.N" and "chapter N" in the book's text is a
link, and a chapter not written yet says so.

    xrefs.py [--root DIR] [--tap] [--fix] [FILE.md ...]

With no files: every chapters/NN-slug/README.md and the hand-written
front and back matter.  A mention counts when it is in the text, not in
code (fenced blocks, `code spans`) and not already inside a link's text.
For each mention it prints FILE:LINE and what to write instead:

  - "section 5.14" -> [section 5.14](#sec-5.14)   (or [](#sec-5.14))
  - "chapter 5"    -> [chapter 5](#ch05)
  - a chapter that has no README.md yet: "chapter 22 (not yet written)"
    (or "..., not yet written" inside parentheses), and once it exists
    the marker must go and the mention become a link.

--fix rewrites the mentions it can (singular and listed ones) in place;
--tap prints the result as a TAP test for `make test`.  Exit status 1
when a mention is not a link.
"""
import argparse
import glob
import json
import os
import re
import sys

NOT_YET = "not yet written"
FENCE = re.compile(r"^\s*(```|~~~)")
# what is not text: inline code, links (their text and their target)
CODE_SPAN = re.compile(r"(`+)(?:.|\n)*?\1")
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\([^)\n]*\)")
ANCHOR = re.compile(r"\{#[^}]*\}")
SECTION = re.compile(r"\b([Ss]ections?)(\s+)(\d+\.\d+)"
                     r"((?:(?:,\s*|,?\s+(?:and|or|to)\s+)\d+\.\d+)*)")
CHAPTER = re.compile(r"\b([Cc]hapters?)(\s+)(\d+)\b(?!\.\d)"
                     r"((?:(?:,\s*|,?\s+(?:and|or|to)\s+)\d+\b(?!\.\d))*)")
NOT_YET_RE = r"not\s+yet\s+written"
MARKER = re.compile(r"^(?:'s)?\s*(?:\(\s*" + NOT_YET_RE + r"\s*\)|,\s*"
                    + NOT_YET_RE + r")")


def written_chapters(root):
    """{number: key} of the chapters that have a README.md."""
    out = {}
    for path in glob.glob(os.path.join(root, "chapters", "*", "README.md")):
        m = re.match(r"(\d+)-", os.path.basename(os.path.dirname(path)))
        if m:
            out[int(m.group(1))] = "ch%02d" % int(m.group(1))
    return out


def default_files(root):
    files = sorted(glob.glob(os.path.join(root, "chapters", "*",
                                          "README.md")))
    for part in ("front", "back"):
        for f in sorted(glob.glob(os.path.join(root, "book", part,
                                               "*.md"))):
            if os.path.basename(f) != "functions.md":   # generated
                files.append(f)
    return files


def paragraphs(lines):
    """(first line number, text) of each run of text lines outside
    fenced code blocks; blank lines and fences end a run."""
    fence, start, buf = None, 0, []
    for n, line in enumerate(lines, 1):
        m = FENCE.match(line)
        if fence == "indented":
            if line.strip() == "" or line.startswith(("    ", "\t")):
                continue
            fence = None
        if fence is not None:
            if m and m.group(1) == fence and line.strip() == fence:
                fence = None
            continue
        if m:
            if buf:
                yield start, "".join(buf)
                buf = []
            # a fence closed on the same line (```{.c include=..} ```) is
            # not used; a listing's fence is closed on the next line
            fence = m.group(1)
            continue
        if line.strip() == "" or line.startswith("#"):   # headings name
            if buf:                                     # themselves
                yield start, "".join(buf)
                buf = []
            continue
        if not buf:
            start = n
            if line.startswith(("    ", "\t")) and (n == 1 or
                                                   lines[n - 2].strip() == ""):
                fence = "indented"          # an indented code block
                continue
        buf.append(line)
    if buf:
        yield start, "".join(buf)


def masked(text):
    """text with code spans, links and {#ids} blanked out, same length."""
    def blank(m):
        return re.sub(r"[^\n]", "\0", m.group(0))
    for pat in (CODE_SPAN, LINK, ANCHOR):
        text = pat.sub(blank, text)
    return text


def numbers_of(first, rest):
    return [first] + re.findall(r"\d+(?:\.\d+)?", rest)


def problems_in(path, chapters):
    with open(path, encoding="utf-8") as f:
        lines = f.readlines()
    out = []
    for start, para in paragraphs(lines):
        text = masked(para)
        for m in SECTION.finditer(text):
            line = start + text.count("\n", 0, m.start())
            nums = numbers_of(m.group(3), m.group(4))
            unwritten = [x for x in nums
                         if int(x.split(".")[0]) not in chapters]
            if unwritten and not MARKER.match(text[m.end():]):
                out.append((line, f"\"{m.group(0).split()[0]} "
                            f"{', '.join(nums)}\": chapter "
                            f"{unwritten[0].split('.')[0]} is not written "
                            f"yet: write \"{m.group(0)} ({NOT_YET})\""))
            elif not unwritten:
                want = ", ".join(f"[](#sec-{x})" for x in nums)
                out.append((line, f"\"{' '.join(m.group(0).split())}\" is "
                            f"not a link: write {want} (or "
                            f"[{m.group(1)} {nums[0]}](#sec-{nums[0]}))"))
        for m in CHAPTER.finditer(text):
            line = start + text.count("\n", 0, m.start())
            nums = [int(x) for x in numbers_of(m.group(3), m.group(4))]
            after = text[m.end():]
            unwritten = [x for x in nums if x not in chapters]
            written = [x for x in nums if x in chapters]
            said = " ".join(m.group(0).split())
            if written:
                links = ", ".join(f"[chapter {x}](#{chapters[x]})"
                                  for x in written)
                out.append((line, f"\"{said}\" is not a link: write "
                            f"{links}"))
            elif not MARKER.match(after):
                out.append((line, f"\"{said}\": not written yet, so say "
                            f"so: \"{said} ({NOT_YET})\""))
        # a link to a written chapter with its old marker after it
        for m in re.finditer(r"\]\(#ch(\d+)\)(?:'s)?\s*(?:\(\s*|,\s*)"
                             + NOT_YET_RE, para):
            if int(m.group(1)) in chapters:
                line = start + para.count("\n", 0, m.start())
                out.append((line, f"chapter {int(m.group(1))} is written "
                            f"now: drop \"{NOT_YET}\" after its link"))
        # a marker left on a chapter that has been written since
        for m in re.finditer(r"\b[Cc]hapters?\s+(\d+)(?:'s)?\s*[,(]\s*"
                             + NOT_YET_RE, text):
            if int(m.group(1)) in chapters:
                line = start + text.count("\n", 0, m.start())
                out.append((line, f"chapter {m.group(1)} is written now: "
                            f"drop \"{NOT_YET}\" and link it"))
    return out


def fix(path, chapters):
    """Rewrites the mentions it can into links or marks them."""
    with open(path, encoding="utf-8") as f:
        lines = f.readlines()
    changed = 0
    out_lines = list(lines)
    for start, para in paragraphs(lines):
        text = masked(para)
        new, pos = [], 0
        for m in sorted(list(SECTION.finditer(text)) +
                        list(CHAPTER.finditer(text)),
                        key=lambda m: m.start()):
            if m.start() < pos:
                continue
            word, first, rest = m.group(1), m.group(3), m.group(4)
            is_sec = "." in first
            nums = numbers_of(first, rest)
            ch = [int(x.split(".")[0]) for x in nums]
            if all(c in chapters for c in ch):
                def link(x, label):
                    return (f"[{label}](#sec-{x})" if is_sec else
                            f"[{label}](#{chapters[int(x)]})")
                if len(nums) == 1:
                    rep = link(first, f"{word} {first}")
                else:
                    rep = word + " " + re.sub(
                        r"\d+(?:\.\d+)?", lambda n: link(n.group(0),
                                                         n.group(0)),
                        first + rest)
                # a marker from before the chapter was written goes
                mk = MARKER.match(text[m.end():])
                if mk and not is_sec:
                    new.append(para[pos:m.start()] + rep)
                    pos = m.end() + mk.end()
                    changed += 1
                    continue
            elif not any(c in chapters for c in ch):
                if MARKER.match(text[m.end():]):
                    continue
                rep = " ".join(para[m.start():m.end()].split())
                # inside parentheses: "(chapter 22, not yet written)"
                close = text.find(")", m.end())
                opn = text.rfind("(", 0, m.start())
                inside = opn != -1 and text.rfind(")", 0, m.start()) < opn \
                    and close != -1 and "\n\n" not in text[m.end():close]
                if inside and text[m.end():close].strip() == "":
                    rep += f", {NOT_YET}"
                else:
                    rep += f" ({NOT_YET})"
            else:
                continue
            new.append(para[pos:m.start()] + rep)
            pos = m.end()
            changed += 1
        if new:
            new.append(para[pos:])
            body = "".join(new)
            n = para.count("\n")
            out_lines[start - 1:start - 1 + n] = [body] + [""] * (n - 1)
    if changed:
        with open(path, "w", encoding="utf-8") as f:
            f.write("".join(out_lines))
    return changed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=".")
    ap.add_argument("--tap", action="store_true")
    ap.add_argument("--fix", action="store_true")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    chapters = written_chapters(args.root)
    files = args.files or default_files(args.root)
    if args.fix:
        for f in files:
            n = fix(f, chapters)
            if n:
                print(f"xrefs: {f}: {n} mentions rewritten")
    problems = []
    for f in files:
        rel = os.path.relpath(f, args.root)
        problems += [f"{rel}:{line}: {msg}"
                     for line, msg in sorted(problems_in(f, chapters))]
    if args.tap:
        print("1..1")
        if problems:
            print("not ok 1 - cross_references_are_links")
            for p in problems:
                print(f"# {p}")
            report = os.environ.get("TK_REPORT")
            if report:
                with open(report, "a") as f:
                    f.write(json.dumps({
                        "test": "cross_references_are_links",
                        "kind": "fail", "where": "book/tools/xrefs.py",
                        "message": "a mention of a section or chapter is "
                        "not a link:\n" + "\n".join(problems)}) + "\n")
        else:
            print("ok 1 - cross_references_are_links")
        return 0 if not problems else 1
    for p in problems:
        print(f"xrefs: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
