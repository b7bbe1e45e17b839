"""The build plan: what is built once per grading run, and the commands
that build one submission against it.

The commands are make's own: we ask make what it would run to build the
lab's reference variant (`make -n -B V=1 build-lab-NN-ref`) and replace the
reference's files with the submission's.  So a lab declared with the `lab`
template grades without the grader knowing anything about it, and a change
to the flags or libraries reaches the grader by itself.

The shared tree that every sandbox sees read-only holds the headers, the
test objects and the libraries, at the paths make uses, and never a .c
file: the reference solution and the hidden tests' sources stay outside.
"""
import glob
import hashlib
import os
import shlex
import shutil
import subprocess
import sys

# The address space a test needs when its suite runs in the test VM
# (harness/vm: qemu with 512 MiB of guest memory and TCG's 1 GiB code
# buffer): the grader's memory limit is raised to it for such a lab.
VM_MEMORY_MIB = 2560
VM_FSIZE_MIB = 256
VM_TEST_TIMEOUT = 40            # seconds: a boot under load, then a test

from .builds import Builds

sys.path.insert(0, "tools")
import testrun  # noqa: E402  (nm and ldd, shared with make lab-NN)

FILTER_SRC = "grading/test_filter.c"
# test_filter.c's wrapper sees the test table before cmocka does
WRAP = "-Wl,--wrap=_cmocka_run_group_tests"


class PlanError(Exception):
    pass


class Plan:
    def __init__(self, lab, manifest, build, san):
        self.lab, self.m, self.build, self.san = lab, manifest, build, san
        self.chapter = manifest["_chapter"]
        self.files = sorted(manifest["files"])          # student's names
        self.refs = manifest["files"]                   # name -> ref path
        self.compile = {}       # name -> argv with {src} {obj}
        self.links = {}         # output name -> argv with {obj:NAME} {out}
        self.tree = None        # the shared tree (a folder)
        self.mounts = []        # extra (host path, path inside) read-only
        self.uses_vm = False    # the test VM is mounted (lay_out_tree)
        self.digest = None      # changes when anything shared changes
        self.starter = None     # folder of derived starter files
        self.build_script = None
        self.builds = None      # builds made so far (builds.py)
        self.taken = {}         # suite -> names its binary's other parts
                                # define (interpose_check)

    @property
    def graded_dir(self):
        """Where a submission's binaries appear inside the sandbox."""
        return f"/tree/{self.build}/lab-{self.lab}/graded"

    def suites(self):
        """[(suite, [test names])]: public, and hidden when it exists."""
        out = []
        for suite in ("public", "hidden"):
            names = [t["name"] for t in self.m["tests"].get(suite, [])]
            if names and suite in self.links:
                out.append((suite, names))
        return out


def make_args(san):
    return ["make", "--no-print-directory"] + (["SAN=1"] if san else [])


