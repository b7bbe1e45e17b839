#!/usr/bin/python3
"""The full book check (`make book-check`), on a built book.

Web edition: every page of build/book/ is served on the loopback
interface and opened in headless Chromium.  A console message, or a
request the server answers 404 (a missing image, stylesheet or page), is
a failure; so is a local link or image that names a missing file or an
id the target page does not have.  Each page's screenshot is saved.

Print edition: every page of book.pdf is rendered to PNG with pdftoppm.
A word that reaches past the text block's right edge (code running off
the page) is a failure; so is a figure whose caption is in the PDF but
whose drawing is not (none of the figure's own words are on that page).

The LaTeX log of the last pass: an overfull line, a page more than
VBOX_SLACK_PT too long, a line stretched to badness 10000, a LaTeX or
package warning or a missing glyph is a failure, named by PDF page,
book.tex line and section.  A listing's or transcript's caption that is
the last line of a PDF page is a failure.

Text: every figure is cited by number in the text (a link to its id).

Screenshots and page images go to build/book-check/ for a person to look
at.  Exit status 0, or 1 with one line per problem.
"""
import argparse
import glob
import html.parser
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdp  # noqa: E402

CHROMIUM = ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--enable-logging=stderr", "--v=0",
            "--hide-scrollbars"]
PAGE_TIMEOUT = 60          # seconds for Chromium to load and draw a page
EDGE_SLACK_PT = 4.0        # how far past the right edge a glyph may reach


class Quiet(http.server.SimpleHTTPRequestHandler):
    """Serves the book; remembers every request that failed."""
    failures = []

    def log_message(self, fmt, *args):
        pass

    def send_error(self, code, message=None, explain=None):
        Quiet.failures.append(f"{code} {self.path}")
        super().send_error(code, message, explain)


