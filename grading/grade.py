#!/usr/bin/python3
"""Grade a class's submissions of one lab.

  grade.py --lab NN --submissions DIR [--out DIR] [--jobs N] [--shard I/N]
  grade.py merge --out DIR SHARD_OUT...     one gradebook from shards

DIR holds one folder or archive (.tar.gz, .tgz, .zip) per student, named
after the student; or a Gradescope "Export Submissions" folder; or a
folder of git clones.  See grading/README.md for the reports written to
--out, the sandbox, and what each status means.
"""
import argparse
import concurrent.futures as cf
import hashlib
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import traceback

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.chdir(TOP)
sys.path.insert(0, os.path.join(TOP, "grading"))
sys.path.insert(0, os.path.join(TOP, "tools"))

from grader import box, intake, plan as planmod, reports, run  # noqa: E402
from grader.slots import Slots  # noqa: E402
from grader.progress import Progress  # noqa: E402
import testrun  # noqa: E402

VERSION = "3"       # bump when a change to the grader changes results


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lab", required=True)
    ap.add_argument("--submissions", required=True)
    ap.add_argument("--out", default=None)
    ap.add_argument("--jobs", type=int, default=0,
                    help="cores the grader may keep busy (default: all)")
    ap.add_argument("--sandboxes", type=int, default=0,
                    help="sandboxes at most at once, when their tests "
                    "mostly wait (default: 24 a core of --jobs)")
    ap.add_argument("--shard", default="1/1", help="I/N: grade every "
                    "N-th student starting with the I-th")
    ap.add_argument("--build", default=None)
    ap.add_argument("--san", action="store_true")
    ap.add_argument("--public-only", action="store_true",
                    help="leave out the hidden tests")
    ap.add_argument("--lenient", action="store_true",
                    help="compile without -Werror")
    ap.add_argument("--test-timeout", type=float, default=10,
                    help="seconds for one test run alone")
    ap.add_argument("--suite-timeout", type=float, default=None,
                    help="seconds for a whole suite run in one sandbox "
                    "(default: the test timeout)")
    ap.add_argument("--submission-timeout", type=float, default=300,
                    help="seconds for all of a submission's test runs")
    ap.add_argument("--memory", type=int, default=512, help="MiB")
    ap.add_argument("--hidden-visibility", default="after_published",
                    choices=["hidden", "after_due_date", "after_published",
                             "visible"])
    ap.add_argument("--fresh", action="store_true",
                    help="grade again even what an earlier run finished")
    ap.add_argument("--no-namespaces", action="store_true",
                    help="allow running without namespaces (inside a "
                    "container that isolates, e.g. Gradescope)")
    ap.add_argument("--skip-reference-check", action="store_true")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--verbose", action="store_true",
                    help="a line per student as each is finished")
    args = ap.parse_args(argv)
    args.lab = args.lab.zfill(2)
    args.build = args.build or ("build/san" if args.san else "build")
    args.san = args.san or os.path.basename(args.build.rstrip("/")) == "san"
    args.out = args.out or os.path.join(args.build, "grades",
                                        f"lab-{args.lab}")
    try:
        i, n = (int(x) for x in args.shard.split("/"))
        assert 1 <= i <= n
    except (ValueError, AssertionError):
        ap.error("--shard wants I/N with 1 <= I <= N, e.g. 2/4")
    args.shard_i, args.shard_n = i, n
    args.jobs = args.jobs or os.cpu_count() or 1
    args.sandboxes = args.sandboxes or 24 * args.jobs
    return args


def log(msg):
    print(f"grade: {msg}", file=sys.stderr, flush=True)


def config_key(args, plan):
    """What, besides a submission's files, decides its grade."""
    return hashlib.sha256(json.dumps(
        [VERSION, plan.digest, not args.public_only, args.lenient,
         args.test_timeout, args.suite_timeout, args.submission_timeout,
         args.memory, args.hidden_visibility]).encode()).hexdigest()[:16]


