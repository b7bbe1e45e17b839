#!/usr/bin/python3
"""Tests of the build tools themselves (derive.py, testrun.py), as TAP so
that tools/testrun.py counts them like any cmocka suite."""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import derive    # noqa: E402
import testrun   # noqa: E402

TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


REF = """int f(int x)
{
	/* include f */
	/* BEGIN SOLUTION */
	return x + 1;
	/* END SOLUTION */
	/* STARTER
	// TODO: add one
	(void)x;
	return 0;
	STARTER */
	/* end f */
}
"""


@test
def derive_removes_solution_and_uncomments_starter():
    got = derive.derive_text(REF, "f.c")
    want = "int f(int x)\n{\n\t// TODO: add one\n\t(void)x;\n\treturn 0;\n}\n"
    assert got == want, repr(got)


def expect_marker_error(text, fragment):
    try:
        derive.derive_text(text, "bad.c")
    except derive.MarkerError as e:
        assert fragment in str(e), str(e)
        return
    raise AssertionError(f"no error for {fragment!r}")


@test
def derive_rejects_unclosed_solution():
    expect_marker_error("a\n/* BEGIN SOLUTION */\nb\n",
                        "bad.c:2: solution region never closed")


@test
def derive_rejects_end_without_begin():
    expect_marker_error("/* END SOLUTION */\n",
                        "bad.c:1: END SOLUTION without BEGIN")


@test
def derive_rejects_nested_regions():
    expect_marker_error("/* BEGIN SOLUTION */\n/* STARTER\n",
                        "bad.c:2: STARTER inside solution")


@test
def derive_rejects_unclosed_starter():
    expect_marker_error("/* STARTER\nx\n", "bad.c:1: starter region")


@test
def derive_file_mode_reports_errors_without_writing():
    with tempfile.TemporaryDirectory() as d:
        src, out = os.path.join(d, "a.c"), os.path.join(d, "b.c")
        with open(src, "w") as f:
            f.write("/* BEGIN SOLUTION */\n")
        p = subprocess.run([sys.executable, os.path.join(HERE, "..",
                            "derive.py"), "--file", src, out],
                           capture_output=True, text=True)
        assert p.returncode == 2 and "never closed" in p.stderr, p.stderr
        assert not os.path.exists(out)


@test
def testrun_counts_a_crash_as_a_failure():
    tap = "1..3\nok 1 - a\nnot ok 2 - b\n# x.c:7: error: Failure!\n"
    rs = testrun.parse_tap("s", tap, {})
    assert [r.status for r in rs] == ["pass", "fail", "fail"], rs
    assert rs[1].where == "x.c:7"
    assert "stopped during the next one" in rs[2].message, rs[2].message


@test
def testrun_attaches_reports_to_their_test():
    rs = testrun.parse_tap("s", "1..1\nnot ok 1 - t\n", {"t": [
        {"kind": "fail", "message": "m", "where": "w"},
        {"kind": "note", "message": "capture: x.pcap"}]})
    assert rs[0].message == "m" and rs[0].notes == ["capture: x.pcap"]


@test
def testrun_uses_tap_diagnostics_when_there_is_no_report():
    rs = testrun.parse_tap("s", "1..1\nnot ok 1 - t\n# got 3\n", {})
    assert rs[0].message == "got 3", rs[0].message


@test
def testrun_shows_exit_77_as_a_skip_with_its_reason():
    with tempfile.TemporaryDirectory() as d:
        suite = os.path.join(d, "suite")
        with open(suite, "w") as f:
            f.write("#!/bin/sh\necho 'user namespaces are blocked' >&2\n"
                    "exit 77\n")
        os.chmod(suite, 0o755)
        rs = testrun.run_suite(suite, "s")
    assert [(r.status, r.message) for r in rs] == [
        ("skip", "user namespaces are blocked")], [vars(r) for r in rs]


@test
def testrun_says_how_a_test_program_stopped_early():
    with tempfile.TemporaryDirectory() as d:
        suite = os.path.join(d, "suite")
        with open(suite, "w") as f:
            f.write("#!/bin/sh\necho '1..2'\necho 'ok 1 - a'\n"
                    "echo 'b was still running after 20 s' >&2\nexit 3\n")
        os.chmod(suite, 0o755)
        rs = testrun.run_suite(suite, "s")
    last = rs[-1]
    assert last.name == "(suite)" and "(exit status 3)" in last.message \
        and last.notes == ["b was still running after 20 s"], vars(last)


@test
def testrun_finds_a_lab_file_that_replaces_a_libc_function():
    with tempfile.TemporaryDirectory() as b:
        obj = os.path.join(b, "obj", "labs", "lab-99")
        bins = os.path.join(b, "lab-99", "student")
        os.makedirs(obj)
        os.makedirs(bins)
        for name, code in (("x", "int puts(const char *s) { return !s; }\n"
                                 "int helper(void) { return 1; }\n"),
                           ("t", "int helper(void);\n"
                                 "int main(void) { return helper(); }\n")):
            with open(os.path.join(b, name + ".c"), "w") as f:
                f.write(code)
            subprocess.run(["cc", "-c", "-o", os.path.join(obj, name + ".o"),
                            os.path.join(b, name + ".c")], check=True)
        subprocess.run(["cc", "-o", os.path.join(bins, "public"),
                        os.path.join(obj, "x.o"), os.path.join(obj, "t.o")],
                       check=True)
        found = testrun.replaced_names(b, "99", "student",
                                       {"files": {"x.c": "lib/x.c"}})
    assert found == ["labs/lab-99/x.c defines puts()"], found


def main():
    print(f"1..{len(TESTS)}")
    failed = 0
    for i, fn in enumerate(TESTS, 1):
        try:
            fn()
            print(f"ok {i} - {fn.__name__}")
        except Exception as e:          # report, keep going
            failed += 1
            print(f"not ok {i} - {fn.__name__}")
            for line in str(e).splitlines() or [type(e).__name__]:
                print(f"# {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
