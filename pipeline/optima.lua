-- Certified optima: exact convex programs whose solutions are proved optimal independently of
-- training (issue 12).
--   * two squares, one task: the Ergen-Pilanci reformulation over all activation patterns of the
--     data (repro.convex.relu2d), R* and its certified duality gap, with a skip connection (the
--     reformulation's usual form) and without (Figure 5's networks);
--   * the optimal set mapped: at each point z of a grid, the range of f(z) over all interpolants of
--     cost R* (repro.convex.range): zero width where the optimum is unique, positive elsewhere;
--   * (Figure 5's networks, one task and 101 tasks, are certified against their global optima by
--     column generation in pipeline/fig5.lua itself, on the networks that the figure draws);
--   * a univariate problem (3) over a knot grid: cost against R(f_D).
local repro = require "repro"
local C = repro.convex

local P = repro.params{grid = 13, slack = 1e-6, knots = 400, seed = 1}

local X, y1 = require("squares").points()
local squares = repro.dataset{x = X, y = y1}

-- R* of the two squares.
local r = assert(C.relu2d(squares))
repro.value("Rstar", r.cost, {fmt = "%.6f"})
repro.value("Rstar_gap", r.gap / r.cost, {fmt = "%.1e"})
repro.value("patterns", r.patterns, {fmt = "%.0f"})
repro.check("Rstar_is_4", math.abs(r.cost - 4) / 4, {le = 1e-3, fmt = "%.1e"})
repro.check("Rstar_certified", r.gap / r.cost, {le = 1e-6, fmt = "%.1e"})
repro.check("interpolates", r.interp, {le = 1e-6, fmt = "%.1e"})

-- The optimal set at two points, then over a grid.  C.range returns the two ends computed by the
-- cone solver (values at z of its last iterates: networks whose fit and budget hold to within
-- the residual it returns third), then bounds certified by the dual (every interpolant of cost
-- <= R* (1 + slack) has f(z) between them): the true ends lie between the two.  The largest
-- residual and the largest distance between computed and certified ends are checked, an order
-- and more below the 1e-3 width that tells a forced value from a free one.
local worst, gapmax = 0, 0
local function range(res, z)
  local lo, hi, resid, clo, chi = C.range(res, z, {slack = P.slack})
  assert(lo, hi)
  worst = math.max(worst, resid)
  gapmax = math.max(gapmax, lo - clo, chi - hi)
  return lo, hi, clo, chi
end
local _, _, clo1, chi1 = range(r, {0.75, 0.75})
local lo2, hi2 = range(r, {0.6, 0.9})
repro.check("forced_width", chi1 - clo1, {le = 1e-3, fmt = "%.1e"})
repro.value("forced_value", 0.5 * (clo1 + chi1), {fmt = "%.4f"})
repro.value("free_lo", lo2, {fmt = "%.3f"})
repro.value("free_hi", hi2, {fmt = "%.3f"})
repro.check("free_lo_is_0.2", math.abs(lo2 - 0.2), {le = 1e-2, fmt = "%.1e"})
repro.check("free_hi_is_0.8", math.abs(hi2 - 0.8), {le = 1e-2, fmt = "%.1e"})

local n, a, b = P.grid, -1.5, 1.5
local W, L, H = {}, {}, {}
-- unique: the certified interval is at most 1e-3 wide (a proof); free: the computed ends, values
-- of near-interpolants, are more than 1e-3 apart; every point must be one or the other
local unique, free, total = 0, 0, 0
for i = 1, n do
  W[i], L[i], H[i] = {}, {}, {}
  for j = 1, n do
    local z = {a + (b - a) * (j - 1) / (n - 1), a + (b - a) * (i - 1) / (n - 1)}
    local lo, hi, clo, chi = range(r, z)
    W[i][j], L[i][j], H[i][j] = hi - lo, lo, hi
    total = total + 1
    if chi - clo <= 1e-3 then unique = unique + 1 elseif hi - lo > 1e-3 then free = free + 1 end
  end
  repro.progress("range map", i, n)
end
repro.value("map_points", total, {fmt = "%.0f"})
repro.value("map_unique", unique, {fmt = "%.0f"})
repro.check("map_nonunique_somewhere", free, {ge = 1, fmt = "%.0f"})
repro.check("map_undecided", total - unique - free, {le = 0, fmt = "%.0f"})

-- Figure 5's networks have no skip connection.  Without it the linear part of f costs what any
-- neuron costs (repro.convex.relu2d{skip = false}); on these symmetric data this changes neither
-- R* nor the optimal set: the same R*, and the same range of f(z) at every other grid point.
local r0 = assert(C.relu2d(squares, {skip = false}))
repro.value("Rstar_noskip", r0.cost, {fmt = "%.6f"})
repro.check("noskip_same_Rstar", math.abs(r0.cost - r.cost) / r.cost, {le = 1e-6, fmt = "%.1e"})
repro.check("noskip_interpolates", r0.interp, {le = 1e-6, fmt = "%.1e"})
local maxdiff, compared = 0, 0
for i = 1, n, 2 do
  for j = 1, n, 2 do
    local z = {a + (b - a) * (j - 1) / (n - 1), a + (b - a) * (i - 1) / (n - 1)}
    local lo, hi = range(r0, z)
    maxdiff = math.max(maxdiff, math.abs(lo - L[i][j]), math.abs(hi - H[i][j]))
    compared = compared + 1
  end
end
repro.value("noskip_points", compared, {fmt = "%.0f"})
repro.check("noskip_same_map", maxdiff, {le = 1e-4, fmt = "%.1e"})
repro.check("range_resid", worst, {le = 1e-6, fmt = "%.1e"})
repro.check("range_certified", gapmax, {le = 5e-7, fmt = "%.1e"})

local fig = repro.figure{name = "optima", width = 7.0, height = 2.3, rows = 1, cols = 3, seed = P.seed}
local ext = {a, b, a, b}
local px, py = {}, {}
for i = 1, #X do px[i], py[i] = X[i][1], X[i][2] end
for col, item in ipairs{{L, "lowest $f(z)$"}, {H, "highest $f(z)$"}, {W, "width of the range"}} do
  local ax = fig:panel(1, col, {title = item[2], xlabel = "$z_1$", ylabel = col == 1 and "$z_2$" or nil,
                                xticks = {-1, 0, 1}, yticks = {-1, 0, 1}})
  ax:image(item[1], {extent = ext, cmap = "viridis", vmin = col == 3 and 0 or -1, vmax = col == 3 and 1.5 or 2.5,
                     colorbar = col == 3})
  ax:points(px, py, {color = "red", size = 2.5})
end
fig:save()

-- Univariate problem (3) over a grid: Theorem 3.1's f_D is optimal, cost R(f_D).
local ds = repro.dataset{x = {0, 1, 2, 3, 4, 5}, y = {1.0, 0.0, 0.2, 1.5, 1.0, 1.2}}
repro.value("knots", P.knots, {fmt = "%.0f"})
local u = assert(C.univariate(ds, {grid = P.knots}))
local fD = repro.univariate.connect_the_dots(ds)
repro.value("uni_cost", u.cost, {fmt = "%.6f"})
repro.check("uni_is_fD_cost", math.abs(u.cost - fD:cost()) / fD:cost(), {le = 1e-6, fmt = "%.1e"})
