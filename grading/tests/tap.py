"""A little TAP for the grader's Python tests, so that tools/testrun.py
runs them like the cmocka suites: `ok N - name` lines, and on failure a
report line in $TK_REPORT (the message in words) like testkit's."""
import json
import os
import sys
import traceback


class Skip(Exception):
    """Raised by a test that cannot check what it is for right now; the
    reason is printed (TAP "ok N # SKIP reason"), and it is no failure."""


class Tap:
    def __init__(self):
        self.tests = []

    def test(self, fn):
        self.tests.append(fn)
        return fn

    def run(self):
        print(f"1..{len(self.tests)}", flush=True)
        failed = 0
        for n, fn in enumerate(self.tests, 1):
            try:
                fn()
                print(f"ok {n} - {fn.__name__}", flush=True)
            except Skip as e:
                print(f"ok {n} # SKIP {fn.__name__}: {e}", flush=True)
            except Exception as e:  # a failed check, or a broken test
                failed += 1
                msg = str(e) if isinstance(e, AssertionError) else \
                    traceback.format_exc(limit=4)
                print(f"not ok {n} - {fn.__name__}", flush=True)
                for line in msg.splitlines():
                    print(f"# {line}", flush=True)
                report(fn.__name__, msg)
        return 1 if failed else 0


def report(test, message):
    path = os.environ.get("TK_REPORT")
    if not path:
        print(f"fail {test}: {message}", file=sys.stderr)
        return
    with open(path, "a") as f:
        f.write(json.dumps({"test": test, "kind": "fail",
                            "where": "grading/tests", "message": message})
                + "\n")


def expect(cond, message):
    if not cond:
        raise AssertionError(message)
