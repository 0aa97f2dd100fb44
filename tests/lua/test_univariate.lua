-- repro.univariate and repro.kernel: the Lua API, values checked against closed forms, and every
-- bad-input error.
local T = require "test"
local repro = require "repro"
local U = repro.univariate

local function norm(v) local s = 0; for _, x in ipairs(v) do s = s + x * x end; return math.sqrt(s) end

-- slopes and f_D -----------------------------------------------------------------------------
local ds = repro.dataset{x = {0, 1, 3, 4}, y = {{0, 1}, {2, 1}, {2, 5}, {0, 5}}}
local s = U.slopes(ds)
T.ok("slopes: N-1 rows of T", #s == 3 and #s[1] == 2)
T.ok("slopes values", s[1][1] == 2 and s[1][2] == 0 and s[2][1] == 0 and s[2][2] == 2
                      and s[3][1] == -2 and s[3][2] == 0)
local fD = U.connect_the_dots(ds)
T.ok("spline T", fD.T == 2)
T.ok("f_D interpolates", fD(3)[1] == 2 and fD(3)[2] == 5 and fD(0)[2] == 1)
T.close("f_D linear between points", fD(2)[2], 3, 1e-15)
T.close("f_D extends with s_1 to the left", fD(-1)[1], -2, 1e-15)
T.close("f_D extends with s_{N-1} to the right", fD(6)[1], -4, 1e-15)
local ev = fD:eval({-1, 2, 6})
T.ok("eval: list of rows", #ev == 3 and #ev[2] == 2 and ev[3][1] == fD(6)[1])
local k, j = fD:knots(), fD:jumps()
T.ok("knots only at interior data points", #k == 2 and k[1] == 1 and k[2] == 3)
T.ok("jumps are slope changes", #j == 2 and j[1][1] == -2 and j[1][2] == 2 and j[2][1] == -2
                                and j[2][2] == -2)
T.close("cost = sum of jump norms", fD:cost(), math.sqrt(8) + math.sqrt(8), 1e-14)
local sl = fD:slopes()
T.ok("spline slopes: left, between nodes, right", #sl == 5 and sl[1][1] == 2 and sl[5][1] == -2
                                                   and sl[3][2] == 2)
T.ok("tostring", tostring(fD):find("repro.Spline", 1, true) ~= nil)

-- |x| has cost 2 ----------------------------------------------------------------------------
local abs = U.cpwl{knots = {0}, values = {0}, left = -1, right = 1}
T.close("cpwl |x|: cost 2", abs:cost(), 2, 0)
T.close("cpwl |x|: value", abs(-2.5)[1], 2.5, 0)
T.close("U.cost of |x| with number jumps", U.cost{knots = {0}, jumps = {2}}, 2, 0)
T.close("U.cost of rows", U.cost{knots = {0, 1}, jumps = {{3, 4}, {0, -1}}}, 6, 1e-15)
T.ok("U.cost of nothing", U.cost{knots = {}, jumps = {}} == 0)
local g = U.cpwl{knots = {0, 1}, values = {{0, 0}, {1, 2}}, left = {0, 0}, right = {1, 2}}
T.ok("cpwl with rows", g.T == 2 and g(0.5)[2] == 1 and g(3)[2] == 6)
T.close("cpwl rows: cost = ||(1,2)|| at 0", g:cost(), math.sqrt(5), 1e-15)

-- Theorem 3.1 -------------------------------------------------------------------------------
local sq = repro.dataset{x = {0, 1, 2, 3, 4, 5}, y = {0, 1, 4, 9, 16, 25}}
local nu = U.nonunique(sq)
T.ok("x^2: every interval 2..N-2 non-unique", #nu == 3 and nu[1] == 2 and nu[3] == 4)
local zig = repro.dataset{x = {0, 1, 2, 3, 4, 5}, y = {0, 1, 0, 1, 0, 1}}
T.ok("zigzag: unique", #U.nonunique(zig) == 0)
T.ok("T = 2 aligned", #U.nonunique(repro.dataset{x = {0, 1, 2, 3},
                                                 y = {{0, 0}, {1, 2}, {4, 8}, {9, 18}}}) == 1)
T.ok("T = 2 not aligned", #U.nonunique(repro.dataset{x = {0, 1, 2, 3},
                                                     y = {{0, 0}, {1, 1}, {4, 8}, {9, 27}}}) == 0)
T.ok("tol loosens alignment", #U.nonunique(repro.dataset{x = {0, 1, 2, 3},
                                                         y = {{0, 0}, {1, 1}, {4, 8}, {9, 27}}}, 1) == 1)

