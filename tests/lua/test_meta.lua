-- The editor annotations (lua/meta/repro.lua) against the API as it is at run time: every
-- function of the repro table (recursively), every method of the objects it makes (datasets,
-- splines, kernels, networks, figures, panels: their metatables), every field of repro, has an
-- annotated declaration with a ---@param line per parameter; callable tables and objects declare
-- how they are called; and nothing is annotated that does not exist.
local T = require "test"
local repro = require "repro"

local path = (os.getenv("REPRO_LUA") or "lua") .. "/meta/repro.lua"
local f = assert(io.open(path, "r"))
local lines = {}
for line in f:lines() do lines[#lines + 1] = line end
f:close()
T.ok("the meta file is a LuaLS ---@meta file", lines[1]:match("^%-%-%-@meta") ~= nil)
T.ok("the meta file is valid Lua", loadfile(path) ~= nil, select(2, loadfile(path)))

-- Parse the declarations: classes (with their fields, overloads and call operators), the local
-- tables bound to them, and the functions defined on those, each with its doc block.
local class = {}           -- name -> {fields = {name = type}, overload = bool, call = bool}
local alias = {repro = "repro"}
local funcs = {}           -- "Class.name" -> {params = {...}, doc = {lines}, line = n}
local current, doc = nil, {}
for n, line in ipairs(lines) do
  local c = line:match("^%-%-%-@class%s+([%w_.]+)")
  if c then
    current = c
    class[c] = class[c] or {fields = {}}
  end
  if current then
    local fname, ftype = line:match("^%-%-%-@field%s+([%w_]+)%??%s+([%w_.]+)")
    if fname then class[current].fields[fname] = ftype end
    if line:match("^%-%-%-@overload%s+fun") then class[current].overload = true end
    if line:match("^%-%-%-@operator%s+call") then class[current].call = true end
  end
  local var = line:match("^local%s+([%w_]+)%s*=%s*{}") or line:match("^(repro)%s*=%s*{}")
  if var and current then alias[var] = current end
  if line:match("^%-%-%-") then
    doc[#doc + 1] = line
  else
    local owner, name, args = line:match("^function%s+([%w_]+)[.:]([%w_]+)%s*%(([^)]*)%)")
    if owner then
      local params = {}
      for p in args:gmatch("[%w_]+") do params[#params + 1] = p end
      funcs[(alias[owner] or "?" .. owner) .. "." .. name] = {params = params, doc = doc, line = n}
    end
    doc = {}
    if owner then current = nil end
  end
end

local seen = {}
local function annotated(key, label)
  seen[key] = true
  local fn = funcs[key]
  if not fn then
    return T.ok(label .. " is annotated", false, "no declaration of " .. key .. " in " .. path)
  end
  local text = table.concat(fn.doc, "\n")
  local missing = {}
  for _, p in ipairs(fn.params) do
    if not text:find("---@param " .. p .. "%??%s") then missing[#missing + 1] = p end
  end
  local described = fn.doc[1] ~= nil and not fn.doc[1]:match("^%-%-%-@")
  T.ok(label .. " is annotated", #missing == 0 and described,
       #missing > 0 and ("no ---@param for " .. table.concat(missing, ", ") .. " at line " .. fn.line)
       or ("no description above line " .. fn.line))
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do if type(k) == "string" then keys[#keys + 1] = k end end
  table.sort(keys)
  return keys
end

-- repro and its sub-tables: functions, fields, callable tables.
local function walk(tbl, prefix, cname)
  local cl = class[cname]
  if not T.ok(prefix .. " has a class (" .. cname .. ")", cl ~= nil) then return end
  local mt = getmetatable(tbl)
  if type(mt) == "table" and mt.__call then
    T.ok(prefix .. "{...} (callable) has an ---@overload", cl.overload == true)
  end
  for _, k in ipairs(sorted_keys(tbl)) do
    local v = tbl[k]
    if type(v) == "function" then
      annotated(cname .. "." .. k, prefix .. "." .. k)
    elseif type(v) == "table" then
      local sub = cl.fields[k]
      if T.ok(prefix .. "." .. k .. " is a ---@field of " .. cname, sub ~= nil) then
        walk(v, prefix .. "." .. k, sub)
      end
    else
      T.ok(prefix .. "." .. k .. " is a ---@field of " .. cname, cl.fields[k] ~= nil)
    end
  end
end
walk(repro, "repro", "repro")

-- The objects: their methods are the metatable's functions (or its __index table's).
local ds = repro.dataset{x = {0, 1, 2}, y = {1, 0, 2}}
local fig = repro.figure{name = "meta", width = 1, height = 1}
local objects = {
  ds, repro.univariate.connect_the_dots(ds), repro.kernel.sobolev(ds),
  repro.net{d = 1, T = 1, K = 2}, fig, fig:panel(1, 1),
}
local names = {}
for _, o in ipairs(objects) do
  local mt = getmetatable(o)
  local cname = mt.__name
  names[#names + 1] = cname
  if T.ok(cname .. " has a class", class[cname] ~= nil) then
    if mt.__call then T.ok(cname .. " (callable) has an ---@operator call", class[cname].call == true) end
    local methods = {}
    for k, v in pairs(mt) do
      if type(k) == "string" and type(v) == "function" and not k:match("^__") then methods[k] = true end
    end
    if type(mt.__index) == "table" then
      for k, v in pairs(mt.__index) do if type(v) == "function" then methods[k] = true end end
    end
    for _, k in ipairs(sorted_keys(methods)) do annotated(cname .. "." .. k, cname .. ":" .. k) end
  end
end
T.ok("the objects checked: " .. table.concat(names, ", "), #names == #objects)

-- Nothing annotated that is not there.
local stale = {}
for key in pairs(funcs) do if not seen[key] then stale[#stale + 1] = key end end
table.sort(stale)
T.ok("every annotated function exists at run time", #stale == 0,
     "annotated but not found: " .. table.concat(stale, ", "))
T.done()
