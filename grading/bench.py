#!/usr/bin/python3
"""make bench-grade: grade 100 generated submissions of lab 3 (a mix of
correct, unfinished, partly done and not compiling) with one job per core
and print the throughput and the CPU time per submission.

  BENCH grade.throughput <n> submissions/min
  BENCH grade.cpu_per_submission <seconds> s
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tools"))
import derive  # noqa: E402

N = 100
FILES = {"readio.c": "lib/readio.c", "sock_ntop.c": "lib/sock_ntop.c"}


def make_class(folder):
    ref = {n: open(os.path.join(TOP, p)).read() for n, p in FILES.items()}
    bare = {n: derive.derive_text(t, p) for (n, t), p in
            zip(ref.items(), FILES.values())}
    broken = dict(ref, **{"readio.c": ref["readio.c"] + "\nint oops = ;\n"})
    for i in range(N):
        kind = i % 10
        files = (ref if kind < 6 else bare if kind < 8 else
                 dict(ref, **{"sock_ntop.c": bare["sock_ntop.c"]})
                 if kind == 8 else broken)
        d = os.path.join(folder, f"student{i:03d}")
        os.makedirs(d)
        for name, text in files.items():
            # a comment makes every submission different, as in a class
            with open(os.path.join(d, name), "w") as f:
                f.write(f"/* student {i} */\n" + text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--san", action="store_true")
    args = ap.parse_args()
    os.chdir(TOP)
    tmp = tempfile.mkdtemp(prefix="lnp-bench-")
    try:
        make_class(os.path.join(tmp, "class"))
        cmd = [sys.executable, "grading/grade.py", "--lab", "03",
               "--submissions", os.path.join(tmp, "class"), "--out",
               os.path.join(tmp, "out"), "--build", args.build, "--quiet",
               "--jobs", str(os.cpu_count() or 1)] + \
            (["--san"] if args.san else [])
        start = time.monotonic()
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL)
        wall = time.monotonic() - start
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        if p.returncode != 0:
            print("bench-grade: the grader failed", file=sys.stderr)
            return 1
        cpu = ru.ru_utime + ru.ru_stime
        print(f"BENCH grade.throughput {N / wall * 60:.1f} submissions/min")
        print(f"BENCH grade.cpu_per_submission {cpu / N:.3f} s")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
