"""Writing what the grader found: per student (grade.json, feedback.md,
results.json for Gradescope) and for the class (grades.csv, junit.xml,
summary.md and summary.json).

Every per-student file is written whole to a temporary name and renamed,
so a run that is killed leaves each student either finished or absent,
never half-written; the class files are rebuilt from the students' at the
end of a run, after a crash, and by `grade.py merge`.
"""
import csv
import io
import json
import os
import statistics
import sys

sys.path.insert(0, "tools")
import testrun  # noqa: E402

NOT_GRADABLE = {"invalid-submission", "refused", "compile-error",
                "grader-error"}
WORDS = {"pass": "passed", "fail": "failed", "timeout": "timed out",
         "crashed": "crashed", "output-limit": "printed too much",
         "flaky": "flaky (failed, then passed)", "not-run": "not run",
         "skipped": "skipped", "grader-error": "could not be run"}


def atomic_write(path, text):
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def student_dir(out, rec):
    return os.path.join(out, "students", rec["slug"])


def write_student(out, rec, manifest, visibility):
    """The three files of one student; grade.json last, as it marks the
    student as done for a resumed run."""
    d = student_dir(out, rec)
    os.makedirs(d, exist_ok=True)
    atomic_write(os.path.join(d, "feedback.md"), feedback(rec, manifest))
    atomic_write(os.path.join(d, "results.json"),
                 json.dumps(gradescope(rec, visibility), indent=1) + "\n")
    atomic_write(os.path.join(d, "grade.json"),
                 json.dumps(rec, indent=1, sort_keys=True) + "\n")


def load_records(out):
    recs = []
    root = os.path.join(out, "students")
    if not os.path.isdir(root):
        return recs
    for name in sorted(os.listdir(root)):
        try:
            with open(os.path.join(root, name, "grade.json")) as f:
                recs.append(json.load(f))
        except (OSError, ValueError):
            continue
    return sorted(recs, key=lambda r: r["student"])


# ---- per student ----------------------------------------------------------

def section_hint(rec, t):
    if not t.get("section"):
        return ""
    return (f"Reread chapter {int(rec['chapter'][:2])}, section "
            f"{t['section']}.")


def feedback(rec, manifest):
    """The student's feedback in words (Markdown)."""
    w = io.StringIO()
    w.write(f"# Lab {rec['lab']}: {manifest.get('title', '')}\n\n")
    commit = f" (commit {rec['commit'][:12]})" if rec["commit"] else ""
    w.write(f"Feedback for **{rec['student']}**{commit}.\n\n")
    if rec["status"] == "compile-error" and \
            rec["message"].startswith("defines a name"):
        w.write("**Not graded: your code defines a name that the test "
                "program already uses**, which would replace the tests' "
                "own code.  This is not a score of 0: rename what is "
                "named below, or make it `static`, and submit again.\n\n"
                "```\n" + rec["compile_log"].strip() + "\n```\n")
    elif rec["status"] == "refused":
        w.write("**Not graded: your code holds code that runs without "
                "being called**: before main() or after the tests (a "
                "constructor, a destructor, an entry put in .init_array "
                "or .fini_array, an IFUNC).  No lab needs such code, and "
                "it could write the tests' results in their place, so the "
                "grader does not run it.  Remove it and submit again; "
                "your instructor will see this note.\n\n```\n" +
                "\n".join(rec.get("refused", [])) + "\n```\n")
    elif rec["status"] == "compile-error":
        w.write("**Not graded: your code did not compile.**  This is not a "
                "score of 0: fix the errors below (`make lab-"
                f"{rec['lab']}` shows the same ones) and submit again.\n\n"
                "```\n" + rec["compile_log"].strip() + "\n```\n")
    elif rec["status"] == "invalid-submission":
        w.write(f"**Not graded: {rec['message']}.**\n\nThe lab grades "
                f"these files: {', '.join(manifest['files'])}.  Hand them "
                "in as a folder or an archive (.tar.gz, .tgz or .zip).\n")
    elif rec["status"] == "grader-error":
        w.write("**Not graded: the grader could not run your tests** "
                f"({rec['message']}).  This is not your fault; your "
                "instructor has been told.\n")
    else:
        write_results(w, rec)
    if rec.get("flags") and rec["status"] != "refused":
        w.write("\n## For your instructor to review\n\nYour grade "
                "stands, but your instructor will read your code, "
                "because it:\n\n")
        for why in rec["flags"]:
            w.write(f"- {why}\n")
    if rec["notes"] or rec["missing"]:
        w.write("\n## About your submission\n\n")
        for name in rec["missing"]:
            w.write(f"- {name} was missing: it was graded as the "
                    "unchanged starter file.\n")
        for n in rec["notes"]:
            w.write(f"- {n}\n")
    return w.getvalue()


