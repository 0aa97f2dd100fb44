-- repro.convex from Lua: results against independent values (R(f_D) by Theorem 3.1, R* = 4 of the
-- two squares, f_D itself), nil + reason on a too small budget, clean errors on bad input.
local T = require "test"
local C = repro.convex
local U = repro.univariate

-- Univariate interpolation over a grid: cost R(f_D), and the spline interpolates.
local ds = repro.dataset{x = {0, 1, 2, 3, 4, 5}, y = {1.0, 0.0, 0.2, 1.5, 1.0, 1.2}}
local fD = U.connect_the_dots(ds)
local u = assert(C.univariate(ds, {grid = 400}))
T.close("univariate: cost = R(f_D) (Theorem 3.1)", u.cost, fD:cost(), 1e-6 * fD:cost())
T.ok("univariate: gap certified", u.gap <= 1e-6 * u.cost, u.gap)
local worst = 0
for i = 1, ds.N do worst = math.max(worst, math.abs(u.spline(ds.x[i])[1] - ds.y[i])) end
T.ok("univariate: the spline interpolates", worst < 1e-9, worst)
T.ok("univariate: knots and jumps", #u.knots == #u.jumps and #u.knots >= 1)
local nil1, why = C.univariate(ds, {grid = 400, lambda = 1e-3, tol = 1e-9, max_iter = 1})
T.ok("univariate: a budget of one iteration gives nil and a reason", nil1 == nil and why:find("budget"), why)
local nil0, why0 = C.univariate(ds, {grid = 400, tol = 1e-9, max_iter = 1})
T.ok("univariate: one Newton step gives nil and a reason", nil0 == nil and why0:find("budget"), why0)
local tight = assert(C.univariate(ds, {grid = 400, tol = 1e-12}))
T.close("univariate: tol = 1e-12 reached, cost = R(f_D)", tight.cost, fD:cost(), 1e-12 * fD:cost())
T.errors("univariate: d = 2 refused", function() C.univariate(repro.dataset{x = {{0, 0}, {1, 0}, {0, 1}}, y = {1, 2, 3}}) end, "d = 1")
T.errors("univariate: negative lambda refused", function() C.univariate(ds, {lambda = -1}) end, "lambda")
T.errors("univariate: unknown option refused", function() C.univariate(ds, {grids = 3}) end, "grids")

-- Two squares (lua/squares.lua, the points of Figures 5 and 7): R* = 4, the range map at two
-- points.
local X, y = require("squares").points()
local sq = repro.dataset{x = X, y = y}
local r = assert(C.relu2d(sq))
T.close("relu2d: two squares R* = 4", r.cost, 4, 4e-3)
T.ok("relu2d: certified gap", r.gap <= 1e-6 * r.cost, r.gap)
T.ok("relu2d: 46 patterns (brute force in tests/c)", r.patterns == 46, r.patterns)
local r0 = assert(C.relu2d(sq, {skip = false}))
T.close("relu2d{skip = false}: two squares R* = 4 as well", r0.cost, 4, 4e-6)
T.ok("relu2d{skip = false}: the network has no skip connection", r0.net:params().A == nil, r0.net:params().A)
T.errors("relu2d: skip must be a boolean", function() C.relu2d(sq, {skip = 1}) end, "skip")
local fit = 0
for i, row in ipairs(r.net:eval(X)) do
  fit = math.max(fit, math.abs((type(row) == "table" and row[1] or row) - y[i]))
end
T.ok("relu2d: the network interpolates", fit < 1e-6, fit)
local lo, hi = C.range(r, {0.75, 0.75})
T.ok("range: f(0.75, 0.75) forced to 0.5", math.abs(lo - 0.5) < 1e-4 and math.abs(hi - 0.5) < 1e-4, lo .. " " .. hi)
lo, hi = C.range(r, {0.6, 0.9})
T.ok("range: f(0.6, 0.9) in about [0.2, 0.8]", math.abs(lo - 0.2) < 1e-3 and math.abs(hi - 0.8) < 1e-3, lo .. " " .. hi)
local n2, why2 = C.relu2d(sq, {max_iter = 3})
T.ok("relu2d: a too small budget gives nil and a reason", n2 == nil and why2:find("budget"), why2)
T.errors("relu2d: T = 2 refused", function() C.relu2d(repro.dataset{x = X, y = (function() local t = {} for i = 1, 8 do t[i] = {0, 1} end return t end)()}) end, "T = 1")
T.errors("relu2d: d = 1 refused", function() C.relu2d(ds) end, "d = 2")
X[2] = {1, 1}
T.errors("relu2d: duplicate points refused", function() C.relu2d(repro.dataset{x = X, y = y}) end, "same point")
T.errors("dataset: NaN refused", function() repro.dataset{x = {{0, 0/0}, {1, 0}, {0, 1}}, y = {1, 2, 3}} end, "")

-- certify: a network of the optimal function is certified; gap against the trained objective.
X[2] = {-1, 1}
local net = repro.net{d = 2, T = 1, K = 4, skip = true, seed = 3}
local c = assert(C.certify(net, repro.dataset{x = X, y = y}, {lambda = 1e-4, objective = "group"}))
T.ok("certify: certified gap", c.gap <= 1e-6 * c.objective, c.gap)
T.ok("certify: the optimum is below the untrained network's objective", c.dual <= c.trained)
T.errors("certify: d = 1 refused", function() C.certify(repro.net{d = 1, T = 1, K = 2}, ds) end, "d = 2")
T.done()
