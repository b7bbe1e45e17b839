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
  return pandoc.RawBlock("latex", table.concat({
    "\\begin{titlepage}\\centering",
    "\\vspace*{0.28\\textheight}",
    "{\\sffamily\\bfseries\\Huge " .. tex("title") .. "\\par}",
    "\\vspace{1.2em}",
    "{\\Large " .. tex("subtitle") .. "\\par}",
    "\\vfill",
    "{\\small Every listing, transcript and figure in this book comes " ..
      "from code that the workbook's tests build and run.\\par}",
    "\\end{titlepage}",
    "\\tableofcontents",
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
