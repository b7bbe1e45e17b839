#!/usr/bin/python3
"""A lab's mutants: realistic wrong versions of its reference solution.

Each lab keeps chapters/CH/lab/mutants.txt (the format is below and in
CONTRIBUTING.md).  A mutant is a small change a student would plausibly
make; it names the mistake in words and the section that explains it.
The check proves, for every mutant, that a public test fails and that
the first failing test names the mutant's section (in the manifest's
section for that test, or in its message: "see 5.10 first").  A mutant
the public tests cannot see may be caught by a hidden test only if its
entry says why (`hidden:`).

  mutants.py --build B [-j N] --check NN...   Results for testrun.py
  mutants.py --build B [-j N] --table NN      what `make mutants` prints
  mutants.py --build B [-j N] --bench NN...   BENCH lines

The file format, one block a mutant:

    mutant one-wait-per-signal
    file: echosrv.c
    section: 5.10 wait and waitpid
    mistake: the SIGCHLD handler calls wait() once, so when five
      children end together four stay zombies
    hidden: (optional) why no public test can see it
    @@ find
    	while ((pid = waitpid(-1, &stat, WNOHANG)) > 0)
    @@ replace
    	if ((pid = wait(&stat)) > 0)
    @@ end

`file:` names one of the lab's files (a key of lab.json's "files");
`@@ find FILE` may name another for one change.  Each find text must
occur exactly once in that file, so a mutant never lands in the wrong
place after the reference changes.  Lines starting with # outside a
change are comments.
"""
import argparse
import concurrent.futures as cf
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testrun  # noqa: E402
from testrun import Result  # noqa: E402

MUTANT_TIMEOUT = float(os.environ.get("TK_MUTANT_TIMEOUT", "60"))
NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SECTION = re.compile(r"^(\d+\.\d+)\b")


class Mutant:
    def __init__(self, lab, name, where):
        self.lab, self.name, self.where = lab, name, where
        self.file = self.section = self.mistake = self.hidden = ""
        self.changes = []           # (file, find, replace)

    @property
    def number(self):
        """The section's number, "5.10", as tests and messages name it."""
        m = SECTION.match(self.section)
        return m.group(1) if m else self.section


class FormatError(Exception):
    pass


def parse(path, lab, files):
    """Reads a mutants.txt; returns [Mutant] or raises FormatError with
    file:line and what is wrong."""
    with open(path) as f:
        lines = f.read().splitlines()
    out, cur, i, key = [], None, 0, None
    while i < len(lines):
        line, where = lines[i], f"{path}:{i + 1}"
        i += 1
        if line.startswith("mutant "):
            name = line[7:].strip()
            if not NAME.match(name):
                raise FormatError(f"{where}: a mutant's name is lower "
                                  f"case letters, digits and -: {name!r}")
            if any(m.name == name for m in out):
                raise FormatError(f"{where}: a second mutant {name}")
            cur = Mutant(lab, name, where)
            out.append(cur)
            key = None
        elif line.startswith("@@ find"):
            if cur is None:
                raise FormatError(f"{where}: @@ find before any mutant")
            fname = line[7:].strip() or cur.file
            if fname not in files:
                raise FormatError(f"{where}: {fname!r} is not one of the "
                                  f"lab's files ({', '.join(files)})")
            find, i = block(lines, i, path, "@@ replace")
            repl, i = block(lines, i, path, "@@ end")
            cur.changes.append((fname, find, repl))
            key = None
        elif not line.strip() or line.startswith("#"):
            key = None
        elif line.startswith((" ", "\t")) and key and cur:
            setattr(cur, key, getattr(cur, key) + " " + line.strip())
        else:
            k, sep, v = line.partition(":")
            if not sep or k not in ("file", "section", "mistake",
                                    "hidden") or cur is None:
                raise FormatError(f"{where}: expected 'mutant NAME', a "
                                  "field (file, section, mistake, "
                                  f"hidden) or '@@ find'; got {line!r}")
            setattr(cur, k, v.strip())
            key = k
    for m in out:
        missing = [k for k in ("section", "mistake") if not getattr(m, k)]
        if missing or not m.changes:
            raise FormatError(f"{m.where}: mutant {m.name} has no "
                              f"{', '.join(missing) or 'change (@@ find)'}")
    return out


def block(lines, i, path, until):
    """The lines from i up to the marker `until`; returns (text, next)."""
    start = i
    while i < len(lines) and lines[i].rstrip() != until:
        if lines[i].startswith("@@ ") or lines[i].startswith("mutant "):
            break
        i += 1
    if i >= len(lines) or lines[i].rstrip() != until:
        raise FormatError(f"{path}:{start}: expected {until!r} after "
                          "this change's text")
    return "\n".join(lines[start:i]) + "\n", i + 1


def mutants_file(m):
    return os.path.join("chapters", m["_chapter"], "lab", "mutants.txt")


