-- repro.sweep from a script: the grid's order (names sorted, the first varying slowest), values
-- merged with coordinates, values of every kind round-tripped exactly, a generator per point,
-- and clean errors (each point runs in a process of its
-- own: build/repro point).
local T = require "test"

local r = repro.sweep("order", {b = {"x", "y"}, a = {1, 2.5}}, function(p)
  return {tag = p.a .. p.b, third = 1 / 3, big = 2 ^ 60, int = 7, flag = true,
          list = {1, 2.25, -0.1}, nested = {k = {1}}, u = math.random()}
end)
T.ok("4 points", #r == 4)
T.ok("names sorted, first slowest", r[1].tag == "1x" and r[2].tag == "1y" and r[3].tag == "2.5x" and
     r[4].tag == "2.5y")
T.ok("coordinates merged", r[3].a == 2.5 and r[3].b == "x")
T.ok("a double round-trips exactly", r[1].third == 1 / 3)
T.ok("integers stay integers", math.type(r[1].int) == "integer" and r[1].big == 2 ^ 60)
T.ok("booleans, lists and tables", r[1].flag == true and r[1].list[2] == 2.25 and r[1].nested.k[1] == 1)
T.ok("each point draws from its own generator", r[1].u ~= r[2].u and r[1].u >= 0 and r[1].u < 1)
T.errors("a sweep name is used once per script", function()
  repro.sweep("order", {a = {1}}, function() return {} end)
end, "a sweep 'order' is already")
T.errors("a point must return a table", function()
  repro.sweep("e1", {a = {1}}, function() return 3 end)
end, "1 of the 1 points to run failed")
T.errors("a non-finite value fails its point", function()
  repro.sweep("e2", {a = {1}}, function() return {x = 0 / 0} end)
end, "points to run failed")
T.errors("the grid must not be empty", function() repro.sweep("e3", {}, function() end) end,
         "the grid is empty")
T.errors("grid values are numbers, text or booleans", function()
  repro.sweep("e4", {a = {{}}}, function() end)
end, "grid entry a[1] is a table")
T.errors("a sweep needs a name of letters", function()
  repro.sweep("no spaces", {a = {1}}, function() end)
end, "must be made of letters")
T.errors("a captured coroutine cannot be keyed", function()
  local co = coroutine.create(function() end)
  repro.sweep("e5", {a = {1}}, function() return {ok = co ~= nil} end)
end, "the captured variable 'co' is a thread")
T.errors("sweep options are checked by name", function()
  repro.sweep("e6", {a = {1}}, function() return {} end, {slurmm = "--time=5"})
end, "slurmm")
T.errors("the slurm option is a string of options", function()
  repro.sweep("e7", {a = {1}}, function() return {} end, {slurm = 5})
end, "option slurm must be a string")
local o = repro.sweep("opts", {a = {1, 2}}, function(p) return {b = 2 * p.a} end, {slurm = "--time=5"})
T.ok("the slurm option changes nothing here (local)", #o == 2 and o[2].b == 4)
T.done()
