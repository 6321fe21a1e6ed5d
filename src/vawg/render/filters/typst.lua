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

local function typst_markup(inlines)
  local written = pandoc.write(pandoc.Pandoc({ pandoc.Plain(inlines) }), "typst")
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

-- Figures first: the inline filter below must only see images outside figures.
return {
  { Figure = figure },
  { Image = function(img)
      return pandoc.RawInline("typst", "#box(" .. image_call(img) .. ")")
    end },
}
