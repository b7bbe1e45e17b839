--[[
answers.lua - stage 2 of the web edition: an answer to an exercise
(a Div of class "answer", `::: answer` in book/back/answers.md) is folded
into <details>, so that the reader opens it with a click.  The print
edition does not run this filter and prints every answer in full.
]]

function Div(el)
  if not el.classes:includes("answer") then return nil end
  local blocks = pandoc.List({ pandoc.RawBlock("html",
    '<details class="answer"><summary>Show the answer</summary>') })
  blocks:extend(el.content)
  blocks:insert(pandoc.RawBlock("html", "</details>"))
  return blocks
end
