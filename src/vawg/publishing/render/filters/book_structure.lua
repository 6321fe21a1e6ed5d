--[[
For single-document outputs (Word, PDF): replace the `.vawg-file` wrapper divs by
their content and insert a level-1 heading where a Quarto `part:` starts and before
the appendices, as Quarto's own book output does.
]]

return {
  { Pandoc = function(doc)
      local blocks = pandoc.Blocks({})
      local current_part, in_appendices = nil, false
      for _, block in ipairs(doc.blocks) do
        if block.t == "Div" and block.classes:includes("vawg-file") then
          local part = block.attributes["part"]
          if block.attributes["section"] == "appendices" and not in_appendices then
            in_appendices, current_part = true, nil
            blocks:insert(pandoc.Header(1, "Appendices", { id = "vawg-appendices", class = "unnumbered part" }))
          end
          if part and part ~= current_part then
            blocks:insert(pandoc.Header(1, part, { class = "unnumbered part" }))
          end
          current_part = part
          blocks:extend(block.content)
        else
          blocks:insert(block)
        end
      end
      doc.blocks = blocks
      return doc
    end },
}