class Links(html.parser.HTMLParser):
    """Collects a page's ids, links and image sources."""

    def __init__(self):
        super().__init__()
        self.ids, self.hrefs, self.srcs = set(), [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        if tag in ("img", "script") and a.get("src"):
            self.srcs.append(a["src"])
        if tag == "link" and a.get("href"):
            self.srcs.append(a["href"])


def parse(path):
    p = Links()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    return p


def check_links(book):
    """Every local link and image resolves, ids included."""
    problems, pages = [], {}
    for path in sorted(glob.glob(os.path.join(book, "*.html"))):
        pages[os.path.basename(path)] = parse(path)
    for name, p in pages.items():
        for ref in p.hrefs + p.srcs:
            if re.match(r"^[a-z]+:", ref):
                continue            # http:, mailto: ... not ours to check
            target, _, frag = ref.partition("#")
            target = target or name
            if not os.path.exists(os.path.join(book, target)):
                problems.append(f"{name}: link to {ref}: no file {target}")
            elif frag and target in pages and frag not in pages[target].ids:
                problems.append(f"{name}: link to {ref}: {target} has no "
                                f"id {frag}")
    return problems, list(pages)


def serve(book):
    handler = lambda *a, **k: Quiet(*a, directory=book, **k)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def check_web(book, out, pages):
    """Opens each page in Chromium; returns problems."""
    problems = []
    server = serve(book)
    port = server.server_address[1]
    # Chromium's profile goes in our own folder, removed below, so that a
    # killed run leaves nothing in /tmp.
    profile = os.path.join(out, "chromium-profile")
    try:
        for name in pages:
            Quiet.failures.clear()
            shot = os.path.join(out, name.replace(".html", ".png"))
            width, height = (1280, 2400)
            try:
                r = subprocess.run(
                    CHROMIUM + [f"--user-data-dir={profile}",
                                f"--window-size={width},{height}",
                                f"--screenshot={shot}",
                                f"http://127.0.0.1:{port}/{name}"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                    timeout=PAGE_TIMEOUT)
            except subprocess.TimeoutExpired:
                problems.append(f"{name}: Chromium took more than "
                                f"{PAGE_TIMEOUT} s")
                continue
            for line in r.stderr.decode(errors="replace").splitlines():
                if ":CONSOLE" in line:
                    problems.append(f"{name}: console: "
                                    f"{line.split('] ', 1)[-1]}")
            for f in Quiet.failures:
                problems.append(f"{name}: the browser asked for a missing "
                                f"file: {f}")
            if r.returncode != 0 or not os.path.exists(shot):
                problems.append(f"{name}: Chromium failed (status "
                                f"{r.returncode}), no screenshot")
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(profile, ignore_errors=True)
    return problems


# ---- a phone's screen, and search (DevTools protocol, cdp.py) ------------

PHONE = (400, 800)          # a phone's screen, in CSS pixels

# Every element that reaches past the screen's right edge and is not
# inside a box that scrolls it (overflow-x: auto): the outermost of each.
TOO_WIDE_JS = r"""
(() => {
  const W = document.documentElement.clientWidth, out = [];
  const scrolls = (e) => ["auto", "scroll", "hidden"].includes(
    getComputedStyle(e).overflowX);
  const name = (e) => e.tagName.toLowerCase() +
    (e.id ? "#" + e.id : "") +
    (e.className && typeof e.className === "string" ?
      "." + e.className.trim().split(/\s+/).join(".") : "");
  for (const e of document.body.querySelectorAll("*")) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.right <= W + 1) continue;
    let held = false;
    for (let p = e.parentElement; p && p !== document.body;
         p = p.parentElement) {
      if (out.some((o) => o.el === p)) { held = true; break; }
      if (scrolls(p) && p.getBoundingClientRect().right <= W + 1) {
        held = true; break;
      }
    }
    if (!held) out.push({ el: e, what: name(e), right: Math.round(r.right),
      text: (e.textContent || "").trim().slice(0, 40) });
  }
  const first = document.querySelector("main h1");
  return { width: W, scrollWidth: document.documentElement.scrollWidth,
    wide: out.map((o) => [o.what, o.right, o.text]),
    h1Top: first ? Math.round(first.getBoundingClientRect().top) : 0 };
})()
"""


def check_phone(tab, base, pages):
    """Each page at 400 px: nothing wider than the screen, and the page's
    title on the first screen (the list of pages is folded away)."""
    problems = []
    for name in pages:
        tab.goto(f"{base}/{name}")
        r = tab.eval(TOO_WIDE_JS)
        for what, right, text in r["wide"]:
            problems.append(f"{name} at {PHONE[0]} px: <{what}> reaches "
                            f"{right} px, wider than the screen "
                            f"({r['width']} px): \"{text}\"")
        if r["scrollWidth"] > r["width"] + 1 and not r["wide"]:
            problems.append(f"{name} at {PHONE[0]} px: the page is "
                            f"{r['scrollWidth']} px wide")
        if r["h1Top"] > PHONE[1]:
            problems.append(f"{name} at {PHONE[0]} px: the page's title is "
                            f"{r['h1Top']} px down, below the first screen")
        for c in tab.console():
            problems.append(f"{name} at {PHONE[0]} px: console: {c}")
    return problems


# What search must find, and on which page: words of the book that a
# reader would look up.
SEARCHES = [("readline", "ch03.html"), ("TIME_WAIT", "ch02.html"),
            ("SIGPIPE", "ch05.html"), ("points", "lab03.html")]


def check_search(tab, url, how):
    """Search from index.html opened at url (a web server, or file://)."""
    problems = []
    tab.goto(url)
    for word, page in SEARCHES:
        if not os.path.exists(os.path.join(os.path.dirname(
                url.replace("file://", "")), page)) and how == "file":
            continue
        try:
            found = tab.eval(f"bookSearch({word!r})")
        except cdp.CdpError as e:
            problems.append(f"search ({how}) for {word}: {e}")
            continue
        pages = [u.split("/")[-1].split("#")[0] for u in found]
        if page not in pages:
            problems.append(f"search ({how}) for \"{word}\" does not find "
                            f"{page} (found: {' '.join(pages[:8]) or 'nothing'})")
        shown = tab.eval("document.querySelectorAll("
                         "'#book-search-results a').length")
        if not shown:
            problems.append(f"search ({how}) for \"{word}\": no result "
                            "shown under the box")
    for c in tab.console():
        problems.append(f"search ({how}): console: {c}")
    return problems


def check_devtools(book, out, pages):
    """Phone width and search, in one Chromium driven over its pipe."""
    problems = []
    server = serve(book)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    profile = os.path.join(out, "chromium-profile-cdp")
    try:
        with cdp.Browser(profile) as b:
            phone = b.open(*PHONE, mobile=True)
            problems += check_phone(phone, base, pages)
            desk = b.open(1280, 900)
            problems += check_search(desk, f"{base}/index.html", "http")
            problems += check_search(
                desk, "file://" + os.path.abspath(os.path.join(book,
                                                               "index.html")),
                "file")
    except cdp.CdpError as e:
        problems.append(f"Chromium (DevTools): {e}")
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(profile, ignore_errors=True)
    return problems


# ---- the PDF -------------------------------------------------------------

def text_right_edge(pdf_yaml, page_width):
    """Where the text block ends, from the geometry in book/pandoc/pdf.yaml
    (the text block is centred): in points."""
    with open(pdf_yaml) as f:
        m = re.search(r"textwidth=([\d.]+)cm", f.read())
    textwidth = float(m.group(1)) * 72 / 2.54
    return (page_width + textwidth) / 2


WORD = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" '
                  r'yMax="[\d.]+">([^<]*)</word>')
PAGE = re.compile(r'<page width="([\d.]+)" height="[\d.]+">')


def pdf_pages(pdf):
    """[(page width, [(xMin, xMax, word)])] from pdftotext -bbox."""
    r = subprocess.run(["pdftotext", "-bbox", pdf, "-"],
                       stdout=subprocess.PIPE, check=True)
    pages = []
    for chunk in r.stdout.decode(errors="replace").split("<page ")[1:]:
        m = PAGE.match("<page " + chunk)
        words = [(float(a), float(b), html.unescape(w))
                 for a, b, w in WORD.findall(chunk)]
        pages.append((float(m.group(1)), words))
    return pages


def figure_words(svg):
    """The words a figure's drawing shows (its SVG <text> elements)."""
    with open(svg, encoding="utf-8") as f:
        texts = re.findall(r"<text[^>]*>([^<]+)</text>", f.read())
    return {w for t in texts for w in html.unescape(t).split() if len(w) > 3}


def check_pdf(book, work, out):
    problems = []
    pdf = os.path.join(book, "book.pdf")
    subprocess.run(["pdftoppm", "-r", "60", "-png", pdf,
                    os.path.join(out, "pdf")], check=True)
    pages = pdf_pages(pdf)
    for n, (width, words) in enumerate(pages, 1):
        edge = text_right_edge("book/pandoc/pdf.yaml", width)
        for x0, x1, w in words:
            if x1 > edge + EDGE_SLACK_PT:
                problems.append(f"book.pdf page {n}: \"{w}\" runs "
                                f"{x1 - edge:.1f} pt past the right edge")
    figures = {}                # "Figure 3.1" -> figure name
    with open(os.path.join(work, "t", "fig.tsv")) as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) == 4:
                figures[cols[2]] = cols[0]
    for label, name in figures.items():
        svg = os.path.join(book, "figures", name + ".svg")
        want = figure_words(svg) if os.path.exists(svg) else set()
        where = [n for n, (_, words) in enumerate(pages, 1)
                 if f"{label}:" in " ".join(w for _, _, w in words)]
        if not where:
            problems.append(f"book.pdf: no caption \"{label}:\" ({name})")
            continue
        seen = {w for n in where for p in (n - 1, n, n + 1)
                if 1 <= p <= len(pages) for _, _, w in pages[p - 1][1]}
        if want and not (want & seen):
            problems.append(f"book.pdf page {where[0]}: {label} ({name}) "
                            "has a caption but its drawing is missing")
    return problems, len(pages), len(figures)


