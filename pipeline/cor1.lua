-- Corollary 1 by Monte Carlo, as a sweep over the number of tasks T and of data points N: how
-- often does a random dataset (N inputs uniform on [0, 1], standard Gaussian labels) have an
-- interval where the minimum-cost interpolant is not unique (repro.univariate.nonunique: two
-- consecutive slope changes pointing the same way)?  Theory: a positive fraction for T = 1,
-- probability zero for T > 1.  Zero counts alone can hardly fail, so we also measure how the
-- near-aligned fraction falls: a dataset is eps-aligned when two consecutive slope changes (vectors
-- in R^T) are within angle eps.  Two directions in R^T meet within angle eps with probability of
-- order eps^(T-1) (a cap of the sphere S^(T-1)), so the fraction must fall like eps^(T-1); the
-- check is the fitted log-log slope within 0.2 of T - 1 for every (T, N).
local repro = require "repro"
local U = repro.univariate
local linefit = require "linefit"

local P = repro.params{trials = 50000, seed = 2024, tol = 1e-12, Tmax = 4, Ns = "6,10",
                       min_count = 20, eps_fit_max = 0.4}
local Ts, Ns = {}, {}
for T = 1, P.Tmax do Ts[T] = T end
for n in tostring(P.Ns):gmatch("%d+") do Ns[#Ns + 1] = tonumber(n) end
assert(#Ns > 0, "cor1: Ns must list the numbers of points, e.g. \"6,10\"")
-- The angles: 16 values evenly spaced in log from 0.01 to 0.6 radians.
local EPS = {}
for i = 0, 15 do EPS[#EPS + 1] = 0.01 * 60 ^ (i / 15) end

local trials, seed, tol = P.trials, P.seed, P.tol
local function point(p)
  local T, N = p.T, p.N
  math.randomseed(seed + 100 * N + T)
  local counts, aligned = {}, 0
  for e = 1, #EPS do counts[e] = 0 end
  local x, y, d = {}, {}, {}
  for i = 1, N do y[i], d[i] = {}, {} end
  for _ = 1, trials do
    for i = 1, N do
      x[i] = math.random()
      local row = y[i]
      for t = 1, T do row[t] = repro.gaussian() end
    end
    -- Sort the points by x (labels drawn independently, so sorting x alone is the same law).
    table.sort(x)
    -- Slope changes d_i = s_i - s_(i-1) at the inner points; angles of consecutive pairs on the
    -- intervals 2..N-2 (those repro.univariate.nonunique examines).
    for i = 2, N - 1 do
      local v, h0, h1 = d[i], x[i] - x[i - 1], x[i + 1] - x[i]
      for t = 1, T do
        v[t] = (y[i + 1][t] - y[i][t]) / h1 - (y[i][t] - y[i - 1][t]) / h0
      end
    end
    local best = math.huge
    for i = 2, N - 2 do
      local a, b, ab, aa, bb = d[i], d[i + 1], 0, 0, 0
      for t = 1, T do ab, aa, bb = ab + a[t] * b[t], aa + a[t] ^ 2, bb + b[t] ^ 2 end
      local ang = math.acos(math.max(-1, math.min(1, ab / math.sqrt(aa * bb))))
      if ang < best then best = ang end
    end
    for e = 1, #EPS do if best < EPS[e] then counts[e] = counts[e] + 1 end end
    -- The engine's own test, on every dataset whose best pair is within 1e-3 radians (an aligned
    -- pair has angle 0; tolerance 1e-12 is far inside): T = 1 always, T > 1 almost never.
    if best < 1e-3 then
      local xs, ys = {}, {}
      for i = 1, N do xs[i], ys[i] = x[i], {table.unpack(y[i], 1, T)} end
      if #U.nonunique(repro.dataset{x = xs, y = ys}, tol) > 0 then aligned = aligned + 1 end
    end
  end
  return {aligned = aligned, counts = counts}
end

local pts = repro.sweep("mc", {T = Ts, N = Ns}, point)

repro.value("trials", trials, {fmt = "%.0f"})
repro.value("N", Ns[1], {fmt = "%.0f"})
repro.value("Ns", table.concat(Ns, ", "))
repro.value("points", #pts, {fmt = "%.0f"})
repro.value("tol", tol, {fmt = "%.0e"})
repro.value("eps_fit_max", P.eps_fit_max, {fmt = "%.1f"})
repro.value("min_count", P.min_count, {fmt = "%.0f"})
local maxdev = 0
for _, r in ipairs(pts) do
  local frac = r.aligned / trials
  local tag = "T" .. r.T .. (r.N == Ns[1] and "" or "_N" .. r.N)
  repro.value("count_" .. tag, r.aligned, {fmt = "%.0f"})
  if r.T == 1 then
    -- Single task: aligned means two consecutive slope changes of equal sign; common.
    repro.check("frac_" .. tag, frac, {ge = 0.05, fmt = "%.4f"})
  else
    repro.check("frac_" .. tag, frac, {le = 0, fmt = "%.4f"})
  end
  -- The near-aligned fraction against eps, over the eps with enough counts to fit.
  local xs, ys = {}, {}
  for e, c in ipairs(r.counts) do
    if c >= P.min_count and EPS[e] <= P.eps_fit_max then xs[#xs + 1], ys[#ys + 1] = EPS[e], c / trials end
  end
  local sl = #xs >= 3 and linefit.loglog(xs, ys).slope or 0 / 0
  if math.abs(sl) < 1e-12 then sl = 0 end -- T = 1: a flat line (rounding gave -6e-33)
  repro.value("eps_slope_" .. tag, sl, {fmt = "%.2f"})
  local dev = math.abs(sl - (r.T - 1))
  if dev ~= dev then dev = math.huge end
  maxdev = math.max(maxdev, dev)
end
repro.check("eps_slope_maxdev", maxdev, {le = 0.2, fmt = "%.2f"})

-- The figure: log10 of the near-aligned fraction against log10 eps, one line per (T, N), with
-- the slopes T - 1 drawn dashed through each line's last fitted point.
local fig = repro.figure{name = "cor1", width = 4.6, height = 3.0, rows = 1, cols = 1, seed = seed}
local ax = fig:panel(1, 1, {xlabel = "$\\log_{10}\\varepsilon$ (radians)",
                            ylabel = "$\\log_{10}$ fraction within $\\varepsilon$"})
for _, r in ipairs(pts) do
  local lx, ly = {}, {}
  for e, c in ipairs(r.counts) do
    if c > 0 then lx[#lx + 1], ly[#ly + 1] = math.log(EPS[e], 10), math.log(c / trials, 10) end
  end
  local col = "C" .. ((r.T - 1) % 10)
  if #lx > 0 then
    ax:line(lx, ly, {color = col, width = r.N == Ns[1] and 1.4 or 0.8,
                     dash = r.N == Ns[1] and nil or {3, 2},
                     label = r.N == Ns[1] and ("$T=" .. r.T .. "$") or nil})
    ax:points(lx, ly, {color = col, size = 2})
  end
end
ax:legend{pos = "se"}
fig:save()
