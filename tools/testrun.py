#!/usr/bin/python3
"""Run the workbook's cmocka suites and lab contract checks; summarise.

  testrun.py --build B [-j N] --suites BIN... --labs NN... [--no-mutants]
      run suites and check the lab contract (with each lab's mutants,
      tools/mutants.py); last line "N passed, N failed"
  testrun.py --build B --lab-run NN --variant student|ref [--hidden]
      a student's run of one lab: each test in words, with sections to reread
      (--bench: only its wall time, as BENCH labNN.VARIANT_wall)
Options: --junit FILE (JUnit XML of every result), --json FILE.
"""
import argparse
import concurrent.futures as cf
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from xml.sax.saxutils import escape, quoteattr

SKIP_STATUS = 77        # automake's convention: "this cannot run here"
SUITE_TIMEOUT = float(os.environ.get("TK_SUITE_TIMEOUT", "180"))
TTY = sys.stdout.isatty() and os.environ.get("NO_COLOR") is None


def paint(code, text):
    return f"\033[{code}m{text}\033[0m" if TTY else text


GREEN, RED, YELLOW, DIM = "32", "31", "33", "2"


class Result:
    """One test's outcome: status is pass, fail or skip."""

    def __init__(self, suite, name, status, message="", where="", notes=()):
        self.suite, self.name, self.status = suite, name, status
        self.message, self.where, self.notes = message, where, list(notes)
        self.seconds = 0.0
        self.comments = []      # TAP diagnostics of a failed test


TAP = re.compile(r"^(ok|not ok) (\d+)(?: - | # SKIP )?(.*)$")