def write_results(w, rec):
    w.write(f"**{rec['score']} of {rec['max_score']} points**"
            f" ({rec['message']}).\n\n")
    bad = [t for t in rec["tests"] if t["status"] != "pass"]
    good = [t for t in rec["tests"] if t["status"] == "pass"]
    if bad:
        w.write("## What did not pass\n\n")
    for t in bad:
        hidden = " (a hidden test)" if t["suite"] == "hidden" else ""
        w.write(f"### {t['name']}{hidden}: {WORDS.get(t['status'])}, "
                f"0 of {t['max_score']} points\n\n")
        w.write((t["message"] or "the test failed") + "\n\n")
        hint = section_hint(rec, t)
        if hint:
            w.write(f"-> {hint}\n\n")
        if t.get("output", "").strip():
            w.write("What the program printed (the end):\n\n```\n" +
                    t["output"].strip()[-1500:] + "\n```\n\n")
    if good:
        w.write("## Passed\n\n")
        for t in good:
            w.write(f"- {t['name']} ({t['max_score']} points)\n")


def gradescope(rec, visibility):
    """Gradescope's results.json: hidden tests stay hidden (visibility)
    until the instructor publishes the grades."""
    tests = []
    for t in rec["tests"]:
        out = t["message"] if t["status"] != "pass" else ""
        hint = section_hint(rec, t) if t["status"] != "pass" else ""
        tests.append({
            "name": t["name"], "score": t["score"],
            "max_score": t["max_score"],
            "status": "passed" if t["status"] == "pass" else "failed",
            "output": "\n".join(x for x in (out, hint) if x),
            "visibility": visibility if t["suite"] == "hidden"
            else "visible"})
    res = {"score": rec["score"] if rec["score"] is not None else 0,
           "output": f"Status: {rec['status']}. {rec['message']}",
           "tests": tests}
    if rec["status"] in ("compile-error", "refused"):
        res["output"] = (f"Not graded: the code {rec['message']}.\n\n" +
                         rec["compile_log"][-4000:])
        res["tests"] = []
    return res


# ---- the class ------------------------------------------------------------

def test_names(recs):
    names = []
    for r in recs:
        for t in r["tests"]:
            if t["name"] not in names:
                names.append(t["name"])
    return names


def write_class(out, recs):
    """grades.csv, junit.xml and the summary, from the students' records."""
    os.makedirs(out, exist_ok=True)
    atomic_write(os.path.join(out, "grades.csv"), gradebook(recs))
    results = []
    for r in recs:
        if r["status"] in NOT_GRADABLE:
            results.append(testrun.Result(r["student"], "(build)", "fail",
                                          f"{r['status']}: {r['message']}"))
        for t in r["tests"]:
            st = {"pass": "pass", "skipped": "skip"}.get(t["status"], "fail")
            res = testrun.Result(r["student"], t["name"], st,
                                 f"{t['status']}: {t['message']}")
            res.seconds = t.get("seconds", 0.0)
            results.append(res)
    tmp = os.path.join(out, f"junit.xml.tmp{os.getpid()}")
    testrun.write_junit(tmp, results)
    os.replace(tmp, os.path.join(out, "junit.xml"))
    summary = class_summary(recs)
    atomic_write(os.path.join(out, "summary.json"),
                 json.dumps(summary, indent=1) + "\n")
    atomic_write(os.path.join(out, "summary.md"), summary_markdown(summary))
    return summary


def gradebook(recs):
    names = test_names(recs)
    f = io.StringIO()
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["student", "folder", "status", "total", "max"] + names +
                ["message", "review"])
    for r in recs:
        scores = {t["name"]: t["score"] for t in r["tests"]}
        gradable = r["status"] not in NOT_GRADABLE
        w.writerow([r["student"], r["slug"], r["status"],
                    r["score"] if gradable else "", r["max_score"]] +
                   [scores.get(n, "") if gradable else "" for n in names] +
                   [r["message"].replace("\n", " ")[:300],
                    "; ".join(r.get("flags", []))[:300]])
    return f.getvalue()


# what a test's message says -> the limit, in the summary's words
LIMITS = {"the time limit": "the time limit",
          "time limit of": "the submission's time budget",
          "MiB of memory": "the memory limit",
          "memory limit": "the memory limit",
          "memory ran out": "the memory limit (probably)",
          "printed more than": "the output limit",
          "process limit": "the process limit",
          "CPU-time limit": "the CPU-time limit",
          "file-size limit": "the file-size limit",
          "computed for": "an endless loop (CPU-bound the whole time)"}


def limits_hit(r):
    """The limits a student's tests ran into, in words (may be empty)."""
    found = []
    for t in r["tests"]:
        for words, label in LIMITS.items():
            if words in t.get("message", "") and label not in found:
                found.append(label)
    return found


def who(r):
    """A student as the summary names them: the id, and the folder when
    the id had to be changed to be one."""
    if r.get("slug", r["student"]) != r["student"]:
        return f"{r['student']} (folder {r['slug']})"
    return r["student"]


