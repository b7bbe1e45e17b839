#!/usr/bin/python3
"""make bench-grade: how fast the grader grades a class of every lab.

For each lab (every lab with a lab.json, or --labs), a generated class of honest submissions:
the reference, the derived starter and the lab's mutants (each a
realistic partial solution: chapters/CH/lab/mutants.txt), every one made
different by a comment, as in a class.  Graded with the grader's default
limits and jobs, reference check included (that is what an instructor
waits for):

  BENCH grade.throughput.labNN <n> submissions/min     (target: >= 60)
  BENCH grade.cpu_per_submission.labNN <seconds> s

and, with --hostile (labs 3 and 6), the sample class with its hostile
cases (lab 3: grading/samples/make_class.py; lab 6: the same hostile
code run by the server, below), default limits:

  BENCH grade.hostile_class_wall.labNN <seconds> s     (target: <= 180)

Each line is printed as soon as it is measured; the load of the machine
(its 1-minute load average, before and after) is printed beside it,
since other work on the machine slows the grader.
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tools"))
sys.path.insert(0, os.path.join(TOP, "grading", "samples"))
import derive  # noqa: E402
import mutants  # noqa: E402
import testrun  # noqa: E402

N = 40          # submissions a lab (the issue measured classes of 36-38)


def lab_texts(m):
    """(reference, starter, [mutant]) as {file name: text}."""
    ref = {}
    for name, path in m["files"].items():
        with open(os.path.join(TOP, path)) as f:
            ref[name] = f.read()
    bare = {n: derive.derive_text(t, m["files"][n]) for n, t in ref.items()}
    muts = []
    for mu in mutants.load(m["lab"], m):
        texts = dict(ref)
        for fname, find, repl in mu.changes:
            texts[fname] = texts[fname].replace(find, repl, 1)
        muts.append(texts)
    return ref, bare, muts


def honest_class(folder, m, n=N):
    """n submissions: 3 in 8 the reference, 1 in 8 the starter, the
    other half the lab's mutants in turn."""
    ref, bare, muts = lab_texts(m)
    k = 0
    for i in range(n):
        kind = i % 8
        if kind < 3 or not muts:
            files = ref
        elif kind == 3:
            files = bare
        else:
            files = muts[k % len(muts)]
            k += 1
        d = os.path.join(folder, f"student{i:03d}")
        os.makedirs(d)
        for name, text in files.items():
            with open(os.path.join(d, name), "w") as f:
                f.write(f"/* student {i} */\n" + text)


# Lab 6's hostile class: the sample class's hostile code (samples/
# hostile.c) run by the server, once before it listens and once as it
# serves its first client, beside honest students.
# (Not REACHES_OUT: the server runs in a host of the test's own network,
# which routes 192.0.2.1 inside the sandbox, so hostile.c's check that no
# route exists would abort the server without anything having leaked.)
HOSTILE_06 = ["FORK_BOMB", "MEMORY_HOG", "INFINITE_LOOP", "PRINTS_FOREVER",
              "SLEEPS", "BINDS_PORTS", "READS_SECRETS",
              "LEAVES_PROCESSES", "CALLS_EXIT", "FORGES_RESULTS"]


def hostile_class_06(folder, m):
    ref, bare, muts = lab_texts(m)
    name = "mux_echo.c"
    with open(os.path.join(TOP, "grading", "samples", "hostile.c")) as f:
        code = f.read()
    tests = [t["name"] for s in ("public", "hidden")
             for t in m["tests"].get(s, [])]
    text = ref[name]
    head = '#include "lnp.h"\n'
    main = text.index("\n\n", text.index("int main(")) + 1
    assert head in text, "mux_echo.c changed shape"

    def write(who, t):
        os.makedirs(os.path.join(folder, who))
        with open(os.path.join(folder, who, name), "w") as f:
            f.write(t)

    for i, files in enumerate([ref, ref, bare] + muts[:4]):
        write(f"honest-{i}", files[name])
    for case in HOSTILE_06:
        c = code.replace("HOSTILE_CASE", case).replace(
            "SECRET_PATHS", '"/etc/shadow", "' +
            os.path.join(TOP, m["files"][name]) + '"').replace(
            "TEST_NAMES", ", ".join(json.dumps(t) for t in tests))
        t = text[:main] + "\thostile_once();\n" + text[main:]
        t = t.replace(head, head + c, 1)
        write("in-main-" + case.lower().replace("_", "-"), t)