# ---- what LaTeX said, and captions left alone at the foot of a page ----

LOG_PROBLEM = re.compile(
    r"^(Overfull \\[hv]box .*|Underfull \\hbox \(badness 10000\).*|"
    r"LaTeX Warning: .*|Package \S+ Warning: .*|Missing character: .*)$")
# A page up to this much taller than the text block is not seen (a shaded
# listing split across pages by framed.sty overshoots by a point or so);
# an underfull page is the ragged bottom of a one-sided book.
VBOX_SLACK_PT = 2.0
VBOX_OVER = re.compile(r"^Overfull \\vbox \(([\d.]+)pt too high\)")
TEX_LINES = re.compile(r"at lines? (\d+)")
# an id that starts a chapter or section in book.tex
TEX_TARGET = re.compile(r"\\hypertarget\{((?:ch\d+|sec-[\d.]+|[a-z]+))\}")


def tex_places(tex):
    """For each line of book.tex, the chapter or section it is in."""
    places, here = [], "front matter"
    with open(tex, encoding="utf-8") as f:
        for line in f:
            m = TEX_TARGET.search(line)
            if m:
                here = m.group(1)
            places.append(here)
    return places


def source_of(place):
    """"sec-2.6" -> "section 2.6 (chapters/02-transport/README.md)"."""
    m = re.match(r"(?:ch(\d+)|sec-(\d+)\.)", place)
    if not m:
        return place
    nn = int(m.group(1) or m.group(2))
    srcs = glob.glob(f"chapters/{nn:02d}-*/README.md")
    what = f"section {place[4:]}" if place.startswith("sec-") \
        else f"chapter {nn}"
    return f"{what} ({srcs[0]})" if srcs else what


