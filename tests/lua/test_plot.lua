-- repro.figure: every option, every error, outputs (PDF, PNG, JSON), determinism.
local T = require "test"
local repro = require "repro"

local function slurp(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

local function full(name)
  local fig = repro.figure{name = name, width = 5, height = 3, rows = 2, cols = 2, seed = 11,
                           title = "All the options"}
  local ax = fig:panel(1, 1, {title = "$D_1$", xlabel = "$x$", ylabel = "$f(x)$", xlim = {-1, 4},
                              ylim = {-2, 3}, xticks = {0, 2, 4}, yticks = {-1, 0, 1}, grid = true})
  ax:line({0, 1, 2, 3}, {0, 1, 0, 2}, {color = "C1", width = 1.5, dash = {3, 2}, label = "$f_D$"})
  ax:points({0, 1}, {0, 1}, {color = "#336699", size = 4, marker = "s", label = "data"})
  ax:points({2}, {0}, {marker = "x"})
  ax:text(1, 1, "$\\tilde x_1$ and $\\|w\\|^2$ $\\unknown$", {anchor = "ne", size = 8, color = "gray"})
  ax:arrow(0, 0, 1, 1, {color = "red", width = 1})
  ax:brace(0, -1, 2, -1, {text = "$\\tau$", side = "below"})
  ax:brace(0, 2, 2, 2, {text = "above", side = "above"})
  ax:vline(1.5, {color = "black", dash = {2, 2}})
  ax:hline(0.5, {color = "C2"})
  ax:legend{pos = "sw"}
  local b = fig:panel(1, 2, {axes = false})
  b:bar({1, 2, 3}, {3, -1, 2}, {color = "C3", width = 0.5, label = "bars"})
  b:legend{pos = "se"}
  local c = fig:panel(2, 1)
  c:image({{0, 1, 2}, {3, 4, 5}}, {extent = {0, 1, 0, 1}, cmap = "RdBu", vmin = 0, vmax = 5, colorbar = true})
  local d = fig:panel(2, 2, {})
  d:image({{1, 2}, {3, 4}}, {cmap = "viridis"})
  return fig
end

local fig = full("plot_a")
local paths = fig:save()
T.ok("save returns pdf, png, json paths", #paths == 3 and paths[1]:match("plot_a%.pdf$")
     and paths[2]:match("plot_a%.png$") and paths[3]:match("plot_a%.json$"))
local pdf, png, js = slurp(paths[1]), slurp(paths[2]), slurp(paths[3])
T.ok("pdf written", pdf and pdf:sub(1, 5) == "%PDF-")
T.ok("png written", png and png:sub(2, 4) == "PNG")
-- PNG size from the IHDR chunk: 5 in x 3 in at 150 dpi
local w = string.unpack(">I4", png, 17)
local h = string.unpack(">I4", png, 21)
T.ok("png is 750 x 450", w == 750 and h == 450, w .. "x" .. h)
T.ok("sidecar fields", js:find('"figure": "plot_a"', 1, true) and js:find('"png_dpi": 150', 1, true)
     and js:find('"seeds": [', 1, true) and js:find('"title": "All the options"', 1, true))
T.ok("sidecar series colours as hex", js:find('"color": "#ff7f0e"', 1, true)
     and js:find('"color": "#336699"', 1, true))
T.ok("sidecar limits as given", js:find('"xlim": [', 1, true) ~= nil)
T.ok("sidecar kinds", js:find('"kind": "bar"', 1, true) and js:find('"kind": "image"', 1, true)
     and js:find('"kind": "brace"', 1, true) and js:find('"kind": "vline"', 1, true))
T.errors("saving twice", function() fig:save() end, "already saved")

-- Determinism: the same figure under another name renders the same PNG.
local p2 = full("plot_b"):save()
T.ok("png byte-identical on a second render", slurp(p2[2]) == png)
local j2 = slurp(p2[3]):gsub("plot_b", "plot_a")
T.ok("json identical up to the name", j2 == js)

-- Default limits: data range with a 5% margin.
local f3 = repro.figure{name = "plot_c", width = 3, height = 2}
f3:panel(1, 1):line({0, 10}, {0, 1})
f3:save()
local j3 = slurp(repro.figdir .. "/plot_c.json")
local lo, hi = j3:match('"xlim": %[%s*([-%d.e]+),%s*([-%d.e]+)%s*%]')
T.close("default xlim low = min - 5% of range", tonumber(lo), -0.5, 1e-12)
T.close("default xlim high = max + 5% of range", tonumber(hi), 10.5, 1e-12)
local ylo = j3:match('"ylim": %[%s*([-%d.e]+),')
T.close("default ylim low", tonumber(ylo), -0.05, 1e-12)

-- Errors -----------------------------------------------------------------------------------------
T.errors("unknown figure option", function() repro.figure{name = "e", colour = 1} end, "colour")
T.errors("figure without name", function() repro.figure{width = 3} end, "name")
T.errors("bad width", function() repro.figure{name = "e", width = -1} end, "width")
T.errors("bad grid", function() repro.figure{name = "e", rows = 0} end, "rows")
T.errors("seed not integer", function() repro.figure{name = "e", seed = 1.5} end, "seed")
local e = repro.figure{name = "e", rows = 1, cols = 2}
T.errors("panel outside the grid", function() e:panel(2, 1) end, "outside")
T.errors("panel column outside", function() e:panel(1, 3) end, "outside")
local ax = e:panel(1, 1)
T.errors("panel twice", function() e:panel(1, 1) end, "already")
T.errors("unknown panel option", function() e:panel(1, 2, {xlimit = {0, 1}}) end, "xlimit")
local e2 = repro.figure{name = "e2"}
T.errors("bad xlim", function() e2:panel(1, 1, {xlim = {1}}) end, "xlim")
T.errors("xlim equal ends", function() repro.figure{name = "e3"}:panel(1, 1, {xlim = {1, 1}}) end, "xlim")
T.errors("mismatched xs, ys", function() ax:line({1, 2}, {1}) end, "same length")
T.errors("non-number in xs", function() ax:line({1, "a"}, {1, 2}) end, "xs")
T.errors("bad colour", function() ax:line({1}, {1}, {color = "redish"}) end, "color")
T.errors("bad hex colour", function() ax:points({1}, {1}, {color = "#12"}) end, "color")
T.errors("unknown line option", function() ax:line({1}, {1}, {style = "-"}) end, "style")
T.errors("bad dash", function() ax:line({1}, {1}, {dash = {0, 1}}) end, "dash")
T.errors("bad marker", function() ax:points({1}, {1}, {marker = "*"}) end, "marker")
T.errors("bad anchor", function() ax:text(0, 0, "t", {anchor = "up"}) end, "anchor")
T.errors("text needs a string", function() ax:text(0, 0) end, "string")
T.errors("bad brace side", function() ax:brace(0, 0, 1, 0, {side = "left"}) end, "side")
T.errors("arrow needs numbers", function() ax:arrow(0, 0, 1) end, "number")
T.errors("bad legend pos", function() ax:legend{pos = "top"} end, "pos")
T.errors("unknown vline option", function() ax:vline(1, {style = 1}) end, "style")
T.errors("bad bar width", function() ax:bar({1}, {1}, {width = 0}) end, "width")
T.errors("bad cmap", function() ax:image({{1}}, {cmap = "jet"}) end, "cmap")
T.errors("bad extent", function() ax:image({{1}}, {extent = {0, 1, 0}}) end, "extent")
T.errors("vmin > vmax", function() ax:image({{1}}, {vmin = 2, vmax = 1}) end, "vmin")
T.errors("ragged matrix", function() ax:image({{1, 2}, {1}}) end, "matrix")
T.ok("math with unknown commands renders", pcall(function()
  local f = repro.figure{name = "plot_d"}
  f:panel(1, 1):text(0, 0, "$\\frac{a}{b} \\weird_{x}^{ & $ <b>unclosed")
  f:save()
end))
T.done()