def load(lab, m):
    """The lab's mutants, or a FormatError."""
    path = mutants_file(m)
    if not os.path.exists(path):
        return []
    return parse(path, lab, m["files"])


def write_sources(build, mu, m):
    """Writes the mutant's copy of the lab's files; raises FormatError
    if a find text is not there exactly once."""
    d = os.path.join(build, "mutant-src", f"lab-{mu.lab}", mu.name)
    os.makedirs(d, exist_ok=True)
    texts = {}
    for name, ref in m["files"].items():
        with open(ref) as f:
            texts[name] = f.read()
    for fname, find, repl in mu.changes:
        n = texts[fname].count(find)
        if n != 1:
            raise FormatError(
                f"{mu.where}: mutant {mu.name}: the text to find occurs "
                f"{n} times in {m['files'][fname]} (it must occur once):"
                f"\n{find.rstrip()}")
        texts[fname] = texts[fname].replace(find, repl)
    for name, text in texts.items():
        path = os.path.join(d, name)
        try:
            with open(path) as f:
                if f.read() == text:
                    continue        # unchanged: make need not rebuild
        except FileNotFoundError:
            pass
        with open(path, "w") as f:
            f.write(text)


def build(build_dir, lab, mus, jobs):
    """Builds the lab's mutants (the hidden suite only for those that may
    be caught there); returns {name: build log} of the ones that did not
    build."""
    names = [mu.name for mu in mus]
    base = ["make", "--no-print-directory", "-s", f"MUTANT_LAB={lab}",
            "MUTANTS=" + " ".join(names)]
    targets = [f"build-lab-{lab}-mutant/{mu.name}" +
               ("" if mu.hidden else "-public") for mu in mus]
    p = subprocess.run(base + [f"-j{jobs}", "-k"] + targets,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode == 0:
        return {}
    failed = {}
    for n, t in zip(names, targets):    # which ones: ask each
        q = subprocess.run(base + [t], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
        if q.returncode != 0:
            failed[n] = q.stdout.decode(errors="replace")
    return failed


def first_failure(results):
    for r in results:
        if r.status == "fail":
            return r
    return None


def names_section(mu, r, m):
    """True if the failing test r sends the student to mu's section."""
    t = testrun.lab_tests(m).get(r.name, {})
    if SECTION.match(t.get("section", "")) and \
            SECTION.match(t["section"]).group(1) == mu.number:
        return True
    return re.search(r"(?<![\d.])" + re.escape(mu.number) + r"(?![\d])",
                     r.message or "") is not None


def run_mutant(build_dir, mu, m):
    """Runs the mutant's tests; returns (verdict, failing Result or None,
    suite) where verdict is caught, wrong-section, survived or hidden."""
    env = {"TK_STOP_AFTER_FAIL": "1"}
    suites = testrun.lab_suites(build_dir, mu.lab, f"mutant/{mu.name}")
    public = [s for s in suites if s[0].endswith("/public")]
    hidden = [s for s in suites if s[0].endswith("/hidden")]
    for binary, label in public + (hidden if mu.hidden else []):
        results = testrun.run_suite(binary, f"lab{mu.lab} mutant "
                                    f"{mu.name}", MUTANT_TIMEOUT, env)
        r = first_failure(results)
        if r is None:
            continue
        kind = "public" if binary.endswith("/public") else "hidden"
        if names_section(mu, r, m):
            return "caught", r, kind
        return "wrong-section", r, kind
    return "survived", None, None


def check(build_dir, labs, jobs):
    """Every mutant of the labs: [(Mutant, verdict, Result, suite)] and
    a list of Results for problems that are not a mutant's verdict."""
    ms = testrun.manifests()
    todo, problems = [], []
    for lab in labs:
        m = ms.get(lab)
        if m is None:
            continue
        try:
            mus = load(lab, m)
            for mu in mus:
                write_sources(build_dir, mu, m)
        except FormatError as e:
            problems.append(Result(f"lab{lab} mutants", "mutants.txt",
                                   "fail", str(e)))
            continue
        if len(mus) < 8:
            problems.append(Result(
                f"lab{lab} mutants", "at least 8 mutants", "fail",
                f"{mutants_file(m)} has {len(mus)} mutants; a lab keeps "
                "at least 8 (CONTRIBUTING.md, Labs)"))
        if not mus:
            continue
        broken = build(build_dir, lab, mus, jobs)
        for mu in mus:
            if mu.name in broken:
                log = broken[mu.name].strip().splitlines()[-6:]
                problems.append(Result(
                    f"lab{lab} mutants", f"mutant {mu.name} builds",
                    "fail", f"{mu.where}: mutant {mu.name} does not "
                    "compile; a mutant is a mistake that compiles",
                    notes=log))
            else:
                todo.append((mu, m))
    with cf.ThreadPoolExecutor(max(1, jobs)) as pool:
        futs = [(mu, m, pool.submit(run_mutant, build_dir, mu, m))
                for mu, m in todo]
        first = [(mu, m) + fut.result() for mu, m, fut in futs]
    out = []
    for mu, m, verdict, r, kind in first:
        if verdict != "caught" or (kind == "hidden" and not mu.hidden):
            # Once more, alone, now that the others are done: tests that
            # time things can see another first failure on a machine
            # loaded by the parallel runs.  A real miss repeats.
            again = run_mutant(build_dir, mu, m)
            if again[0] == "caught":
                print(f"note: mutant {mu.name} of lab {mu.lab} was caught "
                      "on a second run alone; the first, among others, "
                      f"ended {verdict} ({r.name if r else 'no failure'})",
                      file=sys.stderr)
                verdict, r, kind = again
        out.append((mu, verdict, r, kind))
    return out, problems


def verdict_result(mu, verdict, r, kind, m):
    """A mutant's verdict as one Result of the lab contract."""
    suite = f"lab{mu.lab} mutants"
    name = f"{mu.name} is caught ({mu.number})"
    if verdict == "caught" and (kind == "public" or mu.hidden):
        return Result(suite, name, "pass")
    if verdict == "survived":
        msg = (f"mutant {mu.name} survived: no test fails when "
               f"{mu.mistake} ({mu.where})")
        return Result(suite, name, "fail", msg)
    if r.name == "(suite)":
        return Result(suite, name, "fail", (
            f"mutant {mu.name} ({mu.where}) is not caught by a test that "
            f"says what is wrong: the {kind} test program stopped or "
            f"hung ({r.message.splitlines()[0]}); a wrong answer must "
            "fail at once, naming its section"))
    t = testrun.lab_tests(m).get(r.name, {})
    msg = (f"mutant {mu.name} ({mu.where}) is caught first by "
           f"{kind} test {r.name}, which sends the student to "
           f"{t.get('section', '?')!r}, not to {mu.section!r}; its "
           f"message: {r.message.splitlines()[0] if r.message else ''}")
    return Result(suite, name, "fail", msg)


def check_results(build_dir, labs, jobs):
    ms = testrun.manifests()
    found, problems = check(build_dir, labs, jobs)
    return problems + [verdict_result(mu, v, r, k, ms[mu.lab])
                       for mu, v, r, k in found]


def table(build_dir, lab, jobs):
    """What `make mutants LAB=NN` prints: each mistake, the test that
    catches it, and what a student would read."""
    ms = testrun.manifests()
    if lab not in ms:
        print(f"no lab {lab}; labs here: {' '.join(sorted(ms))}")
        return 2
    found, problems = check(build_dir, [lab], jobs)
    for p in problems:
        testrun.show_failure(p)
    ok = not problems
    for mu, verdict, r, kind in found:
        res = verdict_result(mu, verdict, r, kind, ms[lab])
        mark = (testrun.paint(testrun.GREEN, "caught")
                if res.status == "pass"
                else testrun.paint(testrun.RED, "MISSED"))
        ok = ok and res.status == "pass"
        print(f"{mark} {mu.name}  [{mu.section}]")
        print(f"       mistake: {mu.mistake}")
        if r is None:
            print("       no test fails")
            continue
        print(f"       caught by: {r.name} ({kind})"
              + (f"; hidden because {mu.hidden}" if kind == "hidden"
                 else ""))
        print("       the student reads:")
        for line in (r.message or "").splitlines()[:6]:
            print(f"         {line}")
        hint = testrun.section_hint(ms[lab], r.name)
        if hint:
            print(f"         -> {hint}")
    n = len(found)
    caught = sum(verdict_result(mu, v, r, k, ms[lab]).status == "pass"
                 for mu, v, r, k in found)
    print(f"Lab {lab}: {caught} of {n} mutants caught")
    return 0 if ok else 1


def bench(build_dir, labs, jobs):
    start = time.monotonic()
    results = check_results(build_dir, labs, jobs)
    wall = time.monotonic() - start
    verdicts = [r for r in results if r.name.endswith(")")]
    caught = sum(r.status == "pass" for r in verdicts)
    for r in results:
        if r.status == "fail":
            testrun.show_failure(r)
    print(f"BENCH mutants.wall {wall:.1f} s")
    print(f"BENCH mutants.caught {caught}/{len(verdicts)} mutants")
    return 0 if all(r.status == "pass" for r in results) else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("-j", type=int, default=2)
    ap.add_argument("--check", nargs="*")
    ap.add_argument("--table")
    ap.add_argument("--bench", nargs="*")
    args = ap.parse_args()
    if args.table:
        return table(args.build, args.table, args.j)
    if args.bench is not None:
        return bench(args.build, args.bench, args.j)
    results = check_results(args.build, args.check or [], args.j)
    for r in results:
        if r.status == "fail":
            testrun.show_failure(r)
    passed = sum(r.status == "pass" for r in results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
