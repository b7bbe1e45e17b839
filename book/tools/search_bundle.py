#!/usr/bin/python3
"""search_bundle.py PAGEFIND_DIR: the search index as one classic script.

pagefind (npm) writes the web edition's search index into
build/book/pagefind/, and its pagefind.js loads it with fetch() and
import().  A browser refuses both for a page opened from a file
(file://), but it runs a <script src> there.  This writes
PAGEFIND_DIR/files.js, which sets window.BookSearchFiles to every file
pagefind.js fetches (and pagefind.js itself), base64-encoded, so that
book/styles/search.js can hand them to pagefind.js from memory.  From a
web server the files are fetched as usual and files.js is not loaded.
"""
import base64
import json
import os
import sys


def main():
    top = sys.argv[1]
    files = {}
    for d, _, names in os.walk(top):
        for n in sorted(names):
            rel = os.path.relpath(os.path.join(d, n), top)
            # what pagefind.js itself fetches; not the UI bundles
            if rel == "pagefind.js" or rel == "pagefind-entry.json" or \
               rel.endswith((".pf_meta", ".pagefind", ".pf_index",
                             ".pf_fragment", ".pf_filter")):
                with open(os.path.join(d, n), "rb") as f:
                    files[rel] = base64.b64encode(f.read()).decode()
    if "pagefind.js" not in files or "pagefind-entry.json" not in files:
        sys.exit(f"search_bundle: {top} holds no pagefind index")
    out = os.path.join(top, "files.js")
    with open(out + ".new", "w") as f:
        f.write("// The search index for pages opened from a file "
                "(book/tools/search_bundle.py)\nwindow.BookSearchFiles = ")
        json.dump(files, f, sort_keys=True, separators=(",", ":"))
        f.write(";\n")
    os.replace(out + ".new", out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