def prepare(lab, manifest, build, san, workdir, log):
    """Builds the shared parts once and lays out the shared tree."""
    plan = Plan(lab, manifest, build, san)
    targets = [f"build-lab-{lab}-ref", f"{build}/obj/grading/test_filter.o"]
    log(f"building the shared parts of lab {lab} (make {' '.join(targets)})")
    p = subprocess.run(make_args(san) + ["-s"] + targets,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode != 0:
        raise PlanError("the reference tree does not build:\n" +
                        p.stdout.decode(errors="replace")[-3000:])
    read_recipe(plan)
    find_taken_names(plan)
    lay_out_tree(plan, os.path.join(workdir, "tree"))
    write_starters(plan, os.path.join(workdir, "starter"))
    plan.builds = Builds(os.path.join(workdir, "builds"))
    return plan


def write_starters(plan, folder):
    """The derived starter of each file: what a missing file is graded
    as (so one forgotten file does not cost the points of the others)."""
    sys.path.insert(0, "tools")
    import derive
    os.makedirs(folder, exist_ok=True)
    for name, ref in plan.refs.items():
        with open(ref) as f:
            text = derive.derive_text(f.read(), ref)
        with open(os.path.join(folder, name), "w") as f:
            f.write(text)
    plan.starter = folder


def read_recipe(plan):
    """Fills plan.compile and plan.links from make's dry run."""
    p = subprocess.run(make_args(plan.san) + ["-n", "-B", "V=1",
                                               f"build-lab-{plan.lab}-ref"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode != 0:
        raise PlanError("make -n failed:\n" + p.stdout.decode()[-2000:])
    ref_objs = {f"{plan.build}/obj/{ref[:-2]}.o": name
                for name, ref in plan.refs.items() if ref.endswith(".c")}
    refdir = f"{plan.build}/lab-{plan.lab}/ref/"
    for line in p.stdout.decode().splitlines():
        try:
            cmd = shlex.split(line.split("&&")[-1])
        except ValueError:      # not a command line (a continued one)
            continue
        if "-o" not in cmd or cmd.index("-o") + 1 >= len(cmd):
            continue
        out = cmd[cmd.index("-o") + 1]
        if "-c" in cmd and out in ref_objs:
            name = ref_objs[out]
            cmd = [("{obj}" if a == out else "{src}"
                    if a == plan.refs[name] else a) for a in cmd]
            plan.compile[name] = cmd
        elif out.startswith(refdir):
            cmd = [f"{{obj:{ref_objs[a]}}}" if a in ref_objs else
                   "{out}" if a == out else a for a in cmd]
            plan.links[out[len(refdir):]] = cmd
    missing = [n for n in plan.files if n.endswith(".c") and
               n not in plan.compile]
    if missing or "public" not in plan.links:
        raise PlanError("could not find how make builds lab "
                        f"{plan.lab} (no command for {missing or 'public'})")


def find_taken_names(plan):
    """For each test binary, every global name defined by what is linked
    with the submission's files: the tests, our libraries, cmocka, the C
    library.  A submission that defines one of these replaces it for the
    whole test program (cmocka's own result printing, say), so it is
    refused (run.py).  Programs of the student's own are not checked:
    they run as processes of their own."""
    refdir = f"{plan.build}/lab-{plan.lab}/ref/"
    for suite in ("public", "hidden"):
        cmd = plan.links.get(suite)
        if cmd is None:
            continue
        taken = set()
        for a in cmd[1:]:
            if a.endswith((".o", ".a")) and os.path.isfile(a):
                taken |= testrun.defined_symbols(a)
        for lib in testrun.shared_libraries(refdir + suite):
            taken |= testrun.defined_symbols(lib, dynamic=True)
        taken.discard("")
        plan.taken[suite] = taken


def include_dirs(plan):
    dirs = set()
    for cmd in plan.compile.values():
        dirs |= {a[2:] for a in cmd if a.startswith("-I") and len(a) > 2}
    return sorted(d for d in dirs if not os.path.isabs(d))


def link_inputs(plan):
    """Files the link commands read that are not the submission's."""
    inputs = set()
    for cmd in plan.links.values():
        for a in cmd[1:]:
            if a.startswith(plan.build + "/") and os.path.isfile(a):
                inputs.add(a)
    return sorted(inputs)


def lay_out_tree(plan, tree):
    """Copies headers and prebuilt objects into the shared tree."""
    if os.path.exists(tree):
        shutil.rmtree(tree)
    h = hashlib.sha256()
    for d in include_dirs(plan):
        for hdr in sorted(glob.glob(os.path.join(d, "**", "*.h"),
                                    recursive=True)):
            copy_in(hdr, tree, h)
    for f in link_inputs(plan):
        copy_in(f, tree, h)
    filt = f"{plan.build}/obj/grading/test_filter.o"
    copy_in(filt, tree, h)
    for suite in ("public", "hidden"):
        if suite in plan.links:     # GRADE_TESTS picks tests to run
            plan.links[suite][-1:-1] = [filt, WRAP]
    os.makedirs(os.path.join(tree, plan.build, f"lab-{plan.lab}", "graded"))
    with open(os.path.join(tree, plan.build, ".buildroot"), "w") as f:
        f.write("/tree\n")
    # the reference's own programs that a lab's tests run at the other
    # end (lab.json "reference_peers": lab 24 pairs the student's client
    # with the reference server, and the reference client with the
    # student's server).  A student's program could run them too:
    # forgery.py flags code that names them ("/ref/").
    # (Their own folder, mounted where the tests look: the tree itself
    # is mounted without the right to run what is in it.)
    peers = plan.m.get("reference_peers", [])
    if peers:
        ref = os.path.join(plan.build, f"lab-{plan.lab}", "ref")
        own = tree.rstrip("/") + "-peers"
        shutil.rmtree(own, ignore_errors=True)
        os.makedirs(own)
        os.makedirs(os.path.join(tree, ref))
        plan.mounts.append((os.path.abspath(own), f"/tree/{ref}"))
    for prog in peers:
        if "/" in prog or prog.startswith("."):
            raise PlanError(f"lab.json: reference_peers names {prog!r}, "
                            "not a program of the lab")
        shutil.copy(os.path.join(ref, prog), own)
        with open(os.path.join(ref, prog), "rb") as f:
            h.update(prog.encode() + b"\0" +
                     hashlib.sha256(f.read()).digest())
    # the chapter programs a lab's tests may run (tk_path("ch/..."))
    ch = os.path.join(plan.build, "ch")
    if os.path.isdir(ch):
        os.makedirs(os.path.join(tree, ch))
        plan.mounts.append((os.path.abspath(ch), f"/tree/{ch}"))
    # the test VM (harness/vm), for a lab whose lab.json says "vm" (the
    # kernel feature its tests may rerun themselves in the VM for: SCTP
    # for lab 9), from the kernel and base initramfs that make vm built
    vm = os.path.join(plan.build, "vm")
    if plan.m.get("vm") and os.path.isfile(os.path.join(vm, "vmlinux")):
        os.makedirs(os.path.join(tree, vm))
        plan.mounts.append((os.path.abspath(vm), f"/tree/{vm}"))
        plan.uses_vm = True
    for cmd in list(plan.compile.values()) + list(plan.links.values()):
        h.update(" ".join(cmd).encode())
    plan.digest = h.hexdigest()
    plan.tree = tree
    for dirpath, dirnames, filenames in os.walk(tree):
        os.chmod(dirpath, 0o755)
        for f in filenames:
            os.chmod(os.path.join(dirpath, f), 0o644)


def copy_in(path, tree, h):
    dst = os.path.join(tree, path)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copyfile(path, dst)
    with open(path, "rb") as f:
        h.update(path.encode() + b"\0" + hashlib.sha256(f.read()).digest())


def build_script(plan, lenient):
    """The shell script that compiles and links one submission inside the
    sandbox (cwd /tree; sources in /sub; outputs in /out).  Exit 1: a file
    did not compile; 2: it did not link."""
    lines = ["#!/bin/sh", "failed=0", "mkdir -p /out/obj /out/bin"]
    for name in plan.files:
        if name not in plan.compile:
            continue
        cmd = [a.replace("{src}", f"/sub/{name}")
               .replace("{obj}", f"/out/obj/{name[:-2]}.o")
               for a in plan.compile[name]
               if not (lenient and a == "-Werror")]
        lines.append(f"{shlex.join(cmd)} || failed=1")
    lines.append('[ "$failed" = 0 ] || exit 1')
    for out, cmd in sorted(plan.links.items()):
        argv = []
        for a in cmd:
            if a.startswith("{obj:"):
                a = f"/out/obj/{a[5:-3]}.o"
            argv.append(f"/out/bin/{out}" if a == "{out}" else a)
        lines.append(f"{shlex.join(argv)} || exit 2")
    return "\n".join(lines) + "\n"
