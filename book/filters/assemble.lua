--[[
assemble.lua - the print edition is one document: this filter runs on
the title page (build/book-work/j/index.json) and appends every other
page made by include.lua, in book order, with the LaTeX divisions
between front matter, chapters and back matter.

Metadata in: book-front, book-chapters, book-back (space-separated
lists of JSON files).
]]

local function list(meta, name)
  local out = {}
  local v = meta[name]
  if v then
    for w in pandoc.utils.stringify(v):gmatch("%S+") do out[#out + 1] = w end
  end
  return out
end

local function read_json(path)
  local f = io.open(path, "r")
  if not f then
    io.stderr:write("assemble.lua: cannot read ", path, "\n")
    os.exit(1)
  end
  local text = f:read("a")
  f:close()
  return pandoc.read(text, "json").blocks
end

-- LaTeX for a metadata string (tools/version.sh), special characters
-- escaped; a URL is set with \url.
local function meta_tex(meta, name)
  local v = meta[name] and pandoc.utils.stringify(meta[name]) or ""
  return (pandoc.write(pandoc.Pandoc({ pandoc.Plain({ pandoc.Str(v) }) }),
    "latex"):gsub("\n$", "")), v
end

-- The back of the title page: where the code is, which version of it
-- the book was made from, and when (the last commit's date); and the
-- PDF's own title, author and subject.
local function colophon(meta)
  local _, repo = meta_tex(meta, "book-repo")
  local version = meta_tex(meta, "book-version")
  local commit = meta_tex(meta, "book-commit")
  local date = meta_tex(meta, "book-date")
  local where = repo ~= "" and ("\\url{" .. repo .. "}")
    or "a clone of the workbook's repository (its public address was " ..
       "not configured: BOOK\\_REPO\\_URL, see book/README.md)"
  local title, subtitle = "", ""
  if meta.title then title = pandoc.utils.stringify(meta.title) end
  if meta.subtitle then subtitle = pandoc.utils.stringify(meta.subtitle) end
  local function pdfstr(t)    -- for \hypersetup: no braces or backslashes
    return (t:gsub("[\\{}%%#]", ""))
  end
  -- the PDF's information is written with the first page: set it first
  local info = table.concat({
    "\\hypersetup{pdftitle={" .. pdfstr(title) .. "},",
    "  pdfauthor={" .. pdfstr(meta["book-author"] and
      pandoc.utils.stringify(meta["book-author"]) or
      "The workbook's contributors") .. "},",
    "  pdfsubject={" .. pdfstr(subtitle) .. "},",
    "  pdfkeywords={sockets, TCP, UDP, Linux, C, network programming}}",
  }, "\n")
  return info, table.concat({
    "\\thispagestyle{empty}\\null\\vfill",
    "{\\small\\raggedright\\setlength{\\parskip}{0.6em}",
    "The programs, tests, labs and the sources of this book are in " ..
      where .. ".\\par",
    "This book was made from version \\texttt{" .. version ..
      "} of the repository (commit \\texttt{" .. commit ..
      "}), last changed on " .. date .. ".\\par}",
    "\\clearpage",
  }, "\n")
end

-- The title page, set here rather than by the template's \maketitle so
-- that it can say what the book is made of.
local function title_page(meta)
  local function tex(name)
    local v = meta[name]
    if not v then return "" end
    local inl = pandoc.utils.type(v) == "Inlines" and v
      or pandoc.List({ pandoc.Str(pandoc.utils.stringify(v)) })
    return (pandoc.write(pandoc.Pandoc({ pandoc.Plain(inl) }), "latex")
      :gsub("\n$", ""))
  end
  local info, back = colophon(meta)
  return pandoc.RawBlock("latex", table.concat({
    info,
    "\\begin{titlepage}\\centering",
    "\\vspace*{0.28\\textheight}",
    "{\\sffamily\\bfseries\\Huge " .. tex("title") .. "\\par}",
    "\\vspace{1.2em}",
    "{\\Large " .. tex("subtitle") .. "\\par}",
    "\\vfill",
    "{\\small Every listing, transcript and figure in this book comes " ..
      "from code that the workbook's tests build and run.\\par}",
    "\\end{titlepage}",
    back,
    "\\tableofcontents",
    "\\BookListOfFigures",
    "\\listoflistings",
  }, "\n"))
end

function Pandoc(doc)
  -- The web edition's title page (the input) is replaced by a printed
  -- one and the table of contents.
  local blocks = pandoc.List({ title_page(doc.meta) })
  doc.meta.title = nil
  doc.meta.subtitle = nil
  local function add(paths)
    for _, p in ipairs(paths) do blocks:extend(read_json(p)) end
  end
  add(list(doc.meta, "book-front"))
  blocks:insert(pandoc.RawBlock("latex", "\\mainmatter"))
  add(list(doc.meta, "book-chapters"))
  blocks:insert(pandoc.RawBlock("latex", "\\backmatter"))
  add(list(doc.meta, "book-back"))
  doc.blocks = blocks
  return doc
end
