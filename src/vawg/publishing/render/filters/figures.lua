--[[
Carry Quarto's `fig-alt` into the image description, which is what pandoc's writers
use for HTML `alt` and Word's `descr`. Without `fig-alt`, the caption text is the
alt text (as in Quarto). Runs before crossref.lua so the alt never says "Figure N".
]]

local function alt_for(figure, img)
  local alt = img.attributes["fig-alt"] or figure.attributes["fig-alt"]
  if alt and alt ~= "" then return alt end
  return pandoc.utils.stringify(figure.caption.long)
end

return {
  { Figure = function(figure)
      figure = figure:walk({
        Image = function(img)
          img.caption = pandoc.Inlines(alt_for(figure, img))
          img.attributes["fig-alt"] = nil
          return img
        end,
      })
      figure.attributes["fig-alt"] = nil
      return figure
    end },
  -- Second pass (pandoc would otherwise visit images before their figures).
  { Image = function(img)
      -- A stand-alone image (not a figure) with fig-alt: same rule.
      local alt = img.attributes["fig-alt"]
      if alt then
        img.caption = pandoc.Inlines(alt)
        img.attributes["fig-alt"] = nil
        return img
      end
    end },
}
