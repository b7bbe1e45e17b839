--[[
include.lua - stage 1 of the book build: one chapter's README.md in,
a format-neutral pandoc document out (build/book/j/KEY.json), plus a
small table of what the chapter defines and uses (build/book/aux/KEY.tsv)
and the files it includes (build/book/aux/KEY.d, for make).

What it does, in document order:
  - ```{.c include="lib/readio.c" region="readn"}``` (empty body): the
    lines between "/* include readn */" and "/* end readn */" of that
    file, with the lab markers stripped (BEGIN/END SOLUTION lines, whole
    STARTER blocks, other regions' markers), each line keeping its real
    number.  Without region= the whole file.
  - ```{.transcript include="chapters/NN-slug/transcripts/x.txt"}```:
    a program's captured output.
  - ![caption](fig:NAME): a generated figure listed in
    book/figures/figures.txt.
  - numbers the chapter (from its folder), its listings and figures, and
    checks that numbered section headings belong to this chapter.

Everything that is wrong is reported as FILE:LINE: message, all at once,
and then the build stops.  Metadata in (pandoc -M):
  book-key      page key: ch03, using, glossary, ...
  book-chapter  chapter number ("3"), empty for front and back matter
  book-aux      where to write the aux table
  book-deps     where to write the make dependencies
  book-target   the make target those dependencies are for
]]

local MAXCOLS = 80

local source_path          -- the README being converted
local source_lines = {}    -- its lines, to find where an element is
local problems = {}        -- "FILE:LINE: message"
local warnings = {}
local aux = {}             -- rows of the aux table
local deps = {}            -- files this page depends on
local key, chapter = "", ""
local listing_count, figure_count = 0, 0

---------------------------------------------------------------- helpers

local function read_lines(path)
  local f = io.open(path, "r")
  if not f then return nil end
  local lines = {}
  for line in f:lines() do lines[#lines + 1] = line end
  f:close()
  return lines
end

local function file_exists(path)
  local f = io.open(path, "r")
  if f then f:close() return true end
  return false
end

-- The line of the README where `needle` (plain text) first appears at or
-- after line `from`; used to point at the element a problem is about.
local function line_of(needle, from)
  for i = from or 1, #source_lines do
    if source_lines[i]:find(needle, 1, true) then return i end
  end
  return 0
end

local function problem(line, msg)
  problems[#problems + 1] = string.format("%s:%d: %s", source_path, line, msg)
end

local function tsv(...)
  local cols = {}
  for i, v in ipairs({...}) do
    cols[i] = tostring(v):gsub("[\t\n]", " ")
  end
  aux[#aux + 1] = table.concat(cols, "\t")
end

-- Columns a line takes on screen, tabs stopping every 8.
local function expand_tabs(line)
  local out, col = {}, 0
  for ch in line:gmatch(".") do
    if ch == "\t" then
      local n = 8 - col % 8
      out[#out + 1] = string.rep(" ", n)
      col = col + n
    else
      out[#out + 1] = ch
      -- count UTF-8 lead bytes only, so "é" is one column
      if ch:byte() < 0x80 or ch:byte() >= 0xC0 then col = col + 1 end
    end
  end
  return table.concat(out), col
end

---------------------------------------------------------------- regions

-- Marker patterns.  C-like files use /* ... */; scripts and makefiles
-- may use "# include NAME".
local function marker(line, word)
  local name = line:match("^%s*/%*%s*" .. word .. "%s+([%w_%.%-]+)%s*%*/%s*$")
  if not name then
    name = line:match("^%s*#%s*" .. word .. "%s+([%w_%.%-]+)%s*$")
  end
  return name
end

local function is_lab_marker(line)
  return line:match("^%s*/%*%s*BEGIN SOLUTION%s*%*/%s*$")
      or line:match("^%s*/%*%s*END SOLUTION%s*%*/%s*$")
end

-- The student edition's sources (grading/student_edition.py) hold, where
-- the reference has a solution, the starter's lines between
-- /* BEGIN LAB 03 */ and /* END LAB 03 */ (tools/derive.py).
local function lab_marker(line, word)
  return line:match("^(%s*)/%*%s*" .. word .. " LAB (%d+)%s*%*/%s*$")
end

-- The edition being built: "student" in a tree that
-- grading/student_edition.py exported (it writes book/STUDENT-EDITION).
local student_edition = (function()
  local f = io.open("book/STUDENT-EDITION", "r")
  if f then f:close() return true end
  return false
end)()

--[[ Pulls region `region` (or the whole file when nil) out of `lines`.
Returns { {n = real line number, text = expanded text}, ... } or nil and
a list of problems, each { line = N, msg = "..." } in the source file. ]]
local function extract(path, lines, region)
  local first, last = 1, #lines
  local errs = {}
  if region then
    local open_at
    for i, line in ipairs(lines) do
      if marker(line, "include") == region then
        if open_at then
          errs[#errs + 1] = { line = i, msg = "region '" .. region ..
            "' opens a second time (first at line " .. open_at .. ")" }
        else
          open_at = i
        end
      end
    end
    if not open_at then
      return nil, { { line = 0, msg = "no region '" .. region ..
        "' (expected a line /* include " .. region .. " */)" } }
    end
    local close_at
    for i = open_at + 1, #lines do
      if marker(lines[i], "end") == region then close_at = i break end
    end
    if not close_at then
      return nil, { { line = open_at, msg = "region '" .. region ..
        "' is never closed (expected /* end " .. region .. " */)" } }
    end
    if #errs > 0 then return nil, errs end
    first, last = open_at + 1, close_at - 1
  end
  local out, starter_at = {}, nil
  local lab_at, lab_indent, lab, lab_rows = nil, "", nil, 0
  for i = first, last do
    local line = lines[i]
    local ind, nn = lab_marker(line, "BEGIN")
    local _, end_nn = lab_marker(line, "END")
    if nn then
      lab_at, lab_indent, lab, lab_rows = i, ind, nn, 0
    elseif end_nn then
      if lab_at and lab_rows == 0 then
        -- a solution with no starter: the student writes it all
        out[#out + 1] = { n = lab_at, lab = lab, text = expand_tabs(
          lab_indent .. "/* you write this in lab " .. tonumber(lab)
          .. " */") }
      end
      lab_at = nil
    elseif starter_at then
      if line:match("STARTER%s*%*/%s*$") then starter_at = nil end
    elseif line:match("^%s*/%*%s*STARTER%s*$") then
      starter_at = i
    elseif not (is_lab_marker(line) or marker(line, "include")
                or marker(line, "end")) then
      local text, cols = expand_tabs(line)
      if cols > MAXCOLS then
        errs[#errs + 1] = { line = i, msg = string.format(
          "listing line is %d columns wide (at most %d)", cols, MAXCOLS) }
      end
      out[#out + 1] = { n = i, text = text, lab = lab_at and lab or nil }
      if lab_at then lab_rows = lab_rows + 1 end
    end
  end
  if starter_at then
    errs[#errs + 1] = { line = starter_at,
      msg = "STARTER block is never closed "
        .. "(expected a line ending STARTER */)" }
  end
  -- a region is shown without its leading and trailing blank lines
  while #out > 0 and out[1].text:match("^%s*$") do table.remove(out, 1) end
  while #out > 0 and out[#out].text:match("^%s*$") do table.remove(out) end
  if #out == 0 and #errs == 0 then
    errs[#errs + 1] = { line = first, msg = "the listing is empty" }
  end
  if #errs > 0 then return nil, errs end
  return out
end

-- Function definitions in C code: a line at column 0 that names a function
-- and is not a declaration.  Used for the index.
local function defined_functions(rows)
  local names = {}
  for i, row in ipairs(rows) do
    local t = row.text
    if t:match("^[%a_]") and not t:match(";%s*$") and
       not t:match("^typedef") and not t:match("^#") then
      local name = t:match("([%a_][%w_]*)%s*%(")
      local nextline = rows[i + 1] and rows[i + 1].text or ""
      if name and name ~= "main" and not t:match("=") and
         (t:match("%)%s*$") or t:match("{%s*$")) and
         (nextline:match("^{") or t:match("{%s*$")) then
        names[#names + 1] = name
      end
    end
  end
  return names
end

---------------------------------------------------------------- sections

local current_section = { id = "", label = "" }

local function heading_number(text)
  return text:match("^(%d+%.%d[%d%.]*)%s") or text:match("^(%d+%.%d[%d%.]*)$")
end

function Header(el)
  local text = pandoc.utils.stringify(el.content)
  local line = line_of(text)
  if el.identifier == "" and el.level == 1 and key:match("^lab%d+$") then
    el.identifier = key   -- a lab's page: lab03, the target of its links
  elseif el.identifier == "" then
    -- unique across the book: a plain "summary" would clash between pages
    el.identifier = key .. "-" .. (pandoc.utils.stringify(el.content)
      :lower():gsub("[^%w]+", "-"):gsub("^-+", ""):gsub("-+$", ""))
  end
  local label
  if el.level == 1 then
    if chapter ~= "" then
      if not text:match("^%d") then
        el.content = pandoc.List({ pandoc.Span({ pandoc.Str(chapter) },
          { class = "chapnum" }), pandoc.Space() }) .. el.content
      end
      label = "chapter " .. chapter
    else
      label = text
    end
    tsv("title", el.identifier, pandoc.utils.stringify(el.content))
  else
    local num = heading_number(text)
    if num and chapter ~= "" and not num:match("^" .. chapter .. "%.") then
      problem(line, "section '" .. text .. "' is numbered for another "
        .. "chapter (this is chapter " .. chapter .. ")")
    end
    label = num and ("section " .. num) or text
  end
  if el.level <= 2 then
    current_section = { id = el.identifier, label = num_or(label) }
  end
  tsv("id", el.identifier, label)
  tsv("toc", el.level, el.identifier, pandoc.utils.stringify(el.content))
  return el
end

-- "section 3.9" -> "3.9" for the index; anything else unchanged
function num_or(label)
  return label:match("^section (.*)$") or label
end

---------------------------------------------------------------- listings

-- The rows' real line numbers as "12-15,17-32,43".
local function ranges(rows)
  local out, i = {}, 1
  while i <= #rows do
    local j = i
    while j < #rows and rows[j + 1].n == rows[j].n + 1 do j = j + 1 end
    out[#out + 1] = (i == j) and tostring(rows[i].n)
      or (rows[i].n .. "-" .. rows[j].n)
    i = j + 1
  end
  return table.concat(out, ",")
end

-- What a region's caption says: the functions it defines, or else its
-- lines (a region's name is the source's marker, not the reader's).
local function region_caption(rows)
  local names = defined_functions(rows)
  for _, row in ipairs(rows) do
    if row.text:match("^int%s+main%s*%(") then table.insert(names, "main") end
  end
  if #names > 0 then return table.concat(names, "(), ") .. "()" end
  if #rows == 0 then return "" end
  return "lines " .. rows[1].n .. "-" .. rows[#rows].n
end

local function include_path(el)
  local path = el.attributes["include"]
  return path
end

local function listing(el, path)
  local region = el.attributes["region"]
  local needle = 'include="' .. path .. '"'
  local line = line_of(needle)
  if region then
    -- the first include of this file that names this region
    for i = 1, #source_lines do
      local l = source_lines[i]
      if l:find(needle, 1, true) and
         l:find('region="' .. region .. '"', 1, true) then
        line = i break
      end
    end
  end
  if el.text:match("%S") then
    problem(line, "the listing's body must be empty: its lines come from "
      .. path .. " (never paste code)")
  end
  local lines = read_lines(path)
  if not lines then
    problem(line, "cannot include " .. path .. ": no such file")
    return el
  end
  deps[#deps + 1] = path
  local rows, errs = extract(path, lines, region)
  if not rows then
    for _, e in ipairs(errs) do
      local where = e.line > 0 and (path .. ":" .. e.line) or path
      problem(line, where .. ": " .. e.msg)
    end
    return el
  end
  listing_count = listing_count + 1
  local number = chapter ~= "" and (chapter .. "." .. listing_count)
    or tostring(listing_count)
  local id = el.identifier ~= "" and el.identifier
    or (key .. "-lst-" .. listing_count)
  local texts = {}
  for i, r in ipairs(rows) do texts[i] = r.text end
  local attrs = {
    ["listing"] = number,
    ["path"] = path,
    ["lines"] = ranges(rows),
  }
  if region then
    attrs["region"] = region
    attrs["caption"] = region_caption(rows)
  end
  local lab_rows, lab = {}, nil
  for _, r in ipairs(rows) do
    if r.lab then lab_rows[#lab_rows + 1] = r lab = r.lab end
  end
  if lab then attrs["lab-lines"] = ranges(lab_rows) end
  tsv("id", id, "listing " .. number)
  for _, name in ipairs(defined_functions(rows)) do
    tsv("fun", name, "def", id, "listing " .. number)
  end
  local block = pandoc.CodeBlock(table.concat(texts, "\n"),
    pandoc.Attr(id, el.classes, attrs))
  if not lab then return block end
  -- the student edition: this listing shows a lab's starter
  local n = tonumber(lab)
  tsv("link", "lab" .. lab, source_path .. ":" .. line)
  return { block, pandoc.Div({ pandoc.Para({
    pandoc.Strong({ pandoc.Str("You write this in "),
      pandoc.Link({ pandoc.Str("lab " .. n) }, "#lab" .. lab) }),
    pandoc.Str(":"), pandoc.Space(),
    pandoc.Str("this edition shows the lab's starter (the file you get in"),
    pandoc.Space(), pandoc.Code("labs/lab-" .. lab .. "/"),
    pandoc.Str(") where the full edition shows the reference solution.")
    }) }, pandoc.Attr("", { "lab-part" })) }
end

-- ::: {.full-edition} ... ::: is text for the full edition only (what
-- the grader's hidden tests add, say): the student edition leaves it out
-- (grading/student_edition.py drops it from the exported Markdown too).
function Div(el)
  if el.classes:includes("full-edition") then
    if student_edition then return {} end
    return el.content
  end
  return nil
end

-- A transcript line that was typed but is not marked as typed: a
-- prompt the book does not know ("root# ", "user@host:~$ ", "server $ ",
-- "> "), or a control key (^D) on a line of its own.  Returns why, or
-- nil.
function unmarked_typing(l)
  if l:match("^[%w_.-]*%$ ") or l:match("^[%w_.-]*%$$")
     or l:sub(1, 3) == "\194\187 " then
    return nil
  end
  local prompt = l:match("^(%s*[%w_.@:~/-]*%s?[#%%>%$])%s")
  if prompt then
    return "\"" .. prompt .. " \" looks like a prompt the book does not "
      .. "know"
  end
  if l:match("^%^[A-Z@%[\\]$") then
    return "\"" .. l .. "\" is a key typed into a program, not marked"
  end
  return nil
end

local function transcript(el, path)
  local line = line_of('include="' .. path .. '"')
  if el.text:match("%S") then
    problem(line, "the transcript's body must be empty: it comes from "
      .. path)
  end
  local lines = read_lines(path)
  if not lines then
    problem(line, "transcript " .. path .. " is missing: the test that "
      .. "writes it (tk_transcript) has not been run with "
      .. "TK_UPDATE_TRANSCRIPTS=1, or the path is wrong")
    return el
  end
  deps[#deps + 1] = path
  for i, l in ipairs(lines) do
    local why = unmarked_typing(l)
    if why then
      problem(line, path .. ":" .. i .. ": " .. why .. " (typed text is "
        .. "marked: a prompt \"$ \" or \"NAME$ \" before a command, "
        .. "\"\194\187 \" before a line typed into a running program; "
        .. "CONTRIBUTING.md, \"The book\")")
    end
  end
  local out = {}
  for i, l in ipairs(lines) do out[i] = (expand_tabs(l)) end
  while #out > 0 and out[#out]:match("^%s*$") do table.remove(out) end
  return pandoc.CodeBlock(table.concat(out, "\n"),
    pandoc.Attr(el.identifier, { "transcript" }, { ["path"] = path }))
end

function CodeBlock(el)
  local path = include_path(el)
  if el.classes:includes("transcript") then
    if not path then
      problem(line_of("transcript"), "a transcript needs include=\"...\": "
        .. "program output is captured by a test, never pasted")
      return el
    end
    return transcript(el, path)
  end
  if path then return listing(el, path) end
  if el.classes:includes("c") and el.text:match("%S") then
    warnings[#warnings + 1] = string.format("%s:%d: warning: a C block "
      .. "pasted into the text; include it from a real source file",
      source_path, line_of(el.text:match("[^\n]*")))
  end
  return el
end

---------------------------------------------------------------- figures

local known_figures

local function load_figures()
  known_figures = {}
  local lines = read_lines("book/figures/figures.txt") or {}
  for _, l in ipairs(lines) do
    local name = l:match("^%s*([%w_%-]+)%s")
    if name and not l:match("^%s*#") then known_figures[name] = true end
  end
end

function Image(el)
  local name = el.src:match("^fig:(.+)$")
  if not name then
    if not el.src:match("^%a+://") and not file_exists(el.src) then
      problem(line_of(el.src), "image " .. el.src .. " does not exist "
        .. "(generated figures are written ![caption](fig:NAME))")
    end
    return el
  end
  if not known_figures then load_figures() end
  if not known_figures[name] then
    problem(line_of("fig:" .. name), "no figure '" .. name .. "' in "
      .. "book/figures/figures.txt")
    return el
  end
  figure_count = figure_count + 1
  local number = chapter ~= "" and (chapter .. "." .. figure_count)
    or tostring(figure_count)
  -- The default id, fig-NAME, may be on several pages (a figure shown in
  -- two chapters): a link to it goes to this page's copy, or the first.
  local kind = "id"
  if el.identifier == "" then
    el.identifier = "fig-" .. name
    kind = "figid"
  end
  el.attributes["figure"] = number
  el.attributes["name"] = name
  tsv(kind, el.identifier, "Figure " .. number)
  tsv("figure", name, el.identifier, "Figure " .. number)
  return el
end

---------------------------------------------------------------- links, index

-- "a/b/../c" -> "a/c"
local function normalize(path)
  local parts = {}
  for part in path:gmatch("[^/]+") do
    if part == ".." and #parts > 0 and parts[#parts] ~= ".." then
      table.remove(parts)
    elseif part ~= "." then
      parts[#parts + 1] = part
    end
  end
  return (path:match("^/") and "/" or "") .. table.concat(parts, "/")
end

-- Links that GitHub and the book both follow: from a lab's LAB.md to
-- its chapter (../README.md#sec-3.9, ../README.md), and from a chapter to
-- its lab's page (lab/LAB.md): "sec-3.9", "ch03", "lab03", or nil.
function book_page_link(target)
  local id = target:match("^%.%./README%.md#(.+)$")
  if id then return id end
  local dir = source_path:match("^(.*)/") or "."
  local path = normalize(dir .. "/" .. target)
  local nn = path:match("^chapters/(%d+)%-[%w%-]+/lab/LAB%.md$")
  if nn then return "lab" .. nn end
  nn = path:match("^chapters/(%d+)%-[%w%-]+/README%.md$")
  if nn then return "ch" .. nn end
  return nil
end

-- A link to a file of the repository, written relative to the chapter as
-- GitHub wants it: the book has no copy of the file, so it shows the
-- path instead (the link text, then the path if they differ).
function repository_file(el, target, where)
  local dir = source_path:match("^(.*)/") or "."
  local path = normalize(dir .. "/" .. target:gsub("#.*$", ""))
  if not file_exists(path) then
    problem(where, "link to " .. target .. ": no such file " .. path)
    return el
  end
  local text = pandoc.utils.stringify(el.content)
  if text == path or text == target then return pandoc.Code(path) end
  return pandoc.List(el.content) .. { pandoc.Space(), pandoc.Str("("),
    pandoc.Code(path), pandoc.Str(")") }
end

function Link(el)
  local target = el.target
  local where = line_of(target)
  if target:match("^#") then
    tsv("link", target:sub(2), source_path .. ":" .. where)
  else
    -- a link to another chapter's README, as GitHub shows it
    local id = target:match("^%.%./[%w%-]+/README%.md#(.+)$")
      or target:match("^chapters/[%w%-]+/README%.md#(.+)$")
      or book_page_link(target)
    if id then
      el.target = "#" .. id
      tsv("link", id, source_path .. ":" .. where)
    elseif not target:match("^%a[%w+.-]*:") then
      return repository_file(el, target, where)
    end
  end
  return el
end

function Code(el)
  if chapter == "" then return nil end
  local name = el.text:match("^([%a_][%w_]*)%(%)$")
    or el.text:match("^([%a_][%w_]*)%([1-8]%)$")
  if name then
    tsv("fun", name, "use", current_section.id, current_section.label)
  elseif el.text:match("^[%a_][%w_]*$") then
    -- `socket` without parentheses: indexed only if the book names or
    -- defines a function of that name somewhere (render.lua decides)
    tsv("fun", el.text, "plain", current_section.id, current_section.label)
  end
  return nil
end

---------------------------------------------------------------- the page

local function write_file(path, text)
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
end

local function meta_string(meta, name)
  local v = meta[name]
  return v and pandoc.utils.stringify(v) or ""
end

-- Before the walk: what page this is.
local function init(doc)
  source_path = PANDOC_STATE.input_files[1] or "-"
  source_lines = read_lines(source_path) or {}
  key = meta_string(doc.meta, "book-key")
  chapter = meta_string(doc.meta, "book-chapter")
  deps[#deps + 1] = source_path
  return nil
end

-- After the walk: report, or write the aux table and the dependencies.
local function finish(doc)
  for _, w in ipairs(warnings) do io.stderr:write(w, "\n") end
  if #problems > 0 then
    for _, p in ipairs(problems) do io.stderr:write(p, "\n") end
    io.stderr:flush()
    os.exit(1)
  end
  local aux_path = meta_string(doc.meta, "book-aux")
  if aux_path ~= "" then
    write_file(aux_path, table.concat(aux, "\n") .. "\n")
  end
  local deps_path = meta_string(doc.meta, "book-deps")
  if deps_path ~= "" then
    local target = meta_string(doc.meta, "book-target")
    write_file(deps_path, target .. ": " .. table.concat(deps, " ") ..
      "\n" .. table.concat(deps, ":\n") .. ":\n")
  end
  return nil
end

-- Top-down, so that a heading is seen before the listings and index
-- entries of its section.
return {
  { Pandoc = init },
  { traverse = "topdown", Header = Header, CodeBlock = CodeBlock,
    Image = Image, Link = Link, Code = Code },
  { Pandoc = finish },
}
