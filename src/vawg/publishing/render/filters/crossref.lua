--[[
Quarto-style cross-references for figures (`#fig-`) and tables (`#tbl-`). Quarto's
crossref filter is not available without Quarto, so this one numbers labelled
figures and tables in book order (separately, 1, 2, 3 ... through chapters and
appendices), prefixes captions with "Figure N: " / "Table N: ", and replaces
`@fig-x` / `[-@tbl-y]` citations with links reading "Figure N" / "N". Headings
labelled `#sec-x` (unnumbered in this book) are referred to by their text. An
unknown or duplicate label stops the render with the file it is in.
]]

local kinds = {
  fig = { name = "Figure" },
  tbl = { name = "Table" },
  sec = { name = "Section" },
}

local function fail(message)
  error("vawg: " .. message, 0)
end

local function label_kind(identifier)
  local prefix = identifier:match("^(%a+)%-")
  if prefix and kinds[prefix] then return prefix end
  return nil
end

-- Each top-level `.vawg-file` div names the file its content came from.
local function each_file(doc, callback)
  local found = false
  for _, block in ipairs(doc.blocks) do
    if block.t == "Div" and block.classes:includes("vawg-file") then
      found = true
      callback(block, block.attributes["path"])
    end
  end
  if not found then callback(pandoc.Div(doc.blocks), "document") end
end

local function number_labels(doc)
  local numbers, files, headings = {}, {}, {}
  local counters = { fig = 0, tbl = 0 }
  each_file(doc, function(div, path)
    div:walk({
      traverse = "topdown",
      Figure = function(el)
        if label_kind(el.identifier) == "fig" then
          if numbers[el.identifier] then
            fail(path .. ": #" .. el.identifier .. ": label used twice (also in " .. files[el.identifier] .. ")")
          end
          counters.fig = counters.fig + 1
          numbers[el.identifier], files[el.identifier] = counters.fig, path
        end
      end,
      Table = function(el)
        if label_kind(el.identifier) == "tbl" then
          if numbers[el.identifier] then
            fail(path .. ": #" .. el.identifier .. ": label used twice (also in " .. files[el.identifier] .. ")")
          end
          counters.tbl = counters.tbl + 1
          numbers[el.identifier], files[el.identifier] = counters.tbl, path
        end
      end,
      Header = function(el)
        if label_kind(el.identifier) == "sec" then headings[el.identifier] = el.content end
      end,
    })
  end)
  return numbers, headings
end

local function prefix_caption(caption, label)
  local long = caption.long
  local lead = pandoc.Inlines({ pandoc.Str(label:match("^(%S+)")), pandoc.Space(), pandoc.Str(label:match("(%S+)$")) })
  if #long == 0 then
    caption.long = pandoc.Blocks({ pandoc.Plain(lead) })
  elseif long[1].t == "Plain" or long[1].t == "Para" then
    lead[3] = pandoc.Str(lead[3].text .. ":")
    long[1].content = lead .. pandoc.Inlines({ pandoc.Space() }) .. long[1].content
  else
    long:insert(1, pandoc.Plain(lead))
  end
  return caption
end

local function reference_text(kind, number, mode)
  if mode == "SuppressAuthor" then return pandoc.Inlines({ pandoc.Str(tostring(number)) }) end
  return pandoc.Inlines({ pandoc.Str(kinds[kind].name), pandoc.Space(), pandoc.Str(tostring(number)) })
end

local function resolve(doc)
  local numbers, headings = number_labels(doc)
  local new_blocks = pandoc.Blocks({})
  local function in_file(block, path)
    return block:walk({
      Figure = function(el)
        if numbers[el.identifier] and label_kind(el.identifier) == "fig" then
          el.caption = prefix_caption(el.caption, "Figure " .. numbers[el.identifier])
          return el
        end
      end,
      Table = function(el)
        if numbers[el.identifier] and label_kind(el.identifier) == "tbl" then
          el.caption = prefix_caption(el.caption, "Table " .. numbers[el.identifier])
          return el
        end
      end,
      Cite = function(cite)
        local any_crossref = false
        for _, citation in ipairs(cite.citations) do
          if label_kind(citation.id) then any_crossref = true end
        end
        if not any_crossref then return nil end
        local out = pandoc.Inlines({})
        for index, citation in ipairs(cite.citations) do
          local kind = label_kind(citation.id)
          if index > 1 then out:extend({ pandoc.Str(";"), pandoc.Space() }) end
          if #citation.prefix > 0 then out:extend(citation.prefix .. { pandoc.Space() }) end
          if not kind then
            out:insert(pandoc.Str("@" .. citation.id))
          elseif kind == "sec" and headings[citation.id] then
            out:insert(pandoc.Link(headings[citation.id]:clone(), "#" .. citation.id))
          elseif not numbers[citation.id] then
            fail(path .. ": @" .. citation.id .. ": no " .. kinds[kind].name:lower()
              .. " has this label (#" .. citation.id .. ")")
          else
            out:insert(pandoc.Link(reference_text(kind, numbers[citation.id], citation.mode), "#" .. citation.id))
          end
          if #citation.suffix > 0 then out:extend(citation.suffix) end
        end
        return out
      end,
    })
  end
  for _, block in ipairs(doc.blocks) do
    local path = block.t == "Div" and block.attributes["path"] or "document"
    new_blocks:insert(in_file(block, path))
  end
  doc.blocks = new_blocks
  return doc
end

return { { Pandoc = resolve } }
