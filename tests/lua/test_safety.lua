-- Inputs that used to crash the engine or be read wrongly without a word (issue 16): each is now
-- a clean error naming the argument, or the right value.
local T = require "test"

local function csv(name, text)
  local path = repro.outdir .. "/" .. name
  os.execute("mkdir -p '" .. repro.outdir .. "'")
  local f = assert(io.open(path, "wb")); f:write(text); f:close()
  return path
end

-- math.random over the whole integer range: a signed overflow (UBSan abort) before.
T.errors("math.random(mininteger, maxinteger) is a clean error",
         function() return math.random(math.mininteger, math.maxinteger) end, "interval too large")
T.errors("math.random(mininteger, 0) is a clean error",
         function() return math.random(math.mininteger, 0) end, "interval too large")
do
  local v = math.random(-3, 3)
  T.ok("math.random over a small range stays in it", v >= -3 and v <= 3)
  local w = math.random(math.maxinteger - 2, math.maxinteger)
  T.ok("math.random near maxinteger stays in range", w >= math.maxinteger - 2)
end

-- Lengths that lie (__len): huge or negative lengths never reach an allocation.
local function liar(n)
  return setmetatable({}, {__len = function() return n end, __index = function() return 1 end})
end
local ax = repro.figure{name = "liar"}:panel(1, 1)
T.errors("a __len of 2^61 + 1 is refused", function() ax:line(liar(2^61 + 1), liar(2^61 + 1)) end,
         "out of range")
T.errors("a negative __len is refused", function() ax:line(liar(-5), liar(-5)) end, "out of range")
T.errors("a __len of 2^40 is refused", function() repro.dataset{x = liar(2^40), y = liar(2^40)} end,
         "out of range")
T.errors("a huge __len in column options is refused", function()
  repro.dataset.load(csv("c.csv", "x,y\n1,2\n3,4\n"), {x = liar(2^62)})
end, "out of range")

-- Integer options are range-checked, never wrapped by a cast.
T.errors("rows = 2^32 + 1 is not 1", function() repro.figure{name = "r", rows = 2^32 + 1} end,
         "rows must be an integer in 1..64")
T.errors("panel row 2^32 + 1 is not row 1", function()
  repro.figure{name = "p"}:panel(2^32 + 1, 1)
end, "row out of range")

-- Sizes: a network that cannot fit is refused with the number, before any allocation.
T.errors("repro.net{d = 1e4, K = 1e5} is refused with its size", function()
  repro.net{d = 1e4, T = 1, K = 1e5}
end, "GB of memory, only")
do
  local row = liar(2^20)
  local rows = setmetatable({}, {__len = function() return 2^20 end, __index = function() return row end})
  T.errors("a 2^20 x 2^20 matrix is refused with its size", function()
    repro.linalg.solve(rows, {1})
  end, "GB of memory, only")
end

-- CSV: a NUL byte, repeated or shared column names, numbers too small for a double.
T.errors("a NUL byte in a CSV file is an error", function()
  repro.dataset.load(csv("nul.csv", "x,y\n1,2\n3,4\0\n5,6\n"))
end, "line 3 holds a NUL byte")
local hdr = csv("cols.csv", "a,b,c\n1,2,3\n4,5,6\n")
T.errors("a column named twice in x", function() repro.dataset.load(hdr, {x = {"a", "a"}, y = "c"}) end,
         "option x names column 'a' twice")
T.errors("a column named twice in y", function() repro.dataset.load(hdr, {x = "a", y = {"c", "c"}}) end,
         "option y names column 'c' twice")
T.errors("one column as input and label", function() repro.dataset.load(hdr, {x = "a", y = {"a", "b"}}) end,
         "column 'a' is named as both an input (x) and a label (y)")
T.errors("a selected column twice in the header", function()
  repro.dataset.load(csv("dup.csv", "a,a,c\n1,2,3\n4,5,6\n"), {x = "a", y = "c"})
end, "the header names column 'a' twice")
T.errors("1e-400 is not read as 0 silently", function()
  repro.dataset.load(csv("tiny.csv", "x,y\n0,1\n1,1e-400\n"))
end, "'1e-400' is too small for a double")
-- The flush-to-zero mode of training does not reach data reading: 0 and 4.9e-324 are two x.
do
  local ds = repro.dataset.load(csv("sub.csv", "x,y\n0,1\n4.9e-324,2\n1,3\n"))
  -- (compared as text: Lua's own arithmetic runs in the flush-to-zero mode)
  T.ok("x = 0 and x = 4.9e-324 are different inputs",
       ds.N == 3 and string.format("%.2g", ds.x[2]) == "4.9e-324", string.format("%.2g", ds.x[2]))
end

-- Record formats: only one floating conversion.
T.errors("a hostile fmt is refused where it enters", function()
  repro.value("hostile", 1, {fmt = "%s%s%s%n"})
end, "must hold one")

-- Declared paths stay inside the project.
do
  local f = io.open("../repro-safety-outside.txt", "w")
  if f then
    f:close()
    T.errors("repro.output of ../x is refused", function() repro.output("../repro-safety-outside.txt") end, "outside")
    os.remove("../repro-safety-outside.txt")
  end
end
T.errors("repro.input of /etc/passwd is refused", function() repro.input("/etc/passwd") end,
         "outside")

T.done()
