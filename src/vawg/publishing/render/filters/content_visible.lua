--[[
Quarto's conditional content: `.content-visible` / `.content-hidden` divs and spans
with `when-format=` / `unless-format=`. Quarto does this itself; pandoc has no
equivalent, so this filter keeps or drops the element for the target format
(metadata `vawg-target`: html, docx or typst). Names match as Quarto's isFormat
does (src/resources/pandoc/datadir/_format.lua in quarto-dev/quarto-cli): "pdf"
and "latex" mean LaTeX, so they match none of this book's formats; a PDF-only
block says when-format="typst". vawg.publishing.render.quarto_rules refuses such names first.
]]

local target = FORMAT

local aliases = {
  html = { html = true, html4 = true, html5 = true, ["html:js"] = true },
  typst = { typst = true },
  docx = { docx = true },
}

local function matches(format_name)
  local wanted = aliases[target] or { [target] = true }
  return wanted[format_name] == true
end

local function visible(el)
  local when = el.attributes["when-format"]
  local unless = el.attributes["unless-format"]
  -- Both conditions must hold, as in Quarto's propertiesMatch (content-hidden.lua).
  local condition_met = true
  if when then condition_met = condition_met and matches(when) end
  if unless then condition_met = condition_met and not matches(unless) end
  if el.classes:includes("content-visible") then
    return condition_met
  end
  return not condition_met -- content-hidden
end

local function filter(el)
  if not (el.classes:includes("content-visible") or el.classes:includes("content-hidden")) then
    return nil
  end
  if visible(el) then
    return el.content -- unwrap, as Quarto does
  end
  return {}
end

return {
  { Meta = function(meta)
      if meta["vawg-target"] then target = pandoc.utils.stringify(meta["vawg-target"]) end
    end },
  { Div = filter, Span = filter },
}
