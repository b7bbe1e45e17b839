"""Finding the submissions in a folder and taking from each only the files
the lab lets a student edit.

Nothing from a submission is ever extracted by its own path: we read the
bytes of the allowed files (by base name) and write them ourselves, so
absolute paths, `..` entries and links cannot put anything anywhere.
"""
import hashlib
import os
import re
import stat
import tarfile
import zipfile
import zlib

MAX_FILE = 1 << 20          # one allowed source file
MAX_SCANNED = 256 << 20     # bytes of archive members we are willing to walk
MAX_MEMBERS = 20000
ARCHIVES = (".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tar.xz", ".zip")


class Submission:
    """What one student handed in, as far as grading is concerned."""

    def __init__(self, sid, source):
        self.sid = sid              # student id, as text (may hold \\x..)
        self.source = source        # path of the folder or archive
        self.files = {}             # allowed name -> bytes
        self.missing = []           # allowed names not found
        self.notes = []             # what we ignored, and why
        self.invalid = None         # why nothing can be graded, or None
        self.commit = None          # HEAD of a git clone

    def fingerprint(self):
        h = hashlib.sha256()
        for name in sorted(self.files):
            h.update(name.encode() + b"\0")
            h.update(hashlib.sha256(self.files[name]).digest())
        h.update(repr((sorted(self.missing), self.invalid)).encode())
        return h.hexdigest()


def shown(name):
    """A file or student name as printable text, whatever its bytes."""
    raw = os.fsencode(name) if isinstance(name, str) else name
    text = raw.decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def slug(sid):
    """A student id made safe as one file name."""
    s = re.sub(r"[^A-Za-z0-9._@+-]", "_", sid).strip(".") or "_"
    if s != sid:
        s += "-" + hashlib.sha256(sid.encode()).hexdigest()[:8]
    return s[:120]


# ---- discovering submissions --------------------------------------------

def discover(folder):
    """Returns [(student id, path)] for a class folder, sorted by id."""
    meta = os.path.join(folder, "submission_metadata.yml")
    if os.path.lexists(meta):
        return gradescope_export(folder, meta)
    found = []
    for entry in sorted(os.listdir(folder)):
        if entry.startswith("."):
            continue
        found.append((shown(strip_archive(entry)), os.path.join(folder,
                                                               entry)))
    return found


def strip_archive(name):
    for ext in ARCHIVES:
        if name.lower().endswith(ext):
            return name[:-len(ext)]
    return name


def gradescope_export(folder, meta):
    """Gradescope's "Export Submissions": submission_N/ folders and a YAML
    file naming their submitters.  Read with a small parser (the format is
    fixed and we want no third-party module): each `submission_N:` block
    names submitters by :sid: or :email:."""
    owners, current = {}, None
    try:        # a link or a FIFO in its place is not read
        text = read_nofollow(meta, MAX_SCANNED).decode("utf-8", "replace")
    except OSError:
        text = ""
    for line in text.splitlines():
        m = re.match(r"^(submission_\d+):\s*$", line)
        if m:
            current = m.group(1)
            continue
        m = re.match(r"^\s*-?\s*:(sid|email|name):\s*'?([^']*?)'?\s*$",
                     line)
        if current and m and m.group(2):
            owners.setdefault(current, {}).setdefault(m.group(1),
                                                      m.group(2))
    found = []
    for entry in sorted(os.listdir(folder)):
        path = os.path.join(folder, entry)
        if not entry.startswith("submission_") or not os.path.isdir(path):
            continue
        who = owners.get(entry, {})
        sid = who.get("sid") or who.get("email") or who.get("name") or entry
        found.append((shown(sid), path))
    return sorted(found)


# ---- reading one submission -----------------------------------------------

