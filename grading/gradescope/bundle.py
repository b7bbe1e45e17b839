#!/usr/bin/python3
"""Build the Gradescope autograder zip for one lab.

  bundle.py --lab NN --out ZIP [--hidden-visibility V]

The zip holds setup.sh and run_autograder (from this folder, with the lab
filled in) and the repository under repo/ (tracked files, without build/
and .git/), so Gradescope's own machines build the lab once per image and
grade each submission with grading/grade.py, as `make grade` does here.
"""
import argparse
import os
import subprocess
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))


def repo_files():
    p = subprocess.run(["git", "ls-files", "-z"], cwd=TOP, check=True,
                       stdout=subprocess.PIPE)
    return sorted(f for f in p.stdout.decode().split("\0")
                  if f and os.path.isfile(os.path.join(TOP, f)))


def script(name, lab, visibility):
    with open(os.path.join(HERE, name)) as f:
        return f.read().replace("@LAB@", lab).replace("@VISIBILITY@",
                                                      visibility)


def add(zf, name, data, mode):
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = (0o100000 | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lab", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--hidden-visibility", default="after_published")
    args = ap.parse_args()
    lab = args.lab.zfill(2)
    sys.path.insert(0, os.path.join(TOP, "tools"))
    os.chdir(TOP)
    import testrun
    if lab not in testrun.manifests():
        raise SystemExit(f"gradescope-bundle: no lab {lab}")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with zipfile.ZipFile(args.out + ".tmp", "w") as zf:
        add(zf, "setup.sh", script("setup.sh", lab, args.hidden_visibility),
            0o755)
        add(zf, "run_autograder", script("run_autograder", lab,
                                         args.hidden_visibility), 0o755)
        for rel in repo_files():
            if rel.startswith(("build/", ".git/")):
                continue
            mode = os.stat(os.path.join(TOP, rel)).st_mode & 0o777
            with open(os.path.join(TOP, rel), "rb") as f:
                add(zf, "repo/" + rel, f.read(), mode)
    os.replace(args.out + ".tmp", args.out)
    print(f"Gradescope autograder for lab {lab}: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
