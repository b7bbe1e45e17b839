--[[
render.lua - stage 2 of the book build: a page made by include.lua in,
HTML (one page of the web edition) or LaTeX (the print edition) out.

  - listings: syntax-highlighted, every line with its real line number
    in the source file, captioned "Listing 3.2  lib/readio.c (readn)";
  - transcripts: terminal output, what was typed in bold (a command
    after its prompt, "$ " or "server$ ", and lines marked "» ");
  - figures: fig:NAME becomes figures/NAME.svg (HTML) or .pdf (LaTeX),
    with "Figure 3.1" before the caption;
  - links to #id go to the page that defines id; a link with no text
    gets the target's label ("section 3.9", "Figure 3.1"); a link to an
    id that no page defines stops the build;
  - placeholders: a Div #book-toc becomes the table of contents and a Div
    #book-functions the index of functions and system calls.

Metadata in (pandoc -M):
  book-key     this page's key (ch03, index, ...)
  book-tables  folder with ids.tsv, nav.tsv, toc.tsv, fun.tsv
  book-source  the Markdown file the page came from (for messages)
]]

local key, tables, source = "", "", ""
local ids = {}          -- id -> { page = key, label = text }
local nav = {}          -- { { key = k, title = t }, ... } in book order
local problems = {}
local is_html = FORMAT:match("html") ~= nil
local is_latex = FORMAT:match("latex") ~= nil
local listing_serial = 0
local page_meta = {}    -- this page's metadata (the title page's colophon)

local function meta_string(meta, name)
  local v = meta[name]
  return v and pandoc.utils.stringify(v) or ""
end

