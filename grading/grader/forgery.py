"""What a lab file may not hold, and what makes
a submission worth a look.

In labs such as lab 3 the student's functions run inside the test
program, beside cmocka and grading/test_filter.c, which write the
verdicts.  The seal (testruns.py) keeps a printed "ok" from counting, but
code that runs before the test program's main() could take the seal from
the environment, and code that runs at exit could print after the tests.
No lab needs either, so the grader refuses, at build time, a lab object
(linked into a test program, or into a lab's own program such as a
server, which could reach the test program's memory too) that holds:

- constructors or destructors (`__attribute__((constructor))`, a pointer
  put in .init_array, .fini_array, .preinit_array, .ctors or .dtors by
  hand, code in .init or .fini);
- an IFUNC (its resolver runs while the program is being loaded).

And it flags for review, without changing the grade, a lab object that
calls what the lab's reference does not and a forger would (atexit,
getenv, dup2, ptrace, the program's own memory map...), names /proc or
the grader's variables in its strings, or reaches into cmocka or the
tests.  Such code can be innocent; an instructor decides.
"""
import re
import functools
import subprocess

# sections whose entries run without being called
RUN_BY_LOADER = re.compile(r"^\.(init_array|fini_array|preinit_array|ctors|"
                           r"dtors|init|fini)(\..*)?$")
# AddressSanitizer's own constructor and destructor (SAN=1): one entry
SANITIZER = {".init_array.00099", ".fini_array.00099"}

# calls a forger needs and no lab file we grade does (unless the lab's
# reference calls them too)
WATCHED = {
    "atexit": "registers code to run at exit (after the tests)",
    "on_exit": "registers code to run at exit (after the tests)",
    "__cxa_atexit": "registers code to run at exit (after the tests)",
    "at_quick_exit": "registers code to run at exit (after the tests)",
    "getenv": "reads the environment",
    "secure_getenv": "reads the environment",
    "environ": "reads the environment",
    "__environ": "reads the environment",
    "_environ": "reads the environment",
    "dup2": "moves file descriptors (the grader's report is one)",
    "dup3": "moves file descriptors (the grader's report is one)",
    "process_vm_readv": "reads a process's memory",
    "process_vm_writev": "writes a process's memory",
    "ptrace": "traces a process",
    "dl_iterate_phdr": "walks the program's own memory map",
    "dladdr": "looks up the program's own symbols",
    "dlsym": "looks up the program's own symbols",
    "dlopen": "loads code",
    "getauxval": "reads the program's start-up data",
    "__libc_stack_end": "finds the top of the stack",
    "__executable_start": "finds the program's own memory",
    "__bss_start": "finds the program's own memory",
    "_edata": "finds the program's own memory",
    "_end": "finds the program's own memory",
    "etext": "finds the program's own memory",
    "edata": "finds the program's own memory",
    "end": "finds the program's own memory",
    "mprotect": "changes memory protection",
    "prctl": "changes process attributes",
    "syscall": "makes raw system calls",
}
# names of cmocka's, the tests' and the grader's
INSIDE = ("_cmocka", "cmocka_", "_assert_", "_fail", "mock_", "_mock",
          "_will_return", "_expect_", "_check_expected", "print_message",
          "print_error", "tk_", "__wrap_", "__real_")
STRINGS = (b"/proc/", b"GRADE_", b"seal", b"CMOCKA_", b"TK_REPORT",
           b"/ref/")      # the reference's programs (plan.py: peers)


def tool(argv):
    p = subprocess.run(argv, stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL)
    return p.stdout.decode(errors="replace")


def sections(obj):
    """{name: size} of an object's sections, from readelf."""
    found = {}
    for line in tool(["readelf", "-S", "-W", obj]).splitlines():
        m = re.match(r"^\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+"
                     r"[0-9a-f]+\s+([0-9a-f]+)\s", line)
        if m:
            found[m.group(1)] = int(m.group(2), 16)
    return found


def symbols(obj):
    """(undefined names, IFUNC names) of an object, from nm."""
    undefined, ifuncs = set(), set()
    for line in tool(["nm", "-P", obj]).splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        name, kind = parts[0].split("@")[0], parts[1]
        if kind == "U":
            undefined.add(name)
        elif kind == "i":
            ifuncs.add(name)
    return undefined, ifuncs


def refused(label, obj, san):
    """Why a lab object is refused (run by the loader), or []."""
    why = []
    for name, size in sorted(sections(obj).items()):
        if not RUN_BY_LOADER.match(name):
            continue
        if san and name in SANITIZER and size <= 8:
            continue
        why.append(f"{label} has a {name} section: code that runs "
                   "before main() or after the tests (a constructor or "
                   "destructor)")
    for name in sorted(symbols(obj)[1]):
        why.append(f"{label} defines {name}() as an IFUNC: its resolver "
                   "runs while the program is loaded, before main()")
    return why


def suspicious(label, obj, reference_uses):
    """Reasons to look at a lab object (empty: nothing seen)."""
    why = []
    undefined = symbols(obj)[0] - reference_uses
    for name in sorted(undefined):
        if name in WATCHED:
            why.append(f"{label} uses {name} ({WATCHED[name]})")
        elif name.startswith(INSIDE):
            why.append(f"{label} calls {name}, a part of cmocka, the "
                       "tests or the grader")
    try:
        with open(obj, "rb") as f:
            data = f.read()
    except OSError:
        data = b""
    for s in STRINGS:
        if s in data:
            why.append(f"{label} holds the text {s.decode()!r}")
    return why


@functools.lru_cache(maxsize=None)
def reference_uses(obj):
    """The names the lab's reference object calls (allowed to students);
    read once a run (it is the same object for every student)."""
    return frozenset(symbols(obj)[0])