def read_submission(sid, path, allowed):
    """Reads the allowed files (a set of base names) from a folder or an
    archive; never raises for bad input, it records why instead."""
    sub = Submission(sid, path)
    candidates = {}         # name -> [(depth, member path, bytes)]
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            sub.invalid = "the submission is a symbolic link; not followed"
        elif stat.S_ISDIR(st.st_mode):
            read_folder(path, allowed, candidates, sub)
        elif not stat.S_ISREG(st.st_mode):
            sub.invalid = ("not a folder or a regular file (a FIFO, a "
                           "device or a socket); not read")
        elif path.lower().endswith(".zip"):
            read_zip(path, allowed, candidates, sub)
        elif path.lower().endswith(ARCHIVES):
            read_tar(path, allowed, candidates, sub)
        else:
            sub.invalid = ("not a folder or an archive this grader reads "
                           f"({', '.join(ARCHIVES)})")
    except (tarfile.TarError, zipfile.BadZipFile, zlib.error, EOFError,
            OSError, ValueError, NotImplementedError) as e:
        first = shown(str(e)).split("\\n")[0].strip(":- ")[:160]
        sub.invalid = ("the archive cannot be read: it is damaged, or not "
                       f"the kind its name says ({first})")
    if sub.invalid is None:
        choose(candidates, allowed, sub)
    return sub


def note_path(sub, member, why):
    if len(sub.notes) < 40:
        sub.notes.append(f"ignored {shown(member)}: {why}")


def unsafe_path(name):
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "an absolute path"
    if ".." in parts:
        return "a path with '..'"
    return None


def offer(candidates, allowed, sub, member, data_fn, size):
    """Keeps a regular file if its base name is one the lab allows."""
    base = member.replace("\\", "/").rstrip("/").split("/")[-1]
    if base not in allowed:
        return
    if size > MAX_FILE:
        note_path(sub, member, f"larger than {MAX_FILE >> 10} KiB")
        return
    data = data_fn()
    if len(data) > MAX_FILE:
        note_path(sub, member, f"larger than {MAX_FILE >> 10} KiB")
        return
    depth = member.strip("/").count("/")
    candidates.setdefault(base, []).append((depth, member, data))


def read_folder(root, allowed, candidates, sub):
    extra = 0
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d != ".git")
        if is_git_dir(os.path.join(dirpath, ".git")):
            sub.commit = git_head(os.path.join(dirpath, ".git"))
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root)
            st = os.lstat(full)
            if stat.S_ISLNK(st.st_mode):
                note_path(sub, rel, "a symbolic link (not followed)")
            elif not stat.S_ISREG(st.st_mode):
                note_path(sub, rel, "not a regular file")
            elif os.path.basename(rel) in allowed:
                offer(candidates, allowed, sub, rel,
                      lambda f=full: read_nofollow(f), st.st_size)
            else:
                extra += 1
    if extra:
        sub.notes.append(f"ignored {extra} other file(s) the lab does not "
                         "grade")