def sample_class_03(folder):
    subprocess.run([sys.executable, os.path.join(TOP, "grading", "samples",
                                                  "make_class.py"), folder],
                   check=True)
    return os.path.join(folder, "class")


def load1():
    return os.getloadavg()[0]


def grade(lab, cls, out, args, extra=()):
    cmd = [sys.executable, "grading/grade.py", "--lab", lab,
           "--submissions", cls, "--out", out, "--build", args.build,
           "--quiet"] + (["--san"] if args.san else []) + list(extra)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime -
           before.ru_utime - before.ru_stime)
    if p.returncode != 0:
        print(f"bench-grade: the grader failed on lab {lab}:\n" +
              p.stderr.decode(errors="replace")[-2000:], file=sys.stderr)
    return p.returncode == 0, wall, cpu


def statuses(out, name=True):
    """Counts of the students' statuses; names any flaky test (on
    stderr), since running more sandboxes at once must not make any."""
    import csv
    import glob
    got = {}
    for path in sorted(glob.glob(os.path.join(out, "students", "*",
                                              "grade.json"))):
        with open(path) as f:
            rec = json.load(f)
        for t in rec["tests"]:
            if name and t["status"] in ("flaky", "timeout", "not-run"):
                print(f"bench-grade: {rec['student']}: {t['name']}: "
                      f"{t['status']}: {t['message'][:300]}",
                      file=sys.stderr)
    try:
        with open(os.path.join(out, "grades.csv")) as f:
            for row in csv.DictReader(f):
                got[row["status"]] = got.get(row["status"], 0) + 1
    except OSError:
        pass
    return ", ".join(f"{k} {v}" for k, v in sorted(got.items()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--san", action="store_true")
    ap.add_argument("--labs", default="",
                    help="comma-separated lab numbers (default: all)")
    ap.add_argument("-n", type=int, default=N)
    ap.add_argument("--hostile", default="03,06",
                    help="labs whose hostile class is timed ('' for none)")
    args = ap.parse_args()
    os.chdir(TOP)
    ms = testrun.manifests()
    ok = True
    labs = [x.zfill(2) for x in args.labs.split(",") if x] or sorted(ms)
    for lab in labs:
        tmp = tempfile.mkdtemp(prefix="lnp-bench-")
        try:
            cls = os.path.join(tmp, "class")
            honest_class(cls, ms[lab], args.n)
            load = load1()
            good, wall, cpu = grade(lab, cls, os.path.join(tmp, "out"), args)
            ok &= good
            print(f"BENCH grade.throughput.lab{lab} "
                  f"{args.n / wall * 60:.1f} submissions/min "
                  f"({args.n} in {wall:.1f} s; load {load:.1f}-{load1():.1f};"
                  f" {statuses(os.path.join(tmp, 'out'))})", flush=True)
            print(f"BENCH grade.cpu_per_submission.lab{lab} "
                  f"{cpu / args.n:.3f} s", flush=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    for lab in [x.zfill(2) for x in args.hostile.split(",") if x]:
        tmp = tempfile.mkdtemp(prefix="lnp-bench-")
        try:
            if lab == "03":
                cls = sample_class_03(os.path.join(tmp, "samples"))
            else:
                cls = os.path.join(tmp, "class")
                hostile_class_06(cls, ms[lab])
            n = len(os.listdir(cls))
            load = load1()
            good, wall, cpu = grade(lab, cls, os.path.join(tmp, "out"), args)
            ok &= good
            print(f"BENCH grade.hostile_class_wall.lab{lab} {wall:.1f} s "
                  f"({n} submissions; load {load:.1f}-{load1():.1f}; "
                  f"{statuses(os.path.join(tmp, 'out'), False)})",
                  flush=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