def check_latex_log(work):
    """Every overfull box, badly underfull box, LaTeX or package warning
    and missing glyph in the last xelatex pass is a failure, named by its
    PDF page (counted from 1, as a PDF viewer does) and the book.tex line
    and section it comes from."""
    log = os.path.join(work, "book.log")
    tex = os.path.join(work, "book.tex")
    if not os.path.exists(log):
        return [f"{log}: no LaTeX log (make book)"]
    places = tex_places(tex)
    with open(log, encoding="utf-8", errors="replace") as f:
        text = f.read()
    # TeX wraps its log at 79 columns; a warning's lines are rejoined
    problems, shipped = [], 0
    for line in text.split("\n"):
        # "[12]" or "[12 <file>]": a page shipped out before what follows
        shipped += len(re.findall(r"\[\d+(?:[\s\]<{]|$)", line)) \
            if not LOG_PROBLEM.match(line) else 0
        m = LOG_PROBLEM.match(line)
        if not m:
            continue
        msg = m.group(1)
        v = VBOX_OVER.match(msg)
        if v and float(v.group(1)) <= VBOX_SLACK_PT:
            continue
        where = f"book.pdf page {shipped + 1}"
        n = TEX_LINES.search(msg)
        if n and int(n.group(1)) <= len(places):
            tl = int(n.group(1))
            where += f", book.tex:{tl} in {source_of(places[tl - 1])}"
        problems.append(f"{where}: LaTeX: {msg}")
    return problems


CAPTION = re.compile(r"^(Listing \d+\.\d+ \S+|Output \S*transcripts/\S+)")


