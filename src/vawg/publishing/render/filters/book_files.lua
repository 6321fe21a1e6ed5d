--[[
Resolve image and link paths in each book file, which Quarto reads relative to the
chapter that (after includes) contains them. The Python side wraps every chapter
in a `.vawg-file` div with its project-relative `path`; this filter rewrites local
paths to project-relative ones (rooted with "/" for HTML and typst, bare for Word,
which pandoc resolves from the project directory), fails on a missing image, and
records the file's title (its first level-1 heading) on the div.
]]

local target = FORMAT

local function fail(message)
  error("vawg: " .. message, 0)
end

local function is_local(url)
  return url ~= ""
    and not url:match("^#")
    and not url:match("^//")
    and not url:match("^%a[%w+.-]*:") -- http:, mailto:, data: ...
end

-- Join a file's directory and a relative path, folding "." and "..".
local function project_path(file_path, url)
  local parts = {}
  local joined
  if url:sub(1, 1) == "/" then
    joined = url:sub(2)
  else
    joined = pandoc.path.join({ pandoc.path.directory(file_path), url })
  end
  for part in joined:gmatch("[^/]+") do
    if part == ".." then
      if #parts == 0 then return nil end
      table.remove(parts)
    elseif part ~= "." then
      table.insert(parts, part)
    end
  end
  return table.concat(parts, "/")
end

local function file_exists(path)
  local handle = io.open(path, "rb")
  if handle then handle:close() return true end
  return false
end

local function rooted(path)
  if target == "docx" then return path end
  return "/" .. path
end

local function split_fragment(url)
  local base, fragment = url:match("^([^#]*)(#.*)$")
  if base then return base, fragment end
  return url, ""
end

-- Identifier of each file's first level-1 heading, so a link to a chapter's .qmd
-- can become a jump to its heading in single-document outputs.
local heading_of_file = {}

local function first_heading_id(div)
  local found = nil
  div:walk({
    traverse = "topdown",
    Header = function(header)
      if header.level == 1 and not found then found = header.identifier end
    end,
  })
  return found
end

local function rewrite_file(div)
  local file_path = div.attributes["path"]
  local title = nil

  div = div:walk({
    traverse = "topdown", -- so the first level-1 heading seen is the first in the file
    Image = function(img)
      if not is_local(img.src) then return nil end
      local path = project_path(file_path, pandoc.path.normalize(img.src))
      if not path or not file_exists(path) then
        fail(file_path .. ": image " .. img.src .. " not found (looked for " .. (path or img.src) .. ")")
      end
      img.src = rooted(path)
      return img
    end,
    Link = function(link)
      if not is_local(link.target) then return nil end
      local base, fragment = split_fragment(link.target)
      local path = project_path(file_path, base)
      if not path then return nil end
      if path:match("%.qmd$") then
        if target == "html" then
          link.target = rooted(path:gsub("%.qmd$", ".html")) .. fragment
        elseif fragment ~= "" then
          link.target = fragment -- one document: jump to the anchor
        elseif heading_of_file[path] then
          link.target = "#" .. heading_of_file[path]
        end
      else
        link.target = rooted(path) .. fragment
      end
      return link
    end,
    Header = function(header)
      if header.level == 1 and not title then
        title = pandoc.utils.stringify(header.content)
      end
    end,
  })
  div.attributes["title"] = title or ""
  return div
end

return {
  { Meta = function(meta)
      if meta["vawg-target"] then target = pandoc.utils.stringify(meta["vawg-target"]) end
    end },
  { Pandoc = function(doc)
      for _, block in ipairs(doc.blocks) do
        if block.t == "Div" and block.classes:includes("vawg-file") then
          heading_of_file[block.attributes["path"]] = first_heading_id(block)
        end
      end
      for index, block in ipairs(doc.blocks) do
        if block.t == "Div" and block.classes:includes("vawg-file") then
          doc.blocks[index] = rewrite_file(block)
        end
      end
      return doc
    end },
}
