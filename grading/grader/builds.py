"""Builds already made in this grading run, found by what went into them.

Byte-identical submissions (the same files, or the same starter standing
in for the same missing files) compile to the same binaries with the same
messages, so they are built once: a class holds a few (a resubmission in
another archive format, the untouched starter), and so does the sample
class the grader's tests use.

Binaries are shared by hard links: a cached build's files are linked into
each submission's own folder, so removing one (the cache keeps only the
last few builds) never takes them from a submission still being tested.
A build is kept only if it ended by itself (compiled, or failed to): a
build stopped by its time limit may not stop there the next time.

Submissions are graded many at once (the reference beside the class):
a build of the same bytes that is under way is waited for, not started
again.
"""
import hashlib
import os
import shutil
import threading


class Builds:
    def __init__(self, folder, keep=16):
        self.folder, self.keep = folder, keep
        self.lock = threading.Lock()
        self.order = []         # keys, oldest first
        self.found = {}         # key -> (compiled, compile log)
        self.building = {}      # key -> Event: set when its build ends

    @staticmethod
    def key(build_script, sources):
        """What decides a build: the script (flags included) and the
        bytes of every file it compiles, by name."""
        h = hashlib.sha256(build_script.encode())
        for name in sorted(os.listdir(sources)):
            h.update(name.encode() + b"\0")
            with open(os.path.join(sources, name), "rb") as f:
                h.update(hashlib.sha256(f.read()).digest())
        return h.hexdigest()

    def get(self, key, bins):
        """(compiled, log) of an earlier build of key, its binaries linked
        into bins; or None, and then the caller builds it and must call
        put() or done() (a build of key under way is waited for)."""
        while True:
            with self.lock:
                if key in self.found:
                    compiled, log = self.found[key]
                    if compiled:
                        link_all(os.path.join(self.folder, key), bins)
                    return compiled, log
                ev = self.building.get(key)
                if ev is None:
                    self.building[key] = threading.Event()
                    return None
            ev.wait()

    def done(self, key):
        """The caller's build of key has ended (kept by put() or not)."""
        with self.lock:
            ev = self.building.pop(key, None)
        if ev is not None:
            ev.set()

    def put(self, key, compiled, log, bins):
        """Keeps a build that ended by itself (its binaries in bins)."""
        with self.lock:
            if key in self.found:
                return
            if compiled:
                link_all(bins, os.path.join(self.folder, key))
            self.found[key] = (compiled, log)
            self.order.append(key)
            while len(self.order) > self.keep:
                old = self.order.pop(0)
                del self.found[old]
                shutil.rmtree(os.path.join(self.folder, old),
                              ignore_errors=True)


def link_all(src, dst):
    os.makedirs(dst, exist_ok=True)
    for name in os.listdir(src):
        os.link(os.path.join(src, name), os.path.join(dst, name))
