-- The core Lua API: datasets (and every bad-input error), checks, values, seeded random numbers.
local T = require "test"
local repro = require "repro"

T.ok("require returns the global repro", repro == _G.repro)

-- Datasets from tables -------------------------------------------------------------------------
local ds = repro.dataset{x = {3, 1, 2}, y = {{30, 31}, {10, 11}, {20, 21}}}
T.ok("dataset shape", ds.N == 3 and ds.d == 1 and ds.T == 2)
T.ok("univariate rows are sorted by x", ds.x[1] == 1 and ds.x[2] == 2 and ds.x[3] == 3)
T.ok("labels follow their rows", ds:labels(1)[1] == 10 and ds:labels(2)[3] == 31)
local s1 = repro.dataset{x = {0, 1}, y = {5, 7}}
T.ok("T = 1 labels as plain numbers", s1.T == 1 and s1.y[2] == 7)
local d2 = repro.dataset{x = {{0, 0}, {1, 0}, {0, 1}}, y = {1, 2, 3}}
T.ok("multivariate inputs", d2.d == 2 and d2:inputs(2)[3] == 1)

T.errors("ragged rows", function() repro.dataset{x = {1, 2, 3}, y = {{1, 2}, {3}, {4, 5}}} end,
         "row 2 has 1 entries, row 1 has 2")
T.errors("NaN label names row and column",
         function() repro.dataset{x = {1, 2, 3}, y = {1, 0/0, 3}} end, "row 2, column y: value is NaN")
T.errors("infinite input", function() repro.dataset{x = {1, math.huge}, y = {1, 2}} end,
         "column x: value is infinite")
T.errors("too few rows", function() repro.dataset{x = {1}, y = {1}} end, "at least 2 rows")
T.errors("duplicate univariate x", function() repro.dataset{x = {1, 2, 1}, y = {1, 2, 3}} end,
         "row 1 and row 3 have the same x = 1")
T.errors("row counts differ", function() repro.dataset{x = {1, 2, 3}, y = {1, 2}} end,
         "x has 3 rows but y has 2")
T.errors("non-number entry", function() repro.dataset{x = {1, "a"}, y = {1, 2}} end,
         "must be a number")
T.errors("unknown option", function() repro.dataset{x = {1, 2}, y = {1, 2}, z = 1} end,
         "unknown option 'z'")
T.errors("unknown field", function() return ds.foo end, "dataset has no field 'foo'")
T.errors("labels out of range", function() ds:labels(3) end, "task 3 out of range 1..2")

-- Datasets from CSV files ------------------------------------------------------------------------
local dir = repro.outdir
os.execute("mkdir -p '" .. dir .. "'")
local function csv(name, text)
  local path = dir .. "/" .. name
  local f = assert(io.open(path, "w")); f:write(text); f:close()
  return path
end
local c = repro.dataset.load(csv("ok.csv", "x,y1,y2\n2,20,21\n0,0,1\n1,10,11\n"))
T.ok("csv shape", c.N == 3 and c.d == 1 and c.T == 2)
T.ok("csv sorted", c.x[1] == 0 and c:labels(2)[3] == 21)
local c2 = repro.dataset.load(csv("named.csv", "age,skip,score\n1,9,2\n3,9,4\n"),
                              {x = {"age"}, y = {"score"}})
T.ok("csv with named columns", c2.N == 2 and c2.y[2] == 4)
T.errors("empty csv", function() repro.dataset.load(csv("empty.csv", "")) end, "the file is empty")
T.errors("csv ragged", function() repro.dataset.load(csv("ragged.csv", "x,y\n1,2\n3\n")) end,
         "line 3 has 1 fields, the header has 2")
T.errors("csv NaN", function() repro.dataset.load(csv("nan.csv", "x,y\n1,2\n2,nan\n")) end,
         "line 3, column y: value is NaN")
T.errors("csv not a number", function() repro.dataset.load(csv("txt.csv", "x,y\n1,2\n2,abc\n")) end,
         "line 3, column y: 'abc' is not a number")
T.errors("csv duplicate x", function() repro.dataset.load(csv("dup.csv", "x,y\n1,2\n1,3\n")) end,
         "have the same x = 1")
T.errors("csv one row", function() repro.dataset.load(csv("one.csv", "x,y\n1,2\n")) end,
         "at least 2 data rows")
T.errors("csv missing column", function()
  repro.dataset.load(csv("nm.csv", "a,b\n1,2\n3,4\n"), {x = {"a"}, y = {"c"}}) end,
  "no column named 'c'")
T.errors("csv missing file", function() repro.dataset.load(dir .. "/none.csv") end, "cannot open")

-- Checks and values --------------------------------------------------------------------------------
T.ok("passing check returns true", repro.check("inside", 0.5, {le = 1, ge = 0}) == true)
T.errors("failing check names value and bound",
         function() repro.check("outside", 2.5, {le = 1}) end,
         "check 'outside' failed: value 2.5, bound <= 1")
