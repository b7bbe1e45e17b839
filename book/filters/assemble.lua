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

function Pandoc(doc)
  -- The title page and table of contents come from the LaTeX template,
  -- so the web edition's title page is left out.
  local blocks = pandoc.List()
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