def pdf_lines(pdf):
    """[[line text, ...] per page], lines top to bottom (pdftotext -bbox
    words grouped by their baseline)."""
    r = subprocess.run(["pdftotext", "-bbox", pdf, "-"],
                       stdout=subprocess.PIPE, check=True)
    word = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" '
                      r'xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>')
    pages = []
    for chunk in r.stdout.decode(errors="replace").split("<page ")[1:]:
        rows = {}
        for x, y, w in word.findall(chunk):
            rows.setdefault(round(float(y)), []).append(
                (float(x), html.unescape(w)))
        pages.append([" ".join(w for _, w in sorted(rows[y]))
                      for y in sorted(rows)])
    return pages


def check_stranded_captions(pdf):
    """A listing's or transcript's caption must not be the last line of
    a page: its code or output would start on the next page (and a
    figure could float in between)."""
    problems = []
    for n, lines in enumerate(pdf_lines(pdf), 1):
        body = list(lines)
        # the page number alone at the foot of a chapter's first page
        while body and re.fullmatch(r"[\divxlc]+", body[-1]):
            body.pop()
        if body and CAPTION.match(body[-1]) and ". . ." not in body[-1]:
            problems.append(f"book.pdf page {n}: the caption \""
                            f"{body[-1]}\" is alone at the foot of the "
                            "page; what it captions starts on the next")
    return problems


FIGURE = re.compile(r"!\[(?:[^\]`]|`[^`]*`)*\]\(fig:([\w.-]+)\)"
                    r"(?:\{#([\w.-]+)\})?")
CITATION = re.compile(r"\]\([^)\s]*#(fig-[\w.-]+)\)")


def check_figures_cited(sources):
    """Every figure is cited by number somewhere in the text: its id
    (fig-NAME unless the figure names another) is the target of a link
    such as [](#fig-NAME), which the book prints as "Figure N.M".  Read
    from the pages' Markdown, so that a generated list of figures does
    not count as a citation."""
    figures, cited = {}, set()
    for path in sources:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                for m in FIGURE.finditer(line):
                    fid = m.group(2) or f"fig-{m.group(1)}"
                    figures.setdefault(fid, f"{path}:{n}")
                cited.update(CITATION.findall(line))
    return [f"{where}: figure {fid} is never cited in the text (write "
            f"[](#{fid}) where the text refers to it)"
            for fid, where in sorted(figures.items(), key=lambda i: i[1])
            if fid not in cited]


def book_sources():
    """The Markdown of every page, as book/book.mk finds them."""
    return (sorted(glob.glob("book/front/*.md")) +
            sorted(glob.glob("chapters/*/README.md")) +
            sorted(glob.glob("book/back/*.md")))


def check_xrefs():
    """A "section N.N" or "chapter N" in the text that is not a link
    (book/tools/xrefs.py, also run by `make test`)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import xrefs
    chapters = xrefs.written_chapters(".")
    return [f"{os.path.relpath(f)}:{line}: {msg}"
            for f in xrefs.default_files(".")
            for line, msg in sorted(xrefs.problems_in(f, chapters))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--book", default="build/book")
    ap.add_argument("--work", default="build/book-work")
    ap.add_argument("--out", default="build/book-check")
    args = ap.parse_args()
    for tool in ("chromium", "pdftoppm", "pdftotext"):
        if shutil.which(tool) is None:
            print(f"book-check: {tool} is missing (make book-deps)")
            return 1
    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(args.out)
    problems, pages = check_links(args.book)
    problems += check_xrefs()
    problems += check_figures_cited(book_sources())
    problems += check_web(args.book, args.out, pages)
    problems += check_devtools(args.book, args.out, pages)
    pdf_problems, npdf, nfig = check_pdf(args.book, args.work, args.out)
    problems += pdf_problems
    problems += check_latex_log(args.work)
    problems += check_stranded_captions(os.path.join(args.book, "book.pdf"))
    for p in problems:
        print(f"book-check: {p}")
    print(f"book-check: {len(pages)} web pages in Chromium, {npdf} PDF "
          f"pages, {nfig} figures; {len(problems)} problems; pictures in "
          f"{args.out}/")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
