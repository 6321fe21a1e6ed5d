--[[
Typst-specific output. Pandoc's typst writer drops image alt text, and typst
refuses an image without alt under PDF/UA-1, so figures and images are written as
raw typst here: `#figure(image("/path", alt: "..."), caption: [...]) <fig-x>`.
Captions already carry "Figure N: " (crossref.lua); the template turns typst's own
figure numbering off so the numbers match HTML and Word.
]]

-- Typst string literal: escape backslash and double quote; keep it on one line.
local function typst_string(text)
  text = text:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("[\r\n]+", " ")
  return '"' .. text .. '"'
end

-- Citations have been resolved by citeproc before this filter (pandoc.py), so the writer
-- must print their text: with the `citations` extension on it would write `#cite(<key>)`,
-- a label that does not exist in the document.
local TYPST = "typst-citations"

local function typst_markup(inlines)
  local written = pandoc.write(pandoc.Pandoc({ pandoc.Plain(inlines) }), TYPST)
  return (written:gsub("%s+$", ""))
end

local function image_call(img)
  local arguments = { typst_string(img.src), "alt: " .. typst_string(pandoc.utils.stringify(img.caption)) }
  if img.attributes["width"] then
    local width = img.attributes["width"]
    -- Only typst-valid lengths (50%, 8cm ...); pixel widths from HTML are ignored.
    if width:match("^[%d.]+%%$") or width:match("^[%d.]+[cmipte][mnt]$") then
      table.insert(arguments, "width: " .. width)
    end
  end
  return "image(" .. table.concat(arguments, ", ") .. ")"
end

local function figure(el)
  local images = {}
  el:walk({ Image = function(img) table.insert(images, img) end })
  if #images ~= 1 then return nil end -- leave anything unusual to pandoc
  local img = images[1]
  if not img.attributes["width"] then img.attributes["width"] = "100%" end
  local caption = pandoc.utils.blocks_to_inlines(el.caption.long)
  local code = "#figure(" .. image_call(img) .. ",\n  caption: [" .. typst_markup(caption) .. "],\n)"
  if el.identifier ~= "" then code = code .. " <" .. el.identifier .. ">" end
  return pandoc.RawBlock("typst", code)
end

-- Tables are written as a call to the template's `vawg-table`, which measures the cells
-- with the real font and lays the columns out for the page (see templates/typst/report.typ).
-- Pandoc's own typst tables take their widths from the Markdown dashes, so long cells
-- overflow into the next column.

local ALIGN = { AlignLeft = "left", AlignRight = "right", AlignCenter = "center", AlignDefault = "left" }
local CANDIDATES = 6 -- longest strings per column passed to typst to measure

local function cell_markup(cell)
  -- Numbers with a dash or slash inside ("10.1–14.2", "29.0/5") must not wrap: box them.
  local blocks = pandoc.Blocks(cell.contents):walk({
    Str = function(str)
      if str.text:match("%d") and str.text:match("[%-–—/]") then
        return pandoc.RawInline("typst", "#box[" .. pandoc.write(pandoc.Pandoc({ pandoc.Plain({ str }) }), TYPST):gsub("%s+$", "") .. "]")
      end
    end,
  })
  local written = pandoc.write(pandoc.Pandoc(blocks), TYPST)
  return "[" .. (written:gsub("%s+$", "")) .. "]"
end

-- Keep the `count` longest strings (by characters) of `list`, longest first.
local function longest(list, count)
  table.sort(list, function(a, b) return utf8.len(a) > utf8.len(b) end)
  local kept, seen = {}, {}
  for _, item in ipairs(list) do
    if #kept >= count then break end
    if not seen[item] then seen[item] = true; table.insert(kept, item) end
  end
  return kept
end

local function string_array(list)
  local quoted = {}
  for _, item in ipairs(list) do table.insert(quoted, typst_string(item)) end
  return "(" .. table.concat(quoted, ", ") .. (#quoted == 1 and ",)" or ")")
end

local function typst_table(tbl)
  local columns = #tbl.colspecs
  local head_rows, body_rows = {}, {}
  for _, row in ipairs(tbl.head.rows) do table.insert(head_rows, row) end
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.head) do table.insert(body_rows, row) end
    for _, row in ipairs(body.body) do table.insert(body_rows, row) end
  end
  for _, row in ipairs(tbl.foot.rows) do table.insert(body_rows, row) end
  for _, row in ipairs(head_rows) do
    for _, cell in ipairs(row.cells) do
      if cell.col_span ~= 1 or cell.row_span ~= 1 then return nil end
    end
  end
  for _, row in ipairs(body_rows) do
    for _, cell in ipairs(row.cells) do
      if cell.col_span ~= 1 or cell.row_span ~= 1 then return nil end -- leave spans to pandoc
    end
    if #row.cells ~= columns then return nil end
  end

  local words, head_words, texts = {}, {}, {}
  for i = 1, columns do words[i], head_words[i], texts[i] = {}, {}, {} end
  local function collect(row, is_head)
    for i, cell in ipairs(row.cells) do
      local text = pandoc.utils.stringify(cell.contents)
      table.insert(texts[i], text)
      for word in text:gmatch("%S+") do table.insert(is_head and head_words[i] or words[i], word) end
    end
  end
  for _, row in ipairs(head_rows) do collect(row, true) end
  for _, row in ipairs(body_rows) do collect(row, false) end

  local align, measure = {}, {}
  for i, spec in ipairs(tbl.colspecs) do
    align[i] = ALIGN[spec[1]] or "left"
    measure[i] = "(head: " .. string_array(longest(head_words[i], CANDIDATES))
      .. ", words: " .. string_array(longest(words[i], CANDIDATES))
      .. ", cells: " .. string_array(longest(texts[i], CANDIDATES)) .. ")"
  end
  local function row_code(row)
    local cells = {}
    for _, cell in ipairs(row.cells) do table.insert(cells, cell_markup(cell)) end
    return "(" .. table.concat(cells, ", ") .. ",)"
  end
  local header, rows = {}, {}
  for _, row in ipairs(head_rows) do table.insert(header, row_code(row)) end
  for _, row in ipairs(body_rows) do table.insert(rows, "    " .. row_code(row) .. ",") end
  local caption = pandoc.utils.blocks_to_inlines(tbl.caption.long or {})
  local code = "#vawg-table(\n  label: " .. typst_string(tbl.identifier or "")
    .. ",\n  caption: [" .. typst_markup(caption) .. "],"
    .. "\n  align: (" .. table.concat(align, ", ") .. ",),"
    .. "\n  measure: (" .. table.concat(measure, ",\n    ") .. ",),"
    .. "\n  header: (" .. table.concat(header, ", ") .. (#header > 0 and ",)," or "),")
    .. "\n  rows: (\n" .. table.concat(rows, "\n") .. "\n  ),\n)"
  return pandoc.RawBlock("typst", code)
end

-- Figures first: the inline filter below must only see images outside figures.
return {
  { Figure = figure, Table = typst_table },
  { Image = function(img)
      return pandoc.RawInline("typst", "#box(" .. image_call(img) .. ")")
    end },
}