T.errors("failing check carries file:line", function() repro.check("low", -1, {ge = 0}) end,
         "test_core.lua:")
T.errors("NaN never passes", function() repro.check("nan", 0/0, {le = 1}) end, "failed")
T.errors("check needs a bound", function() repro.check("nob", 1, {}) end, "give a bound")
T.errors("duplicate names", function() repro.value("inside", 1) end, "already recorded")
T.errors("bad names", function() repro.value("a b", 1) end, "must be made of letters")
T.errors("bad fmt", function() repro.value("f", 1, {fmt = "%d"}) end, "must hold one")
T.ok("value returns its value", repro.value("pi", math.pi, {fmt = "%.3f"}) == math.pi)

-- Seeded random numbers -------------------------------------------------------------------------------
math.randomseed(42)
local a = {math.random(), math.random(10), math.random(5, 7), repro.gaussian()}
math.randomseed(42)
local b = {math.random(), math.random(10), math.random(5, 7), repro.gaussian()}
T.ok("same seed, same sequence", a[1] == b[1] and a[2] == b[2] and a[3] == b[3] and a[4] == b[4])
T.ok("ranges respected", a[1] >= 0 and a[1] < 1 and a[2] >= 1 and a[2] <= 10 and a[3] >= 5 and a[3] <= 7)
-- The generator is GSL's MT19937: GSL's own test suite (rng/test.c) expects its 1000th output for
-- seed 4357 to be 1186927261; math.random() is that output divided by 2^32.
math.randomseed(4357)
local u
for _ = 1, 1000 do u = math.random() end
T.close("MT19937 reference value", u * 4294967296.0, 1186927261, 0.5)
local sum, n = 0, 20000
for _ = 1, n do sum = sum + repro.gaussian() end
T.ok("gaussian mean near 0", math.abs(sum / n) < 4 / math.sqrt(n))

-- Declared inputs and outputs ---------------------------------------------------------------------
T.errors("repro.input of a missing file", function() repro.input("/nonexistent/data.csv") end,
         "repro.input: cannot read '/nonexistent/data.csv'")
T.errors("repro.output of a file not written", function() repro.output(repro.outdir .. "/none.csv") end,
         "does not exist (write it first)")
do
  local path = repro.outdir .. "/mine.csv"
  local f = assert(io.open(path, "w")); f:write("x,y\n1,2\n"); f:close()
  repro.output(path)
  repro.input(path)
  T.ok("declaring existing files works", true)
end

-- lua/files.lua: write_atomic leaves the new content and no temporary file; a folder that does
-- not exist is an error naming the path.
do
  local files = require "files"
  local path = os.tmpname()
  files.write_atomic(path, "first\n")
  files.write_atomic(path, "second\n")
  local f = io.open(path)
  local text = f:read("a")
  f:close()
  T.ok("write_atomic: the file holds the last text", text == "second\n")
  local dir, base = path:match("^(.*)/([^/]*)$")
  local p = io.popen("ls -a '" .. dir .. "' | grep -c -F '" .. base .. ".tmp'")
  local left = p:read("n"); p:close()
  T.ok("write_atomic: no temporary file left", left == 0)
  os.remove(path)
  -- The Makefile removes '*.tmp.*' after an interrupted build: the temporary must match it.
  T.ok("write_atomic: the temporary matches the clean-up pattern *.tmp.*",
       files.tmpname("a/b.csv"):match("^a/b%.csv%.tmp%.[%x]+$") ~= nil)
  T.ok("write_atomic: two temporaries differ", files.tmpname("x") ~= files.tmpname("x"))
  T.errors("write_atomic: missing folder", function()
    files.write_atomic("/nonexistent-dir-for-repro/x.txt", "x")
  end, "cannot write /nonexistent-dir-for-repro/x.txt.tmp.")
end

-- Boxes (lua/lbox.h): one type check, one idempotent free for every userdata ------------------
do
  local bx = repro.dataset{x = {0, 1}, y = {1, 2}}
  local net = repro.net{d = 1, T = 1, K = 2}
  T.errors("a table where a net is expected", function() net.eval({}, {{1}}) end,
           "repro.Net expected, got table")
  T.errors("a dataset where a net is expected", function() net.eval(bx, {{1}}) end,
           "repro.Net expected, got repro.Dataset")
  local closed = repro.net{d = 1, T = 1, K = 2}
  local mt = getmetatable(closed)
  T.ok("__gc and __close are one free", mt.__gc == mt.__close)
  mt.__close(closed)
  mt.__gc(closed) -- idempotent: a second free does nothing
  T.errors("a closed net", function() closed:eval({{1}}) end, "net already closed")
  T.errors("the free checks its type", function() mt.__gc(bx) end, "repro.Net expected")
  do local tbc <close> = repro.figure{name = "boxtest"}; T.ok("to-be-closed figure", tbc ~= nil) end
  local fig = repro.figure{name = "boxtest2"}
  getmetatable(fig).__close(fig)
  T.errors("a closed figure", function() fig:panel(1, 1) end, "figure already closed")
end

T.done()