local function rows(path)
  local out = {}
  local f = io.open(path, "r")
  if not f then return out end
  for line in f:lines() do
    local cols = {}
    for c in (line .. "\t"):gmatch("([^\t]*)\t") do cols[#cols + 1] = c end
    out[#out + 1] = cols
  end
  f:close()
  return out
end

local function html_escape(s)
  return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;")
    :gsub('"', "&quot;"))
end

local function page_file(k)
  return k .. ".html"
end

-- Where in the source a problem is: the first line containing needle.
local function where(needle)
  local f = io.open(source, "r")
  if not f then return source end
  local n = 0
  for line in f:lines() do
    n = n + 1
    if line:find(needle, 1, true) then f:close() return source .. ":" .. n end
  end
  f:close()
  return source
end

-- Inlines -> LaTeX or HTML text, for captions built by hand.
local function inline_markup(inlines)
  local doc = pandoc.Pandoc({ pandoc.Plain(inlines) })
  return (pandoc.write(doc, FORMAT):gsub("\n$", ""))
end

---------------------------------------------------------------- listings

-- "12-15,17,20-21" -> { 12, 13, 14, 15, 17, 20, 21 }
local function expand_ranges(spec)
  local out = {}
  for part in spec:gmatch("[^,]+") do
    local a, b = part:match("^(%d+)%-(%d+)$")
    if a then
      for n = tonumber(a), tonumber(b) do out[#out + 1] = n end
    else
      out[#out + 1] = tonumber(part)
    end
  end
  return out
end

local function listing_caption(el)
  local inl = pandoc.List({ pandoc.Strong({ pandoc.Str("Listing " ..
    el.attributes["listing"]) }), pandoc.Space(),
    pandoc.Code(el.attributes["path"]) })
  local what = el.attributes["caption"] or el.attributes["region"]
  if what and what ~= "" then
    inl:extend({ pandoc.Str(","), pandoc.Space(), pandoc.Str(what) })
  end
  return inline_markup(inl)
end

-- A language pandoc cannot highlight (a Makefile, plain text) comes back
-- without line spans: then we make them.
local function unhighlighted_html(el)
  local out, i = {}, 0
  for line in (el.text .. "\n"):gmatch("([^\n]*)\n") do
    i = i + 1
    out[i] = '<span id="cb1-' .. i .. '"><a href="#cb1-' .. i .. '"></a>'
      .. html_escape(line) .. "</span>"
  end
  return '<div class="sourceCode"><pre class="sourceCode"><code ' ..
    'class="sourceCode">' .. table.concat(out, "\n") .. "</code></pre></div>"
end

local function unhighlighted_latex(el)
  local out = { "\\begin{Shaded}", "\\begin{Highlighting}[]" }
  for line in (el.text .. "\n"):gmatch("([^\n]*)\n") do
    local tex = line:gsub("[\\{}]", { ["\\"] = "\\textbackslash{}",
      ["{"] = "\\{", ["}"] = "\\}" })
    out[#out + 1] = "\\NormalTok{" .. tex .. "}"
  end
  out[#out + 1] = "\\end{Highlighting}"
  out[#out + 1] = "\\end{Shaded}"
  return table.concat(out, "\n")
end

-- Pandoc highlights the code; we swap its line anchors for real numbers.
local function listing_html(el, numbers)
  listing_serial = listing_serial + 1
  local plain = pandoc.CodeBlock(el.text, pandoc.Attr("", el.classes))
  local html = pandoc.write(pandoc.Pandoc({ plain }), "html5")
  if not html:find('<span id="cb1-1">', 1, true) then
    html = unhighlighted_html(el)
  end
  local i = 0
  -- the student edition's lab lines (include.lua: lab-lines) are marked
  local lab = {}
  for _, n in ipairs(expand_ranges(el.attributes["lab-lines"] or "")) do
    lab[n] = true
  end
  html = html:gsub('<span id="cb1%-%d+"><a href="#cb1%-%d+"[^>]*></a>',
    function()
      i = i + 1
      local n = numbers[i] or 0
      local gap = (i > 1 and numbers[i - 1] and n ~= numbers[i - 1] + 1)
        and "gap" or ""
      if lab[n] then gap = gap == "" and "lab" or "gap lab" end
      gap = gap ~= "" and (' class="' .. gap .. '"') or ""
      return string.format('<span id="%s-%d"%s data-n="%d">', el.identifier,
        n, gap, n)
    end)
  html = html:gsub(' id="cb1"', "", 1)
  return pandoc.RawBlock("html", string.format(
    '<figure class="listing" id="%s">\n<figcaption>%s</figcaption>\n%s\n' ..
    '</figure>', el.identifier, listing_caption(el), html))
end

local function listing_latex(el, numbers)
  local plain = pandoc.CodeBlock(el.text, pandoc.Attr("", el.classes))
  local tex = pandoc.write(pandoc.Pandoc({ plain }), "latex")
  if not tex:find("\\begin{Highlighting}", 1, true) then
    tex = unhighlighted_latex(el)
  end
  local out, i, inside = {}, 0, false
  for line in (tex .. "\n"):gmatch("([^\n]*)\n") do
    if line:match("^\\end{Highlighting}") then inside = false end
    if inside then
      i = i + 1
      line = "\\LN{" .. tostring(numbers[i] or 0) .. "}" .. line
    end
    if line:match("^\\begin{Highlighting}") then inside = true end
    out[#out + 1] = line
  end
  return pandoc.RawBlock("latex", string.format(
    "\\begin{BookListing}{%s}{%s}\n%s\n\\end{BookListing}",
    el.identifier, listing_caption(el), table.concat(out, "\n")))
end

---------------------------------------------------------------- transcripts

-- What was typed in a transcript line (CONTRIBUTING.md, "The book"):
-- a command after its prompt ("$ ", "server$ "), or a line typed into a
-- running program, marked "» " by the test that wrote the transcript.
-- Returns prompt, typed text; or nil for output.
local TYPED_MARK = "\194\187 "       -- "» "
local function typed(line)
  local prompt, cmd = line:match("^([%w_.-]*%$ )(.*)$")
  if prompt then return prompt, cmd end
  if line:sub(1, #TYPED_MARK) == TYPED_MARK then
    return "", line:sub(#TYPED_MARK + 1)
  end
  return nil
end

local function transcript_html(el)
  local out = {}
  for line in (el.text .. "\n"):gmatch("([^\n]*)\n") do
    local prompt, cmd = typed(line)
    if prompt and prompt ~= "" then
      out[#out + 1] = '<span class="prompt">' .. html_escape(prompt) ..
        '</span><span class="cmd">' .. html_escape(cmd) .. "</span>"
    elseif prompt then
      out[#out + 1] = '<span class="typed">' .. html_escape(cmd) ..
        "</span>"
    else
      out[#out + 1] = html_escape(line)
    end
  end
  local id = el.identifier ~= "" and (' id="' .. el.identifier .. '"') or ""
  return pandoc.RawBlock("html", string.format(
    '<figure class="transcript"%s>\n<figcaption>%s</figcaption>\n' ..
    '<pre><code>%s</code></pre>\n</figure>', id,
    inline_markup({ pandoc.Str("Output"), pandoc.Space(),
      pandoc.Code(el.attributes["path"]) }),
    table.concat(out, "\n")))
end

-- Print: typed text in bold; the verbatim block takes \textbf, so \ { }
-- of the output itself are escaped.
local function verbatim_escape(s)
  return (s:gsub("[\\{}]", { ["\\"] = "\\textbackslash{}",
    ["{"] = "\\{", ["}"] = "\\}" }))
end

local function transcript_latex(el)
  -- lines too long for the page are broken by fvextra (preamble.tex)
  local target = el.identifier ~= "" and
    ("\\hypertarget{" .. el.identifier .. "}{}") or ""
  local out = {}
  for line in (el.text .. "\n"):gmatch("([^\n]*)\n") do
    local prompt, cmd = typed(line)
    if prompt then
      line = verbatim_escape(prompt) .. (cmd ~= "" and
        ("\\textbf{" .. verbatim_escape(cmd) .. "}") or "")
    else
      line = verbatim_escape(line)
    end
    out[#out + 1] = line
  end
  return pandoc.RawBlock("latex", string.format(
    "%s\\begin{BookTranscript}{%s}\n" ..
    "\\begin{TranscriptVerbatim}[commandchars=\\\\\\{\\}]\n%s\n" ..
    "\\end{TranscriptVerbatim}\n\\end{BookTranscript}", target,
    inline_markup({ pandoc.Code(el.attributes["path"]) }),
    table.concat(out, "\n")))
end

function CodeBlock(el)
  if el.attributes["listing"] then
    local numbers = expand_ranges(el.attributes["lines"])
    return is_html and listing_html(el, numbers) or listing_latex(el, numbers)
  end
  if el.classes:includes("transcript") and el.attributes["path"] then
    return is_html and transcript_html(el) or transcript_latex(el)
  end
  return nil
end

-- Print: long identifiers in running text (a test's name, a path) may
-- break after an underscore or a slash instead of running off the page.
function Code(el)
  if not is_latex then return nil end
  local tex = pandoc.write(pandoc.Pandoc({ pandoc.Plain({ el }) }), "latex")
  tex = tex:gsub("\n$", ""):gsub("\\_", "\\_\\allowbreak{}")
    :gsub("/", "/\\allowbreak{}")
  return pandoc.RawInline("latex", tex)
end

-- Print: pandoc sizes the columns of a wide table from the dashes of its
-- Markdown, which may leave a column too narrow for its longest word.
-- Each column gets room for its longest word, and the rest of the width
-- goes to the columns with the most text.
local TEXT_PT, COLSEP_PT, CHAR_PT = 425, 12, 4.9  -- see pdf.yaml, \small

local function column_text(el, ncol)
  local longest, total = {}, {}
  for j = 1, ncol do longest[j], total[j] = 1, 1 end
  local function scan(rows)
    for _, row in ipairs(rows) do
      for j, cell in ipairs(row.cells) do
        if j <= ncol then
          local text = pandoc.utils.stringify(cell.contents)
          total[j] = total[j] + #text
          for w in text:gmatch("%S+") do
            longest[j] = math.max(longest[j], #w)
          end
        end
      end
    end
  end
  scan(el.head.rows)
  for _, body in ipairs(el.bodies) do scan(body.head) scan(body.body) end
  scan(el.foot.rows)
  return longest, total
end

-- In a table, an identifier is set whole (its column has room for it):
-- no break at an underscore, which would split SYN_RECV over two lines.
local function unbreakable_code(el)
  return el:walk({ Code = function(c)
    return pandoc.RawInline("latex", (pandoc.write(pandoc.Pandoc({
      pandoc.Plain({ c }) }), "latex"):gsub("\n$", "")))
  end })
end

function Table(el)
  if not is_latex then return nil end
  local ncol = #el.colspecs
  if ncol == 0 or type(el.colspecs[1][2]) ~= "number" then
    return unbreakable_code(el)
  end
  local longest, total = column_text(el, ncol)
  el = unbreakable_code(el)
  local avail = TEXT_PT - COLSEP_PT * ncol
  local widths, used, weight = {}, 0, 0
  for j = 1, ncol do
    widths[j] = (longest[j] + 1) * CHAR_PT / avail
    used = used + widths[j]
    weight = weight + total[j]
  end
  local rest = math.max(0, 1 - used)
  for j = 1, ncol do
    local w = widths[j] + rest * total[j] / weight
    el.colspecs[j] = { el.colspecs[j][1], math.min(w, 1) }
  end
  return el
end

---------------------------------------------------------------- figures, links

local figure_ids_seen = {}

function Image(el)
  local name = el.attributes["name"]
  if not name then return nil end
  if is_latex and el.identifier ~= "" then
    -- one PDF, one target per id: a figure shown again keeps none
    if figure_ids_seen[el.identifier] then el.identifier = "" end
    figure_ids_seen[el.identifier] = true
  end
  el.src = "figures/" .. name .. (is_html and ".svg" or ".pdf")
  el.caption = pandoc.List({ pandoc.Strong({ pandoc.Str("Figure " ..
    el.attributes["figure"]) }), pandoc.Str(":"), pandoc.Space() })
    .. el.caption
  el.attributes["figure"] = nil
  el.attributes["name"] = nil
  return el
end

function Link(el)
  local id = el.target:match("^#(.+)$")
  if not id then return nil end
  local t = ids[id]
  if not t then
    problems[#problems + 1] = where("#" .. id) .. ": link to #" .. id ..
      ": no page of the book defines that id"
    return nil
  end
  if #el.content == 0 then el.content = { pandoc.Str(t.label) } end
  if is_html and t.page ~= key then
    el.target = page_file(t.page) .. ((t.page_top == id) and "" or ("#" .. id))
  end
  return el
end

------------------------------------------------------------ generated pages

local function toc_blocks()
  local pages = {}              -- { { link = Link, sections = { Link } } }
  for _, r in ipairs(rows(tables .. "/toc.tsv")) do
    local page, level, id, text = r[1], tonumber(r[2]), r[3], r[4]
    local href = page_file(page) .. (level == 1 and "" or ("#" .. id))
    local link = pandoc.Link({ pandoc.Str(text) }, href)
    if level == 1 and page ~= "index" then
      pages[#pages + 1] = { link = link, sections = {} }
    elseif level == 2 and page ~= "index" and #pages > 0 then
      table.insert(pages[#pages].sections, { pandoc.Plain({ link }) })
    end
  end
  local items = pandoc.List()
  for _, p in ipairs(pages) do
    local item = { pandoc.Plain({ p.link }) }
    if #p.sections > 0 then item[2] = pandoc.BulletList(p.sections) end
    items:insert(item)
  end
  return { pandoc.Div({ pandoc.BulletList(items) }, { class = "toc" }) }
end

-- The index: every function or system call named as `name()` in the
-- text, or defined in a listing, with where.
local function function_blocks()
  local by_name, names = {}, {}
  for _, r in ipairs(rows(tables .. "/fun.tsv")) do
    local name, kind, page, id, label = r[1], r[2], r[3], r[4], r[5]
    if not by_name[name] then
      by_name[name] = {}
      names[#names + 1] = name
    end
    local seen = false
    for _, e in ipairs(by_name[name]) do
      if e.id == id and (e.kind == kind or kind == "plain") then
        seen = true
      end
      if e.id == id and e.kind == "plain" and kind ~= "plain" then
        e.kind = kind
        seen = true
      end
    end
    if not seen and id ~= "" then
      table.insert(by_name[name], { kind = kind, page = page, id = id,
        label = label })
    end
  end
  table.sort(names, function(a, b)
    local la, lb = a:lower(), b:lower()
    if la == lb then return a < b end
    return la < lb
  end)
  local items = pandoc.List()
  local function is_function(name)
    for _, e in ipairs(by_name[name]) do
      if e.kind ~= "plain" then return true end
    end
    return false
  end
  for _, name in ipairs(names) do
    if not is_function(name) then goto next_name end
    local inl = pandoc.List({ pandoc.Code(name) })
    for i, e in ipairs(by_name[name]) do
      inl:insert(pandoc.Str(i == 1 and ": " or ", "))
      local text = e.kind == "def" and (e.label .. " (defined)") or e.label
      local href = is_html and (page_file(e.page) .. "#" .. e.id)
        or ("#" .. e.id)
      inl:insert(pandoc.Link({ pandoc.Str(text) }, href))
    end
    items:insert({ pandoc.Plain(inl) })
    ::next_name::
  end
  if #items == 0 then
    return { pandoc.Para({
      pandoc.Str("(No chapter names a function yet.)") }) }
  end
  return { pandoc.Div({ pandoc.BulletList(items) }, { class = "functions" }) }
end

-- The index of concepts, socket options, errno values and TCP states
-- (filters/terms.lua): in print, makeindex's index with page numbers;
-- on the web, one list per kind, each use a link to its section.
local TERM_KINDS = { { "concept", "Concepts" }, { "option", "Socket options" },
  { "errno", "errno values" }, { "state", "TCP states" } }

local function term_blocks()
  if is_latex then return { pandoc.RawBlock("latex", "\\printindex") } end
  local by = {}                 -- kind -> term -> { {id, label, page} }
  for _, r in ipairs(rows(tables .. "/terms.tsv")) do
    local kind, term, id, label, page = r[1], r[2], r[3], r[4], r[5]
    by[kind] = by[kind] or {}
    by[kind][term] = by[kind][term] or {}
    table.insert(by[kind][term], { id = id, label = label, page = page })
  end
  local out = pandoc.List()
  for _, k in ipairs(TERM_KINDS) do
    local terms = {}
    for t in pairs(by[k[1]] or {}) do terms[#terms + 1] = t end
    table.sort(terms, function(a, b) return a:lower() < b:lower() end)
    if #terms > 0 then
      out:insert(pandoc.Header(2, { pandoc.Str(k[2]) },
        { id = "terms-" .. k[1] }))
      local items = pandoc.List()
      for _, t in ipairs(terms) do
        local inl = pandoc.List({ k[1] == "concept" and pandoc.Str(t)
          or pandoc.Code(t) })
        for i, e in ipairs(by[k[1]][t]) do
          inl:insert(pandoc.Str(i == 1 and ": " or ", "))
          inl:insert(pandoc.Link({ pandoc.Str(e.label) },
            page_file(e.page) .. "#" .. e.id))
        end
        items:insert({ pandoc.Plain(inl) })
      end
      out:insert(pandoc.Div({ pandoc.BulletList(items) },
        { class = "functions" }))
    end
  end
  return out
end

-- The web edition's colophon (the print edition's is set by
-- assemble.lua): where the code is, its version and date
-- (tools/version.sh, passed to the title page only).
local function colophon_blocks(meta)
  local function m(name)
    return meta[name] and pandoc.utils.stringify(meta[name]) or ""
  end
  local repo = m("book-repo")
  local where = repo ~= "" and pandoc.List({ pandoc.Link({ pandoc.Str(repo) },
      repo) })
    or pandoc.List({ pandoc.Str("a clone of the workbook's repository (its"
      .. " public address was not configured: BOOK_REPO_URL, see"
      .. " book/README.md)") })
  local inl = pandoc.List({ pandoc.Str("The programs, tests, labs and the "
    .. "sources of this book are in ") }) .. where .. pandoc.List({
    pandoc.Str(". This edition was made from version "),
    pandoc.Code(m("book-version")), pandoc.Str(" (commit "),
    pandoc.Code(m("book-commit")), pandoc.Str("), last changed on "
    .. m("book-date") .. ".") })
  return { pandoc.Div({ pandoc.Para(inl) }, { class = "colophon" }) }
end

function Div(el)
  if el.identifier == "book-colophon" then
    if is_latex or not page_meta["book-commit"] then return {} end
    return colophon_blocks(page_meta)
  end
  if el.identifier == "book-terms" then
    return term_blocks()
  end
  if el.identifier == "book-toc" then
    if is_latex then return {} end
    return toc_blocks()
  end
  if el.identifier == "book-functions" then
    return function_blocks()
  end
  return nil
end

---------------------------------------------------------------- the page

local function load(doc)
  page_meta = doc.meta
  key = meta_string(doc.meta, "book-key")
  tables = meta_string(doc.meta, "book-tables")
  source = meta_string(doc.meta, "book-source")
  local tops = {}
  for _, r in ipairs(rows(tables .. "/nav.tsv")) do
    nav[#nav + 1] = { key = r[1], title = r[2], id = r[3] }
    tops[r[1]] = r[3]
  end
  for _, r in ipairs(rows(tables .. "/ids.tsv")) do
    local id, page, label = r[1], r[2], r[3]
    if not ids[id] or page == key then
      ids[id] = { page = page, label = label, page_top = tops[page] }
    end
  end
  return nil
end

-- The HTML template's navigation: the list of pages, previous and next.
local function navigation(doc)
  if not is_html then return doc end
  local links, prev, nxt = {}, nil, nil
  doc.meta["booktitle"] = nav[1] and nav[1].title or "The book"
  doc.meta["pagetitle"] = key
  for i, p in ipairs(nav) do
    local cls = p.key == key and ' class="here"' or ""
    local title = p.key == "index" and "Contents" or p.title
    links[#links + 1] = string.format('<li%s><a href="%s">%s</a></li>', cls,
      page_file(p.key), html_escape(title))
    if p.key == key then
      prev, nxt = nav[i - 1], nav[i + 1]
      doc.meta["pagetitle"] = p.title
    end
  end
  local function arrow(p, rel, text)
    if not p then return '<span class="' .. rel .. '"></span>' end
    return string.format('<a class="%s" rel="%s" href="%s">%s %s</a>',
      rel, rel, page_file(p.key), text, html_escape(p.title))
  end
  doc.meta["book-nav"] = pandoc.RawBlock("html",
    "<ul>\n" .. table.concat(links, "\n") .. "\n</ul>")
  doc.meta["book-prevnext"] = pandoc.RawBlock("html",
    arrow(prev, "prev", "&larr;") .. "\n" .. arrow(nxt, "next", "&rarr;"))
  return doc
end

local function finish(doc)
  if #problems > 0 then
    for _, p in ipairs(problems) do io.stderr:write(p, "\n") end
    io.stderr:flush()
    os.exit(1)
  end
  return navigation(doc)
end

return {
  { Pandoc = load },
  { Table = Table },   -- before Code, which would hide a cell's words
  { CodeBlock = CodeBlock, Code = Code, Image = Image, Link = Link,
    Div = Div },
  { Pandoc = finish },
}
