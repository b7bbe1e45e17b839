#!/usr/bin/python3
"""Writes the sample class: submissions of lab 3, good, broken and hostile,
made from the lab's reference solution and its derived starter so that
they stay in step with the lab.  Used by the grader's tests.

  make_class.py OUTDIR

OUTDIR/class/ holds one submission per case, named after what it is;
OUTDIR/EXPECTED.json says which status and score the grader must give
each ("max": full marks, "less": fewer, "some": more than 0 and fewer
than full marks, "any": any score, null: none).
"""
import io
import json
import os
import sys
import tarfile
import zipfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tools"))
import derive  # noqa: E402

LAB_FILES = {"readio.c": "lib/readio.c", "sock_ntop.c": "lib/sock_ntop.c"}
HERE = os.path.dirname(os.path.abspath(__file__))


def reference(name):
    with open(os.path.join(TOP, LAB_FILES[name])) as f:
        return f.read()


def starter(name):
    return derive.derive_text(reference(name), LAB_FILES[name])


REPLACES_CMOCKA = """
int _cmocka_run_group_tests(const char *group, const void *tests,
			    size_t n, void *setup, void *teardown);
int _cmocka_run_group_tests(const char *group, const void *tests,
			    size_t n, void *setup, void *teardown)
{
	(void)group; (void)tests; (void)setup; (void)teardown;
	printf("1..%zu\\n", n);
	for (size_t i = 0; i < n; i++)
		printf("ok %zu - test\\n", i + 1);
	return 0;
}
"""


def with_hostile(snippet, base=None, call="hostile_once", **subst):
    """The reference readio.c (or base) with call() run once at readn's
    start."""
    with open(os.path.join(HERE, snippet)) as f:
        code = f.read()
    for k, v in subst.items():
        code = code.replace(k, v)
    text = base or reference("readio.c")
    head = '#include "lnp.h"\n'
    start = "ssize_t readn(int fd, void *buf, size_t n)\n{\n"
    assert head in text and start in text, "readio.c changed shape"
    text = text.replace(head, head + code, 1)
    return text.replace(start, start + f"\t{call}();\n", 1)


def folder(out, name, files):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    for fname, text in files.items():
        with open(os.path.join(d, fname), "wb") as f:
            f.write(text.encode() if isinstance(text, str) else text)


def tar_add(tf, name, data=None, **kw):
    info = tarfile.TarInfo(name)
    for k, v in kw.items():
        setattr(info, k, v)
    if data is not None:
        data = data.encode() if isinstance(data, str) else data
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    else:
        tf.addfile(info)


def archives(out, good):
    with tarfile.open(os.path.join(out, "correct-tgz.tar.gz"), "w:gz") as tf:
        for n, t in good.items():
            tar_add(tf, f"lab-03/{n}", t)
    with zipfile.ZipFile(os.path.join(out, "correct-zip.zip"), "w") as zf:
        for n, t in good.items():
            zf.writestr(f"my lab/src/{n}", t)
    with open(os.path.join(out, "corrupt-archive.tar.gz"), "wb") as f:
        f.write(b"\x1f\x8b\x08\x00" + b"this is not really gzip" * 40)
    with open(os.path.join(out, "corrupt-zip.zip"), "wb") as f:
        f.write(b"PK\x03\x04" + b"\x00garbage" * 50)
    with tarfile.open(os.path.join(out, "evil-paths.tgz"), "w:gz") as tf:
        tar_add(tf, "/tmp/lnp-grade-evil-absolute", "owned\n")
        tar_add(tf, "../../lnp-grade-evil-dotdot", "owned\n")
        tar_add(tf, "readio.c", type=tarfile.SYMTYPE,
                linkname=os.path.join(TOP, "lib/readio.c"))
        tar_add(tf, "sub/readio.c", type=tarfile.LNKTYPE,
                linkname="/etc/passwd")
        tar_add(tf, "sock_ntop.c", good["sock_ntop.c"])
    with zipfile.ZipFile(os.path.join(out, "evil-zip.zip"), "w") as zf:
        zf.writestr("/abs/readio.c", good["readio.c"])
        zf.writestr("../../readio.c", good["readio.c"])
        link = zipfile.ZipInfo("readio.c")
        link.external_attr = (0o120777 << 16)
        zf.writestr(link, "/etc/passwd")
        zf.writestr("ok/sock_ntop.c", good["sock_ntop.c"])


