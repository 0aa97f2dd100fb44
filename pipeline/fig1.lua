-- Figure 1: one task, two different interpolants of minimal representational cost.
-- The data are chosen so that the slope changes on both sides of interval 2 have the same sign;
-- Theorem 3.1's construction then moves cost from the knots at x_2 and x_3 into one knot inside
-- (x_2, x_3).  With the largest admissible perturbation (scale = 1) and the knot's position tau
-- chosen so that both bounds on the perturbation are equal, the knots at x_2 and x_3 both
-- disappear into the one new knot: the left-hand interpolant has fewer knots than f_D, one of
-- them not at a data point.
local repro = require "repro"
local U = repro.univariate
local curves = require "curves"

local P = repro.params{tau = 0, scale = 1.0, ncombos = 9} -- tau = 0: the merging tau (below)

local ds = repro.dataset{x = {0, 1, 2, 3, 4, 5}, y = {1.0, 0.0, 0.2, 1.5, 1.0, 1.2}}
local fD = U.connect_the_dots(ds)
local bad = U.nonunique(ds)
repro.check("nonunique_count", #bad, {ge = 1, fmt = "%.0f"})
local i = bad[1]
-- The largest admissible perturbation: aligned with a - b, no longer than |a - b| nor than
-- ((1 - tau) / tau) |b - c| (a, b, c: the slopes left of, on, and right of the interval).
local s = U.slopes(ds)
local a, b, c = s[i - 1], s[i], s[i + 1]
-- |a - b| = ((1 - tau) / tau) |b - c| at tau = |b - c| / (|a - b| + |b - c|).
if P.tau == 0 then P.tau = math.abs(b - c) / (math.abs(a - b) + math.abs(b - c)) end
local size = math.min(math.abs(a - b), (1 - P.tau) / P.tau * math.abs(b - c))
local delta = P.scale * size * (a - b > 0 and 1 or -1)
local sparse = U.family(ds, i, P.tau, delta)

repro.value("N", ds.N, {fmt = "%.0f"})
repro.value("interval", i, {fmt = "%.0f"})
repro.value("tau", P.tau, {fmt = "%.2f"})
repro.value("delta", delta, {fmt = "%.2f"})
repro.value("cost_fD", fD:cost(), {fmt = "%.4f"})
repro.value("cost_sparse", sparse:cost(), {fmt = "%.4f"})
local function nknots(sp)
  local n = 0
  for _, j in ipairs(sp:jumps()) do if math.abs(j) > 1e-12 then n = n + 1 end end
  return n
end
repro.value("knots_fD", nknots(fD), {fmt = "%.0f"})
repro.check("knots_sparse", nknots(sparse), {le = nknots(fD) - 1, fmt = "%.0f"})

-- Both interpolate; both cost the same.
repro.check("interp_fD", curves.interp_error(fD, ds), {le = 1e-12, fmt = "%.1e"})
repro.check("interp_sparse", curves.interp_error(sparse, ds), {le = 1e-12, fmt = "%.1e"})
repro.check("cost_equal", math.abs(sparse:cost() - fD:cost()) / fD:cost(), {le = 1e-12, fmt = "%.1e"})

-- Every mixture theta * sparse + (1 - theta) * f_D is optimal too: its jumps live on the union
-- of the two knot sets.
local function jumps_at(sp, knots)
  local at = {}
  local ks, js = sp:knots(), sp:jumps()
  for k, x in ipairs(ks) do at[x] = js[k] end
  local out = {}
  for k, x in ipairs(knots) do out[k] = at[x] or 0 end
  return out
end
local union = {}
for _, sp in ipairs{fD, sparse} do for _, x in ipairs(sp:knots()) do union[#union + 1] = x end end
table.sort(union)
local knots = {}
for _, x in ipairs(union) do if #knots == 0 or x > knots[#knots] then knots[#knots + 1] = x end end
local ja, jb = jumps_at(sparse, knots), jumps_at(fD, knots)
local worst = 0
for k = 1, P.ncombos do
  local theta = k / (P.ncombos + 1)
  local jumps = {}
  for m = 1, #knots do jumps[m] = theta * ja[m] + (1 - theta) * jb[m] end
  local cost = U.cost{knots = knots, jumps = jumps}
  worst = math.max(worst, (cost - fD:cost()) / fD:cost())
end
repro.value("ncombos", P.ncombos, {fmt = "%.0f"})
repro.check("convex_cost", worst, {le = 1e-12, fmt = "%.1e"})

-- They are different functions.
local xs = curves.grid(-0.5, 5.5, 241, knots)
repro.check("distinct", curves.maxdiff(fD, sparse, xs), {ge = 0.05, fmt = "%.3f"})

-- The figure: left the sparse solution, right connect-the-dots.
local fig = repro.figure{name = "fig1", width = 6.4, height = 2.4, rows = 1, cols = 2}
-- Shared y-limits that show both curves whole (the sparse one dips below the data).
local lo, hi = curves.range(ds.y)
for _, sp in ipairs{sparse, fD} do
  local l, h = curves.range(curves.sample(sp, xs))
  lo, hi = math.min(lo, l), math.max(hi, h)
end
local pad = 0.08 * (hi - lo)
local yl = {lo - pad, hi + pad}
for col, item in ipairs{{sparse, "a knot between data points"}, {fD, "connect-the-dots $f_D$"}} do
  local ax = fig:panel(1, col, {title = item[2], xlabel = "$x$", ylabel = col == 1 and "$f(x)$" or nil,
                                xlim = {-0.5, 5.5}, ylim = yl})
  ax:line(xs, curves.sample(item[1], xs), {color = "C0", width = 1.6})
  ax:points(ds.x, ds.y, {color = "red", size = 3.5})
end
fig:save()