def to_look_at(recs):
    """The students an instructor should look at, by reason."""
    graded = [r for r in recs if r["status"] not in NOT_GRADABLE]
    top = sorted(graded, key=lambda r: (-r["score"], r["student"]))[:5]
    return {
        "not_graded": [[who(r), r["status"], r["message"]]
                       for r in recs if r["status"] in NOT_GRADABLE],
        "flagged": [[who(r), r.get("flags", [])]
                    for r in recs if r.get("flags")],
        "left_running": [[who(r), r.get("left_running", [])]
                         for r in recs if r.get("left_running")],
        "limits": [[who(r), limits_hit(r)]
                   for r in graded if limits_hit(r)],
        "top": [[who(r), r["score"], r["max_score"]] for r in top
                if r["score"] > 0],
        "renamed": [[r["student"], r["slug"]] for r in recs
                    if r.get("slug", r["student"]) != r["student"]],
    }


def class_summary(recs):
    totals = [r["score"] for r in recs if r["status"] not in NOT_GRADABLE]
    top = max([r["max_score"] for r in recs] or [0])
    by_status = {}
    for r in recs:
        by_status[r["status"]] = by_status.get(r["status"], 0) + 1
    fails = {}
    for r in recs:
        if r["status"] in NOT_GRADABLE:
            continue
        for t in r["tests"]:
            if t["status"] != "pass":
                fails[t["name"]] = fails.get(t["name"], 0) + 1
    bins = histogram(totals, top)
    return {"students": len(recs), "graded": len(totals),
            "by_status": dict(sorted(by_status.items())),
            "max_score": top,
            "mean": round(statistics.mean(totals), 2) if totals else None,
            "median": statistics.median(totals) if totals else None,
            "histogram": bins,
            "most_failed": sorted(fails.items(),
                                  key=lambda kv: (-kv[1], kv[0]))[:10],
            "look_at": to_look_at(recs)}


def histogram(totals, top):
    """Ten equal bins from 0 to the maximum (fewer when it is small)."""
    if top <= 0:
        return []
    n = min(10, int(top)) or 1
    width = top / n
    bins = []
    for i in range(n):
        lo, hi = i * width, (i + 1) * width
        count = sum(1 for t in totals
                    if lo <= t < hi or (i == n - 1 and t == hi))
        bins.append({"from": round(lo, 2), "to": round(hi, 2),
                     "count": count})
    return bins


def summary_markdown(s):
    w = io.StringIO()
    w.write("# Class summary\n\n")
    w.write(f"{s['students']} submissions, {s['graded']} graded.\n\n")
    w.write("| status | students |\n|---|---|\n")
    for k, v in s["by_status"].items():
        w.write(f"| {k} | {v} |\n")
    if s["graded"]:
        w.write(f"\nMean {s['mean']} and median {s['median']} of "
                f"{s['max_score']} points (graded submissions only: a "
                "compile error is not a 0).\n\n")
        w.write("Totals:\n\n```\n")
        peak = max(b["count"] for b in s["histogram"]) or 1
        for b in s["histogram"]:
            bar = "#" * round(40 * b["count"] / peak)
            w.write(f"{b['from']:6g} - {b['to']:<6g} {b['count']:4d} "
                    f"{bar}\n")
        w.write("```\n")
    if s["most_failed"]:
        w.write("\nTests most often not passed:\n\n")
        for name, n in s["most_failed"]:
            w.write(f"- {name}: {n} of {s['graded']}\n")
    look_at_markdown(w, s.get("look_at", {}))
    return w.getvalue()


def md(text):
    """Text made safe for one Markdown list item."""
    return " ".join(str(text).split()).replace("|", "\\|")[:400]


def look_at_markdown(w, look):
    w.write("\n## Whom to look at\n")
    if look.get("flagged"):
        w.write("\n### Flagged for review (graded, but read the code)\n\n")
        for name, why in look["flagged"]:
            w.write(f"- {md(name)}: {md('; '.join(why))}\n")
    if look.get("not_graded"):
        w.write("\n### Not graded\n\n")
        for name, status, msg in look["not_graded"]:
            w.write(f"- {md(name)}: {status}: {md(msg)}\n")
    if look.get("limits"):
        w.write("\n### Hit a limit\n\n")
        for name, what in look["limits"]:
            w.write(f"- {md(name)}: {md(', '.join(what))}\n")
    if look.get("left_running"):
        w.write("\n### Left processes running (killed)\n\n")
        for name, where in look["left_running"]:
            w.write(f"- {md(name)}: after {md(', '.join(where))}\n")
    if look.get("top"):
        w.write("\n### Top scores (worth reading: a forgery the grader "
                "cannot see would be here)\n\n")
        for name, score, top in look["top"]:
            w.write(f"- {md(name)}: {score} of {top}\n")
    if look.get("renamed"):
        w.write("\n### Ids changed to be folder names\n\n")
        for sid, slug in look["renamed"]:
            w.write(f"- {md(sid)} -> students/{md(slug)}/\n")