def main(top_out):
    out = os.path.join(top_out, "class")
    os.makedirs(out, exist_ok=True)
    good = {n: reference(n) for n in LAB_FILES}
    bare = {n: starter(n) for n in LAB_FILES}
    expect = {}

    def sub(name, files, status, score=None):
        if files is not None:
            folder(out, name, files)
        expect[name] = {"status": status, "score": score}

    sub("correct", good, "ok", "max")
    sub("starter", bare, "ok", "less")
    sub("partial", {"readio.c": good["readio.c"],
                    "sock_ntop.c": bare["sock_ntop.c"]}, "ok", "any")
    sub("not-compiling", {"readio.c": good["readio.c"].replace(
        "ssize_t readn(", "ssize_t readn(int oops, ", 1),
        "sock_ntop.c": good["sock_ntop.c"]}, "compile-error", None)
    sub("empty", {}, "invalid-submission", None)
    sub("missing-file", {"readio.c": good["readio.c"]}, "missing-files",
        "any")
    sub("extra-files", dict(good, **{"notes.txt": "my notes\n",
                                     "a.out": b"\x7fELF\x02\x01",
                                     "main.c": "int main(void){}\n"}),
        "ok", "max")
    archives(out, good)
    expect.update({
        "correct-tgz": {"status": "ok", "score": "max"},
        "correct-zip": {"status": "ok", "score": "max"},
        "corrupt-archive": {"status": "invalid-submission", "score": None},
        "corrupt-zip": {"status": "invalid-submission", "score": None},
        "evil-paths": {"status": "missing-files", "score": "any"},
        "evil-zip": {"status": "missing-files", "score": "any"},
    })
    # a student id that is not UTF-8, with a file name that is not either
    odd = os.path.join(os.fsencode(out), b"caf\xe9-student")
    os.makedirs(odd, exist_ok=True)
    for n, t in good.items():
        with open(os.path.join(odd, n.encode()), "w") as f:
            f.write(t)
    with open(os.path.join(odd, b"r\xe9sum\xe9.txt"), "w") as f:
        f.write("not graded\n")
    expect["caf\\xe9-student"] = {"status": "ok", "score": "max"}
    hostile(out, good, sub)
    intake_tricks(top_out, out, good, sub)
    for name in EXPECT_FLAGGED:
        expect[name]["flagged"] = True
    with open(os.path.join(top_out, "EXPECTED.json"), "w") as f:
        json.dump(expect, f, indent=1, sort_keys=True)


def hostile(out, good, sub):
    """Submissions that attack the grader; hostile.c holds the code."""
    secrets = [os.path.join(TOP, "lib/readio.c"),
               os.path.join(os.path.abspath(out), "correct/readio.c"),
               os.path.join(TOP, "chapters/03-sockets-intro/lab/lab.json"),
               "/etc/shadow"]
    cases = {"fork-bomb": ("FORK_BOMB", "timeout"),
             "memory-hog": ("MEMORY_HOG", "crashed"),
             "infinite-loop": ("INFINITE_LOOP", "timeout"),
             "prints-forever": ("PRINTS_FOREVER", "output-limit"),
             "sleeps": ("SLEEPS", "timeout"),
             "binds-ports": ("BINDS_PORTS", "ok"),
             "reaches-out": ("REACHES_OUT", "ok"),
             "reads-secrets": ("READS_SECRETS", "ok"),
             "leaves-processes": ("LEAVES_PROCESSES", "ok"),
             "calls-exit": ("CALLS_EXIT", "crashed"),
             "forges-results": ("FORGES_RESULTS", "crashed")}
    with open(os.path.join(TOP, "chapters/03-sockets-intro/lab/lab.json")) \
            as f:
        tests = json.load(f)["tests"]
    names = [t["name"] for suite in ("public", "hidden")
             for t in tests.get(suite, [])]
    for name, (what, status) in cases.items():
        text = with_hostile("hostile.c", HOSTILE_CASE=what,
                            SECRET_PATHS=", ".join(
                                json.dumps(s) for s in secrets),
                            TEST_NAMES=", ".join(
                                json.dumps(n) for n in names))
        # the tests that never call readn() keep their points
        sub(name, {"readio.c": text, "sock_ntop.c": good["sock_ntop.c"]},
            status, "max" if status == "ok" else "some")
    EXPECT_FLAGGED.add("forges-results")
    forgeries(out, names, sub)
    # cmocka's runner of its own: it would report every test passed
    sub("replaces-cmocka", {"readio.c": good["readio.c"] + REPLACES_CMOCKA,
                            "sock_ntop.c": good["sock_ntop.c"]},
        "compile-error", None)
    sub("includes-reference", {"readio.c": '#include "' +
                               os.path.join(TOP, "lib/readio.c") + '"\n',
                               "sock_ntop.c": good["sock_ntop.c"]},
        "compile-error", None)


