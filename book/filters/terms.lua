--[[
terms.lua - stage 1, after include.lua: the index of the book beyond
functions.  In a chapter it finds

  - concepts: the terms that book/back/glossary.md defines, used in a
    paragraph (see load_concepts for how a term is matched);
  - socket options (`SO_KEEPALIVE`, `TCP_NODELAY`, `IP_TTL`, ...);
  - errno values (`ECONNRESET`, ...);
  - TCP states (TIME_WAIT, `ESTABLISHED`, ...);

and for each writes a row "category, term, section id, section label"
to build/book-work/aux/KEY.terms.tsv (joined by tools/tables.sh into
t/terms.tsv, from which filters/render.lua makes the web edition's
index), and puts an \index{...} command at the place (a raw LaTeX
inline, which the HTML writer drops), so that the print edition's index
gives page numbers.  Functions (`socket()`) go into the printed index
too; their own page of the web edition is made from include.lua's rows.
Headings, captions and link texts are left alone (an \index there would
end up in the table of contents or the list of figures).
]]

local GLOSSARY = "book/back/glossary.md"

local OPTION_PREFIX = { "SO_", "TCP_", "IP_", "IPV6_" }
local NOT_OPTIONS = { TCP_TIMEWAIT_LEN = true, SO_EE_ORIGIN_ICMP = true,
  SO_EE_ORIGIN_ICMP6 = true, SO_EE_ORIGIN_LOCAL = true }

local ERRNO = {}
for e in ([[E2BIG EACCES EADDRINUSE EADDRNOTAVAIL EAFNOSUPPORT EAGAIN
  EALREADY EBADF EBUSY ECHILD ECONNABORTED ECONNREFUSED ECONNRESET
  EDESTADDRREQ EEXIST EFAULT EHOSTDOWN EHOSTUNREACH EINPROGRESS EINTR
  EINVAL EIO EISCONN EMFILE EMSGSIZE ENETDOWN ENETRESET ENETUNREACH
  ENFILE ENOBUFS ENOENT ENOMEM ENONET ENOPROTOOPT ENOSPC ENOSYS ENOTCONN
  ENOTSOCK EOPNOTSUPP EPERM EPIPE EPROTO EPROTONOSUPPORT EPROTOTYPE
  ESHUTDOWN ESOCKTNOSUPPORT ESRCH ETIMEDOUT EWOULDBLOCK]]):gmatch("%S+") do
  ERRNO[e] = true
end

local STATES = {}
for s in ([[LISTEN SYN_SENT SYN_RECV SYN_RCVD ESTABLISHED FIN_WAIT_1
  FIN_WAIT_2 CLOSE_WAIT CLOSING LAST_ACK TIME_WAIT CLOSED]]):gmatch("%S+") do
  STATES[s] = true
end

local CATEGORY_NAME = { concept = "", option = "socket option",
  errno = "errno value", state = "TCP state", ["function"] = "" }

local chapter = ""
local section = { id = "", label = "" }
local rows, seen = {}, {}
local concepts = {}          -- { { term = "Half-close", pat = ..., ci } }