def read_nofollow(path, limit=MAX_FILE + 1):
    """The first limit bytes of a regular file; b"" for anything else (a
    link is not followed, a FIFO or a device is not waited on)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK |
                 os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return b""
        chunks, left = [], limit
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


# a ref HEAD may name: refs/ and then plain names, one level or more
REF = re.compile(r"^refs/[A-Za-z0-9_][A-Za-z0-9_.+-]*"
                 r"(/[A-Za-z0-9_][A-Za-z0-9_.+-]*)*$")
COMMIT = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


def is_git_dir(path):
    """A .git that is a folder of its own (not a link to one)."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def read_beneath(root, rel, limit=4096):
    """The first bytes of the regular file rel under the folder root,
    opened one component at a time without following any link (a link
    anywhere on the way, a FIFO or a device gives None, never a wait)."""
    parts = rel.split("/")
    if not all(parts) or any(p in (".", "..") for p in parts):
        return None
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(root, flags | os.O_DIRECTORY)
    except OSError:
        return None
    try:
        for part in parts[:-1]:
            nxt = os.open(part, flags | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = nxt
        leaf = os.open(parts[-1], flags, dir_fd=fd)
        try:
            if not stat.S_ISREG(os.fstat(leaf).st_mode):
                return None
            return os.read(leaf, limit)
        finally:
            os.close(leaf)
    except OSError:
        return None
    finally:
        os.close(fd)


def git_head(gitdir):
    """The commit a clone's HEAD names, read without running git (a
    student's repository configuration could make git run commands).
    Only regular files inside .git are read, never through a link, and
    HEAD may name only a plain refs/... name; what we keep must look
    like a commit id, so no other bytes can reach the feedback."""
    head = read_beneath(gitdir, "HEAD", 200)
    if head is None:
        return None
    head = head.decode("ascii", "replace").strip()
    if not head.startswith("ref: "):
        return head if COMMIT.match(head) else None
    ref = head[5:].strip()
    if not REF.match(ref) or ".." in ref or ref.endswith(".lock"):
        return None
    loose = read_beneath(gitdir, ref, 100)
    if loose is not None:
        commit = loose.decode("ascii", "replace").strip()
        return commit if COMMIT.match(commit) else None
    packed = read_beneath(gitdir, "packed-refs", MAX_FILE)
    for line in (packed or b"").decode("ascii", "replace").splitlines():
        fields = line.split()
        if len(fields) == 2 and fields[1] == ref and COMMIT.match(
                fields[0]):
            return fields[0]
    return None


def read_tar(path, allowed, candidates, sub):
    scanned = extra = 0
    with tarfile.open(path, "r:*") as tf:
        for n, m in enumerate(tf):
            scanned += max(0, m.size)
            if n >= MAX_MEMBERS or scanned > MAX_SCANNED:
                sub.invalid = ("the archive is too large (more than "
                               f"{MAX_MEMBERS} entries or "
                               f"{MAX_SCANNED >> 20} MiB)")
                return
            why = unsafe_path(m.name)
            if why:
                note_path(sub, m.name, why)
            elif m.issym() or m.islnk():
                note_path(sub, m.name, f"a link to {shown(m.linkname)} "
                          "(links are never followed)")
            elif m.isreg():
                if os.path.basename(m.name) not in allowed:
                    extra += 1
                offer(candidates, allowed, sub, m.name,
                      lambda m=m: tf.extractfile(m).read(MAX_FILE + 1),
                      m.size)
            elif not m.isdir():
                note_path(sub, m.name, "not a regular file")
    if extra:
        sub.notes.append(f"ignored {extra} other file(s) the lab does not "
                         "grade")


def read_zip(path, allowed, candidates, sub):
    extra = 0
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            sub.invalid = f"the archive has more than {MAX_MEMBERS} entries"
            return
        for info in infos:
            why = unsafe_path(info.filename)
            mode = info.external_attr >> 16
            if why:
                note_path(sub, info.filename, why)
            elif stat.S_ISLNK(mode):
                note_path(sub, info.filename, "a symbolic link (links are "
                          "never followed)")
            elif not info.is_dir():
                if os.path.basename(info.filename) not in allowed:
                    extra += 1
                offer(candidates, allowed, sub, info.filename,
                      lambda i=info: zf.open(i).read(MAX_FILE + 1),
                      info.file_size)
    if extra:
        sub.notes.append(f"ignored {extra} other file(s) the lab does not "
                         "grade")


def choose(candidates, allowed, sub):
    """One file per allowed name: the shallowest, then the first by path."""
    for name in sorted(allowed):
        found = sorted(candidates.get(name, []), key=lambda c: c[:2])
        if not found:
            sub.missing.append(name)
            continue
        sub.files[name] = found[0][2]
        if len(found) > 1:
            sub.notes.append(f"found {len(found)} files named {name}; "
                             f"graded {shown(found[0][1])}")
    if not sub.files:
        sub.invalid = ("none of the lab's files ("
                       f"{', '.join(sorted(allowed))}) is in the submission")