def run_suite(binary, label=None, timeout=SUITE_TIMEOUT, extra_env=None):
    """Runs one cmocka binary with TAP output; returns its Results."""
    label = label or os.path.relpath(binary)
    if not os.path.exists(binary):
        return [Result(label, "(build)", "fail", f"{binary} was not built")]
    with tempfile.TemporaryDirectory(prefix="tk-") as tmp:
        report = os.path.join(tmp, "report.jsonl")
        env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT="TAP", TK_REPORT=report,
                   **(extra_env or {}))
        start = time.monotonic()
        proc = subprocess.Popen([binary], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env,
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            timed_out = True
        elapsed = time.monotonic() - start
        reports = read_reports(report)
    results = parse_tap(label, out.decode(errors="replace"), reports)
    tail = err.decode(errors="replace").strip().splitlines()[-15:]
    if timed_out:
        results.append(Result(label, "(suite)", "fail",
                              f"the suite took longer than {timeout:.0f} s "
                              "and was stopped", notes=tail))
    elif proc.returncode == SKIP_STATUS:
        # the suite cannot run here (e.g. user namespaces are blocked); it
        # said why on stderr: show that as a skip, not as a failure
        reason = tail[-1] if tail else "the suite cannot run here"
        results = [r for r in results if r.status != "fail"]
        results.append(Result(label, "(suite)", "skip", reason, notes=tail))
    elif proc.returncode < 0 or not results or (
            proc.returncode != 0 and
            all(r.status != "fail" for r in results)):
        how = (f"killed by signal {-proc.returncode}"
               if proc.returncode < 0 else f"exit status {proc.returncode}")
        results.append(Result(label, "(suite)", "fail",
                              f"the test program stopped early ({how})",
                              notes=tail))
    for r in results:
        if r.name == "(suite)" and r.message.startswith("only ") and \
                not timed_out:
            # say how it stopped, and what it said last (a test's own
            # watchdog names the test that hung)
            how = (f"killed by signal {-proc.returncode}"
                   if proc.returncode < 0
                   else f"exit status {proc.returncode}")
            r.message += f" ({how})"
            r.notes = tail[-5:]
        r.seconds = elapsed / max(1, len(results))
    return results


def read_reports(path):
    reports = {}
    try:
        with open(path, errors="replace") as f:
            for line in f:
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                reports.setdefault(rec.get("test", "?"), []).append(rec)
    except FileNotFoundError:
        pass
    return reports


def parse_tap(label, text, reports):
    results, planned = [], None
    for line in text.splitlines():
        if line.startswith("1.."):
            planned = int(line[3:] or 0)
            continue
        m = TAP.match(line)
        if m:
            status = "pass" if m.group(1) == "ok" else "fail"
            if "# SKIP" in line:
                status = "skip"
            results.append(Result(label, m.group(3).strip(), status))
        elif line.startswith("# ") and results and \
                results[-1].status == "fail":
            body, last = line[2:], results[-1]
            if ": error" in body and not last.where:
                last.where = body.split(": error")[0]
            else:
                last.comments.append(body)
    for r in results:
        for rec in reports.get(r.name, []):
            if rec.get("kind") == "fail" and not r.message:
                r.message, r.where = rec["message"], rec["where"]
            elif rec.get("kind") == "note":
                r.notes.append(rec["message"])
        if r.status == "fail" and not r.message:
            r.message = "\n".join(r.comments) or "an assertion failed"
    if planned is not None and len(results) < planned:
        results.append(Result(label, "(suite)", "fail",
                              f"only {len(results)} of {planned} tests ran: "
                              "the program stopped during the next one"))
    return results


# ---- labs --------------------------------------------------------------

def manifests():
    found = {}
    for ch in sorted(os.listdir("chapters")):
        path = os.path.join("chapters", ch, "lab", "lab.json")
        if os.path.exists(path):
            with open(path) as f:
                m = json.load(f)
            m["_chapter"] = ch
            found[m["lab"]] = m
    return found


def lab_tests(m):
    """{test name: manifest entry} over both suites."""
    out = {}
    for suite in ("public", "hidden"):
        for t in m.get("tests", {}).get(suite, []):
            out[t["name"]] = dict(t, suite=suite)
    return out


def make(targets, jobs=2):
    """Runs make quietly; returns (ok, output)."""
    p = subprocess.run(["make", "--no-print-directory", "-s",
                        f"-j{jobs}"] + targets,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return p.returncode == 0, p.stdout.decode(errors="replace")


def lab_suites(build, lab, variant, hidden=True):
    d = os.path.join(build, f"lab-{lab}", variant)
    names = ["public"] + (["hidden"] if hidden and
                          os.path.exists(os.path.join(d, "hidden")) else [])
    return [(os.path.join(d, n), f"lab{lab} {variant} {n}") for n in names]


def contract(build, lab, m):
    """The lab contract; returns Results (ref tests + 4 contract checks)."""
    out, suite = [], f"lab{lab} contract"
    ref = [r for b, lbl in lab_suites(build, lab, "ref")
           for r in run_suite(b, lbl)]
    out += ref
    listed = set(lab_tests(m))
    ran = {r.name for r in ref if not r.name.startswith("(")}
    missing, extra = listed - ran, ran - listed
    out.append(Result(suite, "manifest lists exactly the tests that run",
                      "fail" if (missing or extra) else "pass",
                      f"in lab.json but not run: {sorted(missing)}; "
                      f"run but not in lab.json: {sorted(extra)}"))
    bad_ref = [r for r in ref if r.status == "fail"]
    out.append(Result(suite, "reference passes every test",
                      "fail" if bad_ref or not ref else "pass",
                      f"{len(bad_ref)} tests fail on the reference"))
    d = subprocess.run([sys.executable, "tools/derive.py", "--check", lab],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out.append(Result(suite, "labs/ holds the derived starter",
                      "pass" if d.returncode == 0 else "fail",
                      d.stdout.decode().strip()))
    starter = [r for b, lbl in lab_suites(build, lab, "starter")
               for r in run_suite(b, lbl)]
    fails = [r for r in starter if r.status == "fail"]
    out.append(Result(suite, "starter compiles and fails",
                      "pass" if fails else "fail",
                      "every test passes on the starter: a test cannot fail"
                      " or the starter is already a solution"))
    return out


# ---- output ------------------------------------------------------------

def section_hint(m, name):
    t = lab_tests(m).get(name) if m else None
    if not t or not t.get("section"):
        return ""
    return f"reread chapter {int(m['_chapter'][:2])}, section {t['section']}"


def show_failure(r, m=None):
    print(f"{paint(RED, 'FAIL')} {r.suite}: {r.name}")
    for line in r.message.splitlines() or [""]:
        print(f"     {line}")
    hint = section_hint(m, r.name)
    if hint:
        print(f"     {paint(YELLOW, '-> ' + hint)}")
    for n in r.notes:
        print(f"     {paint(DIM, n)}")


def write_junit(path, results):
    suites = {}
    for r in results:
        suites.setdefault(r.suite, []).append(r)
    with open(path, "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n')
        for name, rs in suites.items():
            fails = sum(r.status == "fail" for r in rs)
            f.write(f'  <testsuite name={quoteattr(name)} tests="{len(rs)}"'
                    f' failures="{fails}">\n')
            for r in rs:
                f.write(f'    <testcase name={quoteattr(r.name)} '
                        f'time="{r.seconds:.3f}">')
                if r.status == "fail":
                    f.write(f'<failure message={quoteattr(r.message[:200])}>'
                            f'{escape(r.message)}</failure>')
                elif r.status == "skip":
                    f.write("<skipped/>")
                f.write("</testcase>\n")
            f.write("  </testsuite>\n")
        f.write("</testsuites>\n")


CALLED_LIBS = ("libc.so", "libcmocka.so", "libpcap.so")
REPLACES = ("the C library, cmocka or the tests already have that name, "
            "and yours would replace theirs for the tests too.  Rename it, "
            "or make it static.")


def replacing(objects, taken):
    """'LABEL defines NAME()' for each global NAME that an object file of
    a lab (LABEL, path) defines and `taken` already has, or that would
    subvert the grader's --wrap of cmocka.  Used by make lab-NN and by
    the grader, which refuses such a submission."""
    found = []
    for label, obj in objects:
        found += [f"{label} defines {s}()"
                  for s in sorted(defined_symbols(obj))
                  if s in taken or s.startswith(("__wrap_", "__real_"))]
    return found


def replaced_names(build, lab, variant, m):
    """Functions of the lab's files, linked into its test program, that the
    program's shared libraries (cmocka, the C library) also define: the
    lab's would replace theirs for the tests too, so the grader refuses
    such a submission, and make lab-NN says so first."""
    binary = os.path.join(build, f"lab-{lab}", variant, "public")
    if not os.path.exists(binary):
        return []
    in_binary = defined_symbols(binary)
    exports = set()
    for lib in shared_libraries(binary):    # the ones tests call (quick)
        if os.path.basename(lib).startswith(CALLED_LIBS):
            exports |= defined_symbols(lib, dynamic=True)
    linked = []         # the lab's objects in the test program, not its
    for name, ref in sorted(m["files"].items()):    # own programs
        src = ref if variant == "ref" else f"labs/lab-{lab}/{name}"
        obj = os.path.join(build, "obj", src[:-2] + ".o")
        syms = defined_symbols(obj) if name.endswith(".c") else set()
        if syms and syms <= in_binary:
            linked.append((src, obj))
    return replacing(linked, exports)


def lab_run(args):
    ms = manifests()
    m = ms.get(args.lab_run)
    if m is None:
        print(f"no lab {args.lab_run}; labs here: {' '.join(sorted(ms))}")
        return 2
    clash = replaced_names(args.build, args.lab_run, args.variant, m)
    if clash:
        show_failure(Result(f"lab{args.lab_run} {args.variant}",
                            "(build)", "fail", "\n".join(clash) +
                            "\n" + REPLACES[0].upper() + REPLACES[1:] +
                            "  The grader refuses this too."))
        return 2
    results = []
    for b, lbl in lab_suites(args.build, args.lab_run, args.variant,
                             args.hidden):
        results += run_suite(b, lbl)
    tests = lab_tests(m)
    got = total = 0
    for r in results:
        pts = tests.get(r.name, {}).get("points", 0)
        total += pts
        if r.status == "pass":
            got += pts
            print(f"{paint(GREEN, 'pass')} {r.name}")
        elif r.status == "skip":
            why = f": {r.message}" if r.message else ""
            print(f"{paint(YELLOW, 'skip')} {r.name}{why}")
        else:
            show_failure(r, m)
    passed = sum(r.status == "pass" for r in results)
    print(f"Lab {args.lab_run} ({args.variant}): {passed} of {len(results)} "
          f"tests pass, {got} of {total} points")
    if args.json:
        with open(args.json, "w") as f:
            json.dump([vars(r) for r in results], f, indent=1)
    return 0 if passed == len(results) else 1


# ---- the student edition (grading/student_edition.py) -------------------
# There is no reference solution in the student edition, so the lab
# contract cannot be checked.  Instead: each lab's files (the student's)
# must compile; their public tests run and count as progress, not as
# failures; and a suite that uses the code of a lab whose public tests do
# not all pass yet is skipped, with a word saying which lab it waits for.

def defined_symbols(path, dynamic=False):
    """The global names an object, archive or shared library defines."""
    p = subprocess.run(["nm", "-D" if dynamic else "-g", "--defined-only",
                        "-P", path], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL)
    names = set()
    for line in p.stdout.decode(errors="replace").splitlines():
        parts = line.split()
        if len(parts) >= 2 and not parts[0].endswith(":"):
            names.add(parts[0].split("@")[0])     # no symbol versions
    return names


def shared_libraries(binary):
    """The shared libraries a binary loads, from ldd."""
    p = subprocess.run(["ldd", binary], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL)
    return re.findall(r"(/\S+\.so[.\d]*) \(", p.stdout.decode())


def suite_and_programs(suite):
    """A suite binary and the chapter programs it may run (the files
    next to its tests/ folder), whose code it tests too."""
    out = [suite] if os.path.exists(suite) else []
    chdir = os.path.dirname(os.path.dirname(suite))
    if os.path.basename(os.path.dirname(suite)) == "tests" and \
            os.path.isdir(chdir):
        out += [os.path.join(chdir, f) for f in sorted(os.listdir(chdir))
                if os.path.isfile(os.path.join(chdir, f)) and
                os.access(os.path.join(chdir, f), os.X_OK)]
    return out


def lab_progress(build, lab, m):
    """(results, finished): the student's public tests as progress."""
    out = []
    for b, lbl in lab_suites(build, lab, "student", hidden=False):
        for r in run_suite(b, f"lab{lab} yours"):
            if r.status == "fail":
                r.status = "skip"
                r.message = "not passing yet: " + r.message
            out.append(r)
    finished = bool(out) and all(r.status == "pass" for r in out)
    return out, finished


def edition_main(args, ms):
    results, waiting = [], {}
    ok, log = make([f"build-lab-{l}-student" for l in args.labs])
    if not ok:
        print(log)
        results.append(Result("build", "your lab files compile", "fail",
                              "building the labs failed (above)"))
    for lab in args.labs:
        rs, finished = lab_progress(args.build, lab, ms[lab])
        results += rs
        if not finished:
            for ref in ms[lab]["files"].values():
                obj = os.path.join(args.build, "obj", ref[:-2] + ".o")
                if ref.startswith("lib/") and os.path.exists(obj):
                    for sym in defined_symbols(obj):
                        waiting[sym] = lab
    for suite in args.suites:
        needs = sorted({waiting[s] for b in suite_and_programs(suite)
                        for s in defined_symbols(b) if s in waiting})
        if needs:
            results.append(Result(os.path.relpath(suite), "(suite)", "skip",
                                  "waits for your lab " + ", ".join(needs)))
        else:
            results += run_suite(suite)
    for r in results:
        if r.status == "fail":
            show_failure(r)
    skipped = sum(r.status == "skip" for r in results)
    passed = sum(r.status == "pass" for r in results)
    failed = sum(r.status == "fail" for r in results)
    for lab in args.labs:
        mine = [r for r in results if r.suite == f"lab{lab} yours"]
        done = sum(r.status == "pass" for r in mine)
        print(f"lab {lab}: {done} of {len(mine)} public tests pass")
    if skipped:
        print("(skipped: lab tests not passing yet, and suites that wait "
              "for those labs)")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("-j", type=int, default=2)
    ap.add_argument("--suites", nargs="*", default=[])
    ap.add_argument("--labs", nargs="*", default=[])
    ap.add_argument("--lab-run")
    ap.add_argument("--variant", default="student")
    ap.add_argument("--hidden", action="store_true")
    ap.add_argument("--no-mutants", action="store_true")
    ap.add_argument("--bench", action="store_true")
    ap.add_argument("--junit")
    ap.add_argument("--json")
    ap.add_argument("--edition", default="full", choices=["full",
                                                           "student"])
    args = ap.parse_args()
    if args.lab_run and args.bench:
        # BENCH labNN.ref_wall: the lab's run, timed, its report unseen
        start = time.monotonic()
        with open(os.devnull, "w") as quiet:
            real, sys.stdout = sys.stdout, quiet
            try:
                rc = lab_run(args)
            finally:
                sys.stdout = real
        print(f"BENCH lab{args.lab_run}.{args.variant}_wall "
              f"{time.monotonic() - start:.2f} s")
        return rc
    if args.lab_run:
        return lab_run(args)
    ms = manifests()
    if args.edition == "student":
        return edition_main(args, ms)
    results = []
    if args.labs:
        targets = [f"build-lab-{l}-{v}" for l in args.labs
                   for v in ("ref", "starter")]
        ok, log = make(targets, args.j)
        if not ok:
            print(log)
            results.append(Result("build", "lab builds", "fail",
                                  "building the labs failed (above)"))
    # The mutants are checked beside the suites, one at a time: most
    # tests wait on timers, not on the CPU, and the two together took
    # twice as long one after the other.  The grader's own suites, the
    # longest by far, start first.
    mutant_check = None
    if args.labs and not args.no_mutants:
        import mutants      # the lab contract's mutants (tools/mutants.py)
        mpool = cf.ThreadPoolExecutor(1)
        mutant_check = mpool.submit(mutants.check_results, args.build,
                                    args.labs, 1)
    suites = sorted(args.suites, key=lambda s: "/grading/tests/" not in s)
    with cf.ThreadPoolExecutor(max(1, args.j)) as pool:
        jobs = [pool.submit(run_suite, s) for s in suites]
        jobs += [pool.submit(contract, args.build, l, ms[l])
                 for l in args.labs if l in ms]
        for job in jobs:
            results += job.result()
    if mutant_check is not None:
        results += mutant_check.result()
        mpool.shutdown()
    for r in results:
        if r.status == "fail":
            show_failure(r, ms.get(r.suite[3:5]) if r.suite.startswith("lab")
                         else None)
        elif r.status == "skip" and r.name == "(suite)":
            print(f"{paint(YELLOW, 'SKIP')} {r.suite}: {r.message}")
    by_suite = {}
    for r in results:
        row = by_suite.setdefault(r.suite, {"pass": 0, "fail": 0,
                                            "skip": 0, "secs": 0.0})
        row[r.status] += 1
        row["secs"] += r.seconds
    for s, row in sorted(by_suite.items()):
        mark = paint(RED, "FAIL") if row["fail"] else paint(GREEN, " ok ")
        skips = f", {row['skip']} skipped" if row["skip"] else ""
        print(f"{mark} {s}: {row['pass']} passed, {row['fail']} failed"
              f"{skips} {paint(DIM, '(%.1f s)' % row['secs'])}")
    if args.junit:
        write_junit(args.junit, results)
    passed = sum(r.status == "pass" for r in results)
    failed = sum(r.status == "fail" for r in results)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