# Forged results, on the starter (a forgery that worked would give it full
# marks): refused when the code would run before main() or at exit
# without being called, else graded (no point for a forged pass) and
# flagged for review.  forge.c holds the code.
FORGERIES = {"constructor": "refused", "destructor": "refused",
             "init-array": "refused", "ifunc": "refused",
             "atexit": "flagged", "proc-mem": "flagged",
             "proc-environ": "flagged", "scan-memory": "flagged",
             "verdict-fd": "flagged", "fake-tap-exit": "flagged"}


def forgeries(out, names, sub):
    for case, ending in FORGERIES.items():
        macro = case.upper().replace("-", "_")
        text = with_hostile("forge.c", starter("readio.c"), "forge_once",
                            FORGE_CASE=macro, TEST_NAMES=", ".join(
                                json.dumps(n) for n in names))
        text = f"#define FORGE_{macro} 1\n" + text
        files = {"readio.c": text, "sock_ntop.c": starter("sock_ntop.c")}
        sub(f"forges-{case}", files,
            "refused" if ending == "refused" else "any",
            None if ending == "refused" else "starter")
        EXPECT_FLAGGED.add(f"forges-{case}")


EXPECT_FLAGGED = set()


# What the grader may read of its machine: a file outside the class whose
# bytes look like a commit id (so only not opening it keeps it out of the
# feedback), the same in a packed-refs line, and a folder of refs.
MACHINE_SECRET = "5ec2e7" * 6 + "5ec2"


def intake_tricks(top_out, out, good, sub):
    """Submissions whose .git/ or files point outside themselves, or are
    FIFOs: the grader must read none of it (it runs as root), not wait,
    and grade the lab files beside them in full.  The tests look for
    MACHINE_SECRET and /etc/shadow's first bytes in every report."""
    secret = os.path.join(os.path.abspath(top_out), "machine-secret")
    with open(secret, "w") as f:
        f.write(MACHINE_SECRET + "\n")
    refs = os.path.join(os.path.abspath(top_out), "machine-refs")
    os.makedirs(os.path.join(refs, "heads"), exist_ok=True)
    with open(os.path.join(refs, "heads", "main"), "w") as f:
        f.write(MACHINE_SECRET + "\n")
    gitdir = os.path.join(os.path.abspath(top_out), "machine-git")
    os.makedirs(gitdir, exist_ok=True)
    with open(os.path.join(gitdir, "HEAD"), "w") as f:
        f.write(MACHINE_SECRET + "\n")
    packed = os.path.join(os.path.abspath(top_out), "machine-packed")
    with open(packed, "w") as f:
        f.write(f"{MACHINE_SECRET} refs/heads/main\n")

    def clone(name, head=None, **links):
        folder(out, name, good)
        git = os.path.join(out, name, ".git")
        if "git" in links:
            os.symlink(links.pop("git"), git)
        else:
            os.makedirs(git)
        if head is not None:
            with open(os.path.join(git, "HEAD"), "w") as f:
                f.write(head)
        for what, target in links.items():
            path = os.path.join(git, what.replace("_", "-"))
            if target == "fifo":
                os.mkfifo(path)
            else:
                os.symlink(target, path)
        sub(name, None, "ok", "max")

    clone("git-head-link", HEAD=secret)
    clone("git-head-shadow", HEAD="/etc/shadow")
    clone("git-ref-dotdot", "ref: " + "../" * 3 + "machine-secret\n")
    clone("git-ref-absolute", f"ref: {secret}\n")
    clone("git-ref-shadow", "ref: /etc/shadow\n")
    clone("git-refs-link", "ref: refs/heads/main\n", refs=refs)
    clone("git-dir-link", git=gitdir)
    clone("git-packed-link", "ref: refs/heads/main\n", packed_refs=packed)
    clone("git-head-fifo", HEAD="fifo")
    # the lab's files as links out of the folder, or as FIFOs
    d = os.path.join(out, "files-are-links")
    os.makedirs(d)
    os.symlink(secret, os.path.join(d, "readio.c"))
    os.symlink("/etc/shadow", os.path.join(d, "sock_ntop.c"))
    sub("files-are-links", None, "invalid-submission", None)
    d = os.path.join(out, "files-are-fifos")
    os.makedirs(d)
    os.mkfifo(os.path.join(d, "readio.c"))
    with open(os.path.join(d, "sock_ntop.c"), "w") as f:
        f.write(good["sock_ntop.c"])
    sub("files-are-fifos", None, "missing-files", "any")
    os.mkfifo(os.path.join(out, "fifo-archive.tar.gz"))
    sub("fifo-archive", None, "invalid-submission", None)
    os.symlink(os.path.join(out, "correct"), os.path.join(out, "dir-link"))
    sub("dir-link", None, "invalid-submission", None)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