-- the family --------------------------------------------------------------------------------
local fsq = U.connect_the_dots(sq)
local fam = U.family(sq, 3, 0.25, -1.5) -- a, b, c = 3, 5, 7: a - b = -2, (1-tau)/tau ||b-c|| = 6
local worst = 0
for i = 1, sq.N do worst = math.max(worst, math.abs(fam(sq.x[i])[1] - sq.y[i])) end
T.close("family interpolates", worst, 0, 1e-12)
T.close("family has the cost of f_D", fam:cost(), fsq:cost(), 1e-12)
T.close("family slope b + delta on (x_i, x~)", fam:slopes()[4], 5 - 1.5, 1e-12)
T.ok("T = 1 spline eval and jumps: numbers", fsq:eval({0.5, 1.5})[2] == 2.5 and fsq:jumps()[1] == 2)
T.ok("family adds the knot x~", #fam:knots() == #fsq:knots() + 1)
T.close("family differs from f_D at x~", fam(2.25)[1] - fsq(2.25)[1], -1.5 * 0.25, 1e-12)
local sq2 = repro.dataset{x = {0, 1, 2, 3}, y = {{0, 0}, {1, 2}, {4, 8}, {9, 18}}}
local f2 = U.family(sq2, 2, 0.5, {-0.5, -1})
T.close("T = 2 family cost", f2:cost(), U.connect_the_dots(sq2):cost(), 1e-12)

-- Lemma 3.2 ---------------------------------------------------------------------------------
local lhs, rhs = U.lemma32(2, 0, -1, 1, 0.5)
T.ok("lemma32 closed form (numbers)", lhs == 3 and rhs == 3)
lhs, rhs = U.lemma32({2, 1}, {0, 0}, {-1, -0.5}, {1, 0.5}, 0.4)
T.close("lemma32 equality on rows", lhs, rhs, 1e-12)
T.close("lemma32 rhs", rhs, norm{2, 1} + norm{1, 0.5}, 1e-14)
lhs, rhs = U.lemma32({2, 1}, {0, 0}, {-1, -0.5}, {1, -0.5}, 0.4)
T.ok("lemma32 strict off the line", lhs > rhs + 1e-6)

-- the Sobolev kernel ------------------------------------------------------------------------
local ki = repro.kernel.sobolev(ds)
local kd = 0
for m = 0, 100 do
  local x = 4 * m / 100
  local a, b = ki(x), fD(x)
  for t = 1, 2 do kd = math.max(kd, math.abs(a[t] - b[t])) end
end
T.close("Sobolev interpolant = f_D on [x_1, x_N]", kd, 0, 1e-10)
T.ok("kernel T and N", ki.T == 2 and ki.N == 4)
local al = ki:alpha()
T.ok("alpha: N rows of T", #al == 4 and #al[1] == 2)
local ke = ki:eval({0.5, 3.5})
T.close("kernel eval = call", ke[2][2], ki(3.5)[2], 1e-14)
-- one point, ridge r: alpha = y / (1 + r) since k(x1, x1) = 1 ... with two points, K = [[1,1],[1,2]]
local two = repro.dataset{x = {0, 1}, y = {1, 3}}
local kr = repro.kernel.sobolev(two, {ridge = 1})
-- (K + I) alpha = y: [[2,1],[1,3]] alpha = (1,3) -> alpha = (0, 1)
T.close("ridge alpha 1", kr:alpha()[1], 0, 1e-14)
T.close("ridge alpha 2", kr:alpha()[2], 1, 1e-14)
T.close("T = 1 kernel eval: numbers", kr:eval({0, 1})[2], kr(1)[1], 1e-15)

-- errors ------------------------------------------------------------------------------------
local d2 = repro.dataset{x = {{0, 0}, {1, 0}, {0, 1}}, y = {1, 2, 3}}
T.errors("slopes: not a dataset", function() U.slopes({1, 2}) end, "slopes: ds must be a dataset")
T.errors("slopes: d = 2", function() U.slopes(d2) end, "slopes: ds must have one input (d = 1)")
T.errors("connect_the_dots: not a dataset", function() U.connect_the_dots(3) end,
         "connect_the_dots: ds must be a dataset")
T.errors("nonunique: d = 2", function() U.nonunique(d2) end, "nonunique: ds must have one input")
T.errors("nonunique: bad tol", function() U.nonunique(sq, "x") end, "nonunique: tol: expected a number")
T.errors("nonunique: negative tol", function() U.nonunique(sq, -1) end, "nonunique: tol must be >= 0")
T.errors("error carries the script line", function() U.nonunique(sq, -1) end, "test_univariate.lua:")
T.errors("cost: not a table", function() U.cost(3) end, "cost: expected a table")
T.errors("cost: unknown key", function() U.cost{knots = {0}, jumps = {1}, foo = 1} end,
         "cost: unknown option 'foo'")
T.errors("cost: missing knots", function() U.cost{jumps = {1}} end, "cost: missing field knots")
T.errors("cost: missing jumps", function() U.cost{knots = {1}} end, "cost: missing field jumps")
T.errors("cost: count mismatch", function() U.cost{knots = {0, 1}, jumps = {1}} end,
         "cost: 2 knots but 1 jumps")
T.errors("cost: unsorted knots", function() U.cost{knots = {1, 0}, jumps = {1, 1}} end,
         "cost: knots must be strictly increasing")
T.errors("cost: bad jump entry", function() U.cost{knots = {0}, jumps = {"a"}} end, "cost: jumps")
T.errors("cost: infinite jump", function() U.cost{knots = {0}, jumps = {math.huge}} end,
         "cost: jump 1 must be finite")
T.errors("cpwl: not a table", function() U.cpwl() end, "cpwl: expected a table")
T.errors("cpwl: unknown key", function() U.cpwl{knots = {0}, values = {0}, left = 0, right = 0, x = 1} end,
         "cpwl: unknown option 'x'")
T.errors("cpwl: missing right", function() U.cpwl{knots = {0}, values = {0}, left = 0} end,
         "cpwl: missing field right")
T.errors("cpwl: empty knots", function() U.cpwl{knots = {}, values = {0}, left = 0, right = 0} end,
         "cpwl: knots must be a non-empty list")
T.errors("cpwl: value count", function() U.cpwl{knots = {0, 1}, values = {0}, left = 0, right = 0} end,
         "cpwl: 2 knots but 1 values")
T.errors("cpwl: unsorted", function() U.cpwl{knots = {1, 0}, values = {0, 0}, left = 0, right = 0} end,
         "strictly increasing")
T.errors("cpwl: left length", function() U.cpwl{knots = {0}, values = {{0, 0}}, left = 0, right = {0, 0}} end,
         "cpwl: left: expected 2 numbers")
T.errors("cpwl: right type", function() U.cpwl{knots = {0}, values = {0}, left = 0, right = "x"} end,
         "cpwl: right: expected a number or a list of numbers")
T.errors("family: not aligned interval", function() U.family(zig, 3, 0.5, 0.1) end,
         "does not satisfy Theorem 3.1")
T.errors("family: i not integer", function() U.family(sq, 2.5, 0.5, -1) end,
         "family: i must be an integer")
T.errors("family: i out of range", function() U.family(sq, 1, 0.5, -1) end, "family: i must be in 2..N-2")
T.errors("family: i too large", function() U.family(sq, 5, 0.5, -1) end, "family: i must be in 2..N-2")
T.errors("family: tau type", function() U.family(sq, 3, "a", -1) end, "family: tau: expected a number")
T.errors("family: tau range", function() U.family(sq, 3, 1.5, -1) end, "family: tau must be in (0, 1)")
T.errors("family: delta wrong way", function() U.family(sq, 3, 0.5, 1) end,
         "family: delta must be aligned with a - b (slopes around interval 3)")
T.errors("family: delta too long", function() U.family(sq, 3, 0.5, -3) end, "family: delta too long")
T.errors("family: delta length", function() U.family(sq, 3, 0.5, {-1, 0}) end,
         "family: delta: expected 1 number")
T.errors("family: delta type", function() U.family(sq, 3, 0.5, true) end,
         "family: delta: expected a number or a list")
T.errors("family: T = 2 delta not aligned", function() U.family(sq2, 2, 0.5, {-1, 0}) end,
         "family: delta must be aligned")
T.errors("lemma32: lengths", function() U.lemma32({1, 2}, 1, 1, 1, 0.5) end, "lemma32: b: expected 2 numbers")
T.errors("lemma32: tau", function() U.lemma32(1, 1, 1, 1, 1) end, "lemma32: tau must be in (0, 1)")
T.errors("lemma32: tau missing", function() U.lemma32(1, 1, 1, 1) end, "lemma32: tau: expected a number")
T.errors("lemma32: a type", function() U.lemma32("a", 1, 1, 1, 0.5) end, "lemma32: a: expected a number")
T.errors("lemma32: NaN", function() U.lemma32(0/0, 1, 1, 1, 0.5) end, "lemma32: a: entry 1 must be finite")
T.errors("spline call: x type", function() fD("x") end, "spline(x): x: expected a number")
T.errors("spline eval: xs type", function() fD:eval(3) end, "spline:eval: xs: expected a list")
T.errors("spline: unknown field", function() return fD.foo end, "spline has no field 'foo'")
T.errors("kernel: not a dataset", function() repro.kernel.sobolev({}) end, "sobolev: ds must be a dataset")
T.errors("kernel: d = 2", function() repro.kernel.sobolev(d2) end, "sobolev: ds must have one input")
T.errors("kernel: unknown option", function() repro.kernel.sobolev(ds, {rige = 1}) end,
         "sobolev: unknown option 'rige'")
T.errors("kernel: ridge type", function() repro.kernel.sobolev(ds, {ridge = "a"}) end,
         "sobolev: ridge must be a number")
T.errors("kernel: negative ridge", function() repro.kernel.sobolev(ds, {ridge = -1}) end,
         "sobolev: ridge must be a finite number >= 0")
T.errors("kernel call: x type", function() ki({}) end, "kernel(x): x: expected a number")
T.errors("kernel eval: xs type", function() ki:eval("a") end, "kernel:eval: xs: expected a list")
T.errors("kernel: unknown field", function() return ki.foo end, "kernel has no field 'foo'")

T.done()