-- The glossary's terms: a line that starts a definition list item.
local function load_concepts()
  local f = io.open(GLOSSARY, "r")
  if not f then return end
  local prev
  for line in f:lines() do
    if line:match("^:%s") and prev and prev:match("^%S") and
       not prev:match("^#") then
      -- "Half-close" is found as "half-close", "half close", "half-closes"
      -- and "Half-close" (not "Half-closes": "Windows" is not a window);
      -- "MSS" only as written, and plural.  A term that is also a TCP
      -- state or an errno value is indexed as that.
      local words = {}
      for w in prev:gmatch("[^%s%-]+") do
        words[#words + 1] = (w:gsub("%p", "%%%0"))
      end
      local pat = table.concat(words, "[%s%-]+")
      local first = pat:sub(1, 1)
      local pats = { "%f[%w_]" .. pat .. "e?s?%f[^%w_]" }
      if first:match("%u") and prev:find("%l") then
        pats[1] = "%f[%w_]" .. first:lower() .. pat:sub(2) .. "e?s?%f[^%w_]"
        pats[2] = "%f[%w_]" .. pat .. "%f[^%w_]"
      end
      if not STATES[prev] and not ERRNO[prev] then
        concepts[#concepts + 1] = { term = prev, pats = pats }
      end
    end
    prev = line
  end
  f:close()
end

local function latex_escape(s)
  return (s:gsub("[\\{}_&%%#$^~]", function(c)
    if c == "\\" then return "\\textbackslash{}" end
    if c == "^" or c == "~" then return "\\string" .. c end
    return "\\" .. c
  end))
end

-- makeindex's own characters ! @ | " are quoted with ".
local function mi(s)
  return (s:gsub('["!@|]', '"%0'))
end

local function index_cmd(category, term)
  local shown = category == "concept" and latex_escape(term)
    or ("\\texttt{" .. latex_escape(term) .. "}")
  local what = CATEGORY_NAME[category]
  if what ~= "" then shown = shown .. " (" .. what .. ")" end
  local sortkey = term:lower():gsub("[^%w ]", "")
  return pandoc.RawInline("latex", "\\index{" .. mi(sortkey) .. "@" ..
    mi(shown) .. "}")
end

-- Records a use; returns the \index inline, or nil if this section has
-- already been indexed for the term.
local function use(category, term)
  local k = category .. "\t" .. term .. "\t" .. section.id
  if seen[k] then return nil end
  seen[k] = true
  rows[#rows + 1] = table.concat({ category, term, section.id,
    section.label }, "\t")
  return index_cmd(category, term)
end

local function classify(text)
  if ERRNO[text] then return "errno" end
  if STATES[text] then return "state" end
  if NOT_OPTIONS[text] then return nil end
  for _, p in ipairs(OPTION_PREFIX) do
    if text:sub(1, #p) == p and text:match("^[A-Z0-9_]+$") then
      return "option"
    end
  end
  local fn = text:match("^([%a_][%w_]*)%(%)$")
    or text:match("^([%a_][%w_]*)%([1-8]%)$")
  if fn then return "function", fn .. "()" end
  return nil
end

local function Header(el)
  local text = pandoc.utils.stringify(el.content)
  if el.level == 1 then
    section = { id = el.identifier, label = "chapter " .. chapter }
  elseif el.level == 2 then
    local num = text:match("^(%d+%.%d[%d%.]*)")
    section = { id = el.identifier, label = num and ("section " .. num)
      or text }
  end
  return el, false          -- nothing in a heading is indexed
end

local function Code(el)
  local category, term = classify(el.text)
  if not category then return nil end
  local idx = use(category, term or el.text)
  if not idx then return nil end
  return { el, idx }
end

-- Concepts and TCP states written as plain words, per paragraph.
local function words_of(el)
  local text = pandoc.utils.stringify(el):gsub("\u{2019}", "'")
  local out = pandoc.List()
  for _, c in ipairs(concepts) do
    for _, pat in ipairs(c.pats) do
      if text:find(pat) then
        local idx = use("concept", c.term)
        if idx then out:insert(idx) end
        break
      end
    end
  end
  for w in text:gmatch("[%u%d_]+") do
    if STATES[w] and w:find("_") then
      local idx = use("state", w)
      if idx then out:insert(idx) end
    end
  end
  return out
end

local function Block(el)
  -- a paragraph that is only an image is a figure (pandoc 2): leave it
  if #el.content == 1 and el.content[1].t == "Image" then
    return el, false
  end
  local extra = words_of(el)
  if #extra > 0 then el.content = extra .. el.content end
  return el
end

local skip = function(el) return el, false end

return {
  { Pandoc = function(doc)
      chapter = doc.meta["book-chapter"] and
        pandoc.utils.stringify(doc.meta["book-chapter"]) or ""
      if chapter == "" then return nil end
      load_concepts()
      doc = doc:walk({ traverse = "topdown", Header = Header,
        Image = skip, Link = skip, Figure = skip,
        Para = function(el) return Block(el) end,
        Plain = function(el) return Block(el) end,
        Code = Code })
      local aux = doc.meta["book-aux"] and
        pandoc.utils.stringify(doc.meta["book-aux"]) or ""
      if aux ~= "" then
        local f = assert(io.open((aux:gsub("%.tsv$", "")) .. ".terms.tsv",
          "w"))
        f:write(table.concat(rows, "\n"), #rows > 0 and "\n" or "")
        f:close()
      end
      return doc
    end },
}
