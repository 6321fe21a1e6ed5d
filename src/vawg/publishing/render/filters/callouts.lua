--[[
Quarto callouts (`::: {.callout-note}` etc.). Quarto renders these itself; for the
built-in renderer this filter turns them into a titled box per format: an HTML div
with role="note", Word paragraphs in the "Callout Title"/"Callout" styles of our
reference.docx, and a typst block. A first heading (any level) or a `title=`
attribute is the callout's title and, as in Quarto, leaves the document outline.
]]

local target = FORMAT

local default_titles = {
  note = "Note", tip = "Tip", important = "Important", warning = "Warning", caution = "Caution",
}
local typst_colours = {
  note = "#12436D", tip = "#28A197", important = "#801650", warning = "#F46A25", caution = "#F46A25",
}

local function callout_kind(div)
  for _, class in ipairs(div.classes) do
    local kind = class:match("^callout%-(%a+)$")
    if kind and default_titles[kind] then return kind end
  end
  return nil
end

local function split_title(div, kind)
  local body = div.content
  if div.attributes["title"] then
    return pandoc.Inlines(div.attributes["title"]), body
  end
  if #body > 0 and body[1].t == "Header" then
    local title = body[1].content
    local rest = pandoc.Blocks({})
    for index = 2, #body do rest:insert(body[index]) end
    return title, rest
  end
  return pandoc.Inlines(default_titles[kind]), body
end

local function callout(div)
  local kind = callout_kind(div)
  if not kind then return nil end
  local title, body = split_title(div, kind)

  if target == "docx" then
    return pandoc.Div({
      pandoc.Div({ pandoc.Para({ pandoc.Strong(title) }) }, { ["custom-style"] = "Callout Title" }),
      pandoc.Div(body, { ["custom-style"] = "Callout" }),
    })
  elseif target == "typst" then
    local colour = typst_colours[kind]
    local blocks = pandoc.Blocks({
      pandoc.RawBlock("typst", '#block(width: 100%, inset: 10pt, radius: 2pt, fill: rgb("#F3F6F9"), '
        .. 'stroke: (left: 4pt + rgb("' .. colour .. '")), breakable: true)['),
      pandoc.Para({ pandoc.Strong(title) }),
    })
    blocks:extend(body)
    blocks:insert(pandoc.RawBlock("typst", "]"))
    return blocks
  end
  local content = pandoc.Blocks({ pandoc.Div({ pandoc.Para({ pandoc.Strong(title) }) }, { class = "callout-title" }) })
  content:insert(pandoc.Div(body, { class = "callout-body" }))
  return pandoc.Div(content, { class = "callout callout-" .. kind, role = "note" })
end

return {
  { Meta = function(meta)
      if meta["vawg-target"] then target = pandoc.utils.stringify(meta["vawg-target"]) end
    end },
  { Div = callout },
}
