-- Corollary 1 by Monte Carlo: how often does a random dataset have an interval where the
-- minimum-cost interpolant is not unique?  For each number of tasks T = 1..5 we draw `trials`
-- datasets (N inputs uniform on [0, 1], standard Gaussian labels) and count those for which
-- repro.univariate.nonunique finds an aligned interval.  Theory: a positive fraction for T = 1,
-- probability zero for T > 1.
local repro = require "repro"
local U = repro.univariate

local P = repro.params{trials = 100000, N = 6, seed = 2024, tol = 1e-12, Tmax = 5}
math.randomseed(P.seed)

repro.value("trials", P.trials, {fmt = "%.0f"})
repro.value("N", P.N, {fmt = "%.0f"})
repro.value("tol", P.tol, {fmt = "%.0e"})

local total = P.trials * P.Tmax
for T = 1, P.Tmax do
  local count = 0
  for k = 1, P.trials do
    local x, y = {}, {}
    for i = 1, P.N do
      x[i] = math.random()
      local row = {}
      for t = 1, T do row[t] = repro.gaussian() end
      y[i] = row
    end
    local ds = repro.dataset{x = x, y = y}
    if #U.nonunique(ds, P.tol) > 0 then count = count + 1 end
    if k % 1000 == 0 then
      repro.progress("cor1", (T - 1) * P.trials + k, total, "T = " .. T)
    end
  end
  local frac = count / P.trials
  repro.value("count_T" .. T, count, {fmt = "%.0f"})
  if T == 1 then
    -- Single task: aligned means two consecutive slope changes of equal sign; common.
    repro.check("frac_T1", frac, {ge = 0.05, fmt = "%.4f"})
  else
    repro.check("frac_T" .. T, frac, {le = 0, fmt = "%.4f"})
  end
end