def previous(out, slug):
    """The record an earlier run wrote for this student, or None."""
    try:
        with open(os.path.join(out, "students", slug, "grade.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def why_again(old, plan, key):
    """Why a student graded before is graded again, if not because the
    submission changed: the lab (its tests, or what they build on), or
    the grader and its options."""
    if "config" not in old:
        return "an older version of the grader graded them"
    if old.get("lab_digest") != plan.digest:
        return "the lab's tests or the parts they build on changed"
    if old.get("config") != key:
        return "the grader or its options changed"
    return None


class Stop(Exception):
    pass


def stop_on_term(signum, frame):
    raise KeyboardInterrupt


def check_reference(plan, sandbox, cfg, work, built=None):
    """Grades the reference solution first: if it does not get every
    point, the tests or this machine are broken, and grading the class
    would give every student wrong marks."""
    sub = intake.Submission("(reference)", "reference")
    for name, ref in plan.refs.items():
        with open(ref, "rb") as f:
            sub.files[name] = f.read()
    rec = run.grade(sub, plan, sandbox, cfg, os.path.join(work, "ref"),
                    built)
    if rec["score"] != rec["max_score"]:
        bad = [f"{t['name']}: {t['status']} {t['message']}"
               for t in rec["tests"] if t["status"] != "pass"]
        raise planmod.PlanError(
            "the reference solution does not get full marks here "
            f"(status {rec['status']}: {rec['message']}):\n  " +
            "\n  ".join(bad or [rec["compile_log"][-2000:]]))


class ReferenceCheck:
    """check_reference, run beside the class rather than before it (it
    is one submission's worth of waiting): no student's record is
    written until it has passed, and if it fails, every sandbox is
    stopped and nothing of this run is kept."""

    def __init__(self, plan, sandbox, cfg, work, skip):
        self.error = None
        self.done = threading.Event()
        self.built = threading.Event()  # students identical to it reuse
        if skip:
            self.built.set()
            self.done.set()
            return
        self.thread = threading.Thread(
            target=self.check, args=(plan, sandbox, cfg, work), daemon=True)
        self.thread.start()

    def check(self, plan, sandbox, cfg, work):
        try:
            check_reference(plan, sandbox, cfg, work, self.built.set)
        except planmod.PlanError as e:
            self.error = str(e)
        except box.Stopped:
            self.error = "interrupted while grading the reference solution"
        except Exception:
            self.error = ("the grader failed on the reference solution: " +
                          traceback.format_exc(limit=3)[-800:])
        finally:
            if self.error:
                box.stop_all()
            self.built.set()
            self.done.set()

    def passed(self):
        """Waits for the check; True if the reference got every point."""
        while not self.done.wait(0.5):
            pass        # (a timed wait: Ctrl-C still reaches us)
        return self.error is None


def grade_class(args):
    ms = testrun.manifests()
    if args.lab not in ms:
        log(f"no lab {args.lab}; labs here: {' '.join(sorted(ms))}")
        return 2
    m = ms[args.lab]
    if not os.path.exists(args.submissions):
        log(f"{args.submissions}: no such folder")
        return 2
    sandbox_bin = os.path.join(args.build, "grading", "sandbox")
    work = tempfile.mkdtemp(prefix="lnp-grade-")
    os.chmod(work, 0o755)
    os.makedirs(os.path.join(args.out, "students"), exist_ok=True)
    signal.signal(signal.SIGTERM, stop_on_term)
    done = []
    ref = None
    try:
        try:
            sandbox = box.probe(sandbox_bin, args.no_namespaces, args.san)
            plan = planmod.prepare(args.lab, m, args.build, args.san, work,
                                   log)
        except (RuntimeError, planmod.PlanError) as e:
            log(str(e))
            return 2
        plan.build_script = planmod.build_script(plan, args.lenient)
        cfg = run.Config(args)
        if plan.uses_vm:
            # qemu's address space (512 MiB of guest memory and 1 GiB
            # for TCG's code buffer), and the initramfs the harness
            # writes into a memfd (the test, its programs and their
            # libraries), which counts against the file size limit
            lim = cfg.test_limits
            lim.mem_mib = max(lim.mem_mib, planmod.VM_MEMORY_MIB)
            lim.fsize_mib = max(lim.fsize_mib, planmod.VM_FSIZE_MIB)
            # and the boot, paid by the first test of each run
            if lim.wall < planmod.VM_TEST_TIMEOUT:
                lim.wall = planmod.VM_TEST_TIMEOUT
                lim.cpu = int(lim.wall) + 2
        # what a lab's own tests need beyond the defaults (lab.json
        # "limits": lab 30's thread-per-client design serves 200 clients
        # at once: 200 threads where the default allows 64 processes,
        # each with 8 MiB of stack in an address space of 512 MiB)
        lab_limits = m.get("limits", {})
        for key, top in (("nproc", 4096), ("mem_mib", 8192)):
            want = lab_limits.get(key, 0)
            if isinstance(want, int) and 0 < want <= top:
                setattr(cfg.test_limits, key,
                        max(getattr(cfg.test_limits, key), want))
        sandbox.slots = Slots(args.jobs, args.sandboxes)
        ref = ReferenceCheck(plan, sandbox, cfg, work,
                             args.skip_reference_check)
        subs_root = unpack_export(args.submissions, work)
        found = intake.discover(subs_root)
        mine = [s for i, s in enumerate(found)
                if i % args.shard_n == args.shard_i - 1]
        key = config_key(args, plan)
        log(f"lab {args.lab}: {len(mine)} submission(s)"
            f"{' in shard ' + args.shard if args.shard_n > 1 else ''}, "
            f"up to {args.sandboxes} sandboxes at a time on {args.jobs} "
            "core(s); sandbox: "
            f"{'namespaces' if sandbox.namespaces else 'NO namespaces'}, "
            f"limits by {'cgroup v2' if sandbox.cgroup else 'rlimits'}")
        grade_all(args, plan, m, sandbox, cfg, mine, key, work, done, ref)
        if args.verbose:
            sl = sandbox.slots
            log(f"sandboxes: at most {sl.peak} at once; share of a core "
                "by kind of run: " + ", ".join(
                    f"{k} {v:.2f}" for k, v in sorted(sl.share.items())))
        if not ref.passed():
            log(ref.error)
            return 2
    except (KeyboardInterrupt, box.Stopped):
        if ref is not None and ref.error:
            log(ref.error)
            return 2
        log("interrupted: the students finished so far are saved; run the "
            "same command again to go on")
        return 130
    finally:
        box.stop_all()
        shutil.rmtree(work, ignore_errors=True)
        recs = reports.load_records(args.out)
        if recs:
            s = reports.write_class(args.out, recs)
            if not args.quiet:
                print_summary(args, s)
    return 0


def unpack_export(path, work):
    """A Gradescope export handed over as one .zip: read it (safely) into
    our scratch folder first."""
    if os.path.isdir(path):
        return path
    import zipfile
    dest = os.path.join(work, "export")
    left = intake.MAX_SCANNED       # a zip bomb stops here
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist()[:intake.MAX_MEMBERS]:
            name = info.filename
            if intake.unsafe_path(name) or info.is_dir() or \
                    (info.external_attr >> 16) & 0o170000 != 0o100000 \
                    and info.external_attr >> 16:
                continue        # only plain files, and never a link
            target = os.path.join(dest, name)
            try:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with zf.open(info) as src, open(target, "xb") as dst:
                    data = src.read(min(left, intake.MAX_FILE + 1))
                    dst.write(data)
            except (OSError, zipfile.BadZipFile, ValueError):
                continue        # a name used twice, a damaged entry
            left -= len(data)
            if left <= 0:
                break
    tops = os.listdir(dest) if os.path.isdir(dest) else []
    if len(tops) == 1 and os.path.isdir(os.path.join(dest, tops[0])):
        return os.path.join(dest, tops[0])
    return dest


def grade_all(args, plan, m, sandbox, cfg, mine, key, work, done, ref):
    counts = {}
    ids = [sid for sid, _ in mine]
    dups = {sid for sid in ids if ids.count(sid) > 1}
    progress = Progress(len(mine), quiet=args.quiet)
    lock = threading.Lock()
    again = {}      # why finished students are graded again -> how many

    def one(n, sid, path):
        sub = intake.read_submission(sid, path, set(m["files"]))
        if sid in dups:
            sub.invalid = (f"more than one submission is named {sid}; "
                           "keep one and grade again")
        fp = hashlib.sha256((key + sub.fingerprint()).encode()).hexdigest()
        rec = None if args.fresh else previous(args.out, intake.slug(sid))
        if rec is not None and rec.get("fingerprint") != fp:
            why = why_again(rec, plan, key)
            if why:
                with lock:
                    again[why] = again.get(why, 0) + 1
            rec = None
        if rec is None:
            try:
                rec = run.grade(sub, plan, sandbox, cfg,
                                os.path.join(work, f"s{n}"))
            except box.Stopped:
                raise
            except Exception:
                rec = run.new_record(sub, plan, cfg)
                run.finish(rec, "grader-error", "the grader failed: " +
                           traceback.format_exc(limit=3)[-800:])
            rec.update(fingerprint=fp, config=key, lab_digest=plan.digest)
            if not ref.passed():
                raise box.Stopped()     # no grade is kept
            reports.write_student(args.out, rec, m, args.hidden_visibility)
        with lock:
            counts[rec["status"]] = counts.get(rec["status"], 0) + 1
            done.append(rec)
            progress.update(counts)
            if args.verbose:
                log(f"graded {sid}: {rec['status']}, {rec['score']} of "
                    f"{rec['max_score']}")

    while not ref.built.wait(0.5):
        pass    # the reference's build first: copies of it take it
    try:
        # a thread a sandbox that may run: the slots decide how many do
        with cf.ThreadPoolExecutor(max(1, args.sandboxes)) as pool:
            futures = [pool.submit(one, n, sid, path)
                       for n, (sid, path) in enumerate(mine)]
            try:
                for f in cf.as_completed(futures):
                    f.result()
            except BaseException:
                box.stop_all()
                for f in futures:
                    f.cancel()
                raise
    finally:
        progress.close()
    for why, n in sorted(again.items()):
        log(f"{n} student(s) finished before were graded again: {why}")


def print_summary(args, s):
    print(f"Lab {args.lab}: {s['students']} submissions, "
          f"{s['graded']} graded; mean {s['mean']}, median {s['median']} "
          f"of {s['max_score']}; "
          + ", ".join(f"{k} {v}" for k, v in s["by_status"].items()))
    print(f"Reports in {args.out}/: grades.csv, summary.md, junit.xml, "
          "students/*/feedback.md and results.json")


def merge(argv):
    ap = argparse.ArgumentParser(prog="grade.py merge")
    ap.add_argument("--out", required=True)
    ap.add_argument("shards", nargs="+")
    args = ap.parse_args(argv)
    seen = {}
    for shard in args.shards:
        for rec in reports.load_records(shard):
            if rec["slug"] in seen and seen[rec["slug"]] != shard:
                log(f"{rec['student']} is in two shards ({seen[rec['slug']]}"
                    f" and {shard}); keeping the first")
                continue
            seen[rec["slug"]] = shard
            src = os.path.join(shard, "students", rec["slug"])
            dst = os.path.join(args.out, "students", rec["slug"])
            if os.path.abspath(src) != os.path.abspath(dst):
                shutil.rmtree(dst, ignore_errors=True)
                shutil.copytree(src, dst)
    recs = reports.load_records(args.out)
    s = reports.write_class(args.out, recs)
    print(f"merged {len(args.shards)} shard(s): {s['students']} students "
          f"into {args.out}/grades.csv")
    return 0


def main(argv):
    if argv and argv[0] == "merge":
        return merge(argv[1:])
    return grade_class(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
