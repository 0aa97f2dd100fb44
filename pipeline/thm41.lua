-- Theorem 4.1 and Lemma 4.2 measured (the paper proves them, shows no numbers), as a sweep over
-- the number of tasks T and the seed.  Networks are trained on T exchangeable random tasks
-- (Bernoulli(1/2) labels on the eight points of Figure 5).  For every task s, with the other
-- tasks' output weights held at the trained optimum,
--   J(v_s) = sum_i (y_is - f_s(x_i))^2 + lambda sum_k sqrt(v_ks^2 + ||v_k\s||^2)   (14)
--   H(v_s) = same loss + lambda sum_k (||v_k\s|| + v_ks^2 / (2 ||v_k\s||))          (15)
-- in the paper's normalisation (a summed loss, lambda fixed as T grows: our training objective
-- is this divided by N T, so we train with lambda_wd = lambda / (2 N T)).  We report the task
-- averages of |J - H| at the trained weights v*_s and of J(v') - J(v*_s), v' the minimiser of H
-- (a weighted ridge regression, solved in closed form), against T.  The theorem bounds both by
-- O(T^(-1/4)); the check is that they fall at least that fast (the upper end of the slope's 95 %
-- confidence interval).  Lemma 4.2 with beta = 1/2: ||v_k\s||^2 >= (1 - T^(-1/2)) ||v_k||^2 holds
-- with probability at least 1 - T^(-1/2); we count the (neuron, task) pairs for which it holds.
-- Each (T, seed) is a cached point of the sweep: more seeds or a larger Tmax run only new points.
local repro = require "repro"
local ridge = require "ridge"
local linefit = require "linefit"

local P = repro.params{K = 100, lambda = 1.616, steps = 3000, lr = 1e-2, lr_min = 1e-4,
                       polish_iter = 20000, seeds = 5, Tmax = 32, nT = 10, Tfit = 8}
local X = {}
for _, h in ipairs{1, 0.5} do
  for _, s in ipairs{{1, 1}, {-1, 1}, {-1, -1}, {1, -1}} do X[#X + 1] = {s[1] * h, s[2] * h} end
end
-- The T grid: nT values spaced evenly in log T from 2 to Tmax, rounded (repeats dropped).
local Ts = {}
for i = 0, P.nT - 1 do
  local T = math.floor(2 * (P.Tmax / 2) ^ (i / math.max(P.nT - 1, 1)) + 0.5)
  if T ~= Ts[#Ts] then Ts[#Ts + 1] = T end
end
local seeds = {}
for s = 1, P.seeds do seeds[s] = s end

-- One point: train on T random tasks, polish, then the two gaps averaged over the tasks and the
-- share of (neuron, task) pairs meeting Lemma 4.2's lower bound.
local K, lambda, steps, lr, lr_min, polish_iter = P.K, P.lambda, P.steps, P.lr, P.lr_min,
                                                  P.polish_iter
local function point(p)
  local T, N = p.T, #X
  math.randomseed(1000 * p.seed + T)
  local Y = {}
  for i = 1, N do
    Y[i] = {}
    for t = 1, T do Y[i][t] = math.random() < 0.5 and 1 or 0 end
  end
  local ds = repro.dataset{x = X, y = Y}
  local lam_wd = lambda / (2 * N * T)
  local net = repro.net{d = 2, T = T, K = K, skip = false, seed = 1000 * p.seed + T}
  net:train(ds, {lambda = lam_wd, steps = steps, lr = lr, schedule = "cosine", lr_min = lr_min})
  local pol = net:train(ds, {lambda = lam_wd, optimizer = "polish", polish_iter = polish_iter})
  local prm = net:params()
  local nu = ridge.unit_neurons(net)
  local V, Ka = nu.V, #nu.b
  local Phi = ridge.features(nu, X)
  local gapJH, gapJ, minJ, held = 0, 0, math.huge, 0
  for s = 1, T do
    local rest = {}
    for k = 1, Ka do
      local r = 0
      for t = 1, T do if t ~= s then r = r + V[k][t] ^ 2 end end
      rest[k] = math.sqrt(r)
      if r >= (1 - T ^ -0.5) * nu.norm[k] ^ 2 then held = held + 1 end
    end
    local function loss(v, c)
      local l = 0
      for i = 1, N do
        local f = c
        for k = 1, Ka do f = f + v[k] * Phi[i][k] end
        l = l + (Y[i][s] - f) ^ 2
      end
      return l
    end
    local function J(v, c)
      local pen = 0
      for k = 1, Ka do pen = pen + math.sqrt(v[k] ^ 2 + rest[k] ^ 2) end
      return loss(v, c) + lambda * pen
    end
    local function H(v, c)
      local pen = 0
      for k = 1, Ka do pen = pen + rest[k] + v[k] ^ 2 / (2 * rest[k]) end
      return loss(v, c) + lambda * pen
    end
    local vstar = {}
    for k = 1, Ka do vstar[k] = V[k][s] end
    local ys = {}
    for i = 1, N do ys[i] = Y[i][s] end
    -- argmin H: the weighted ridge regression with weights ||v_k\s||, ridge lambda/2 and a free
    -- constant (lua/ridge.lua).
    local vp, cp = ridge.solve(Phi, rest, ys, lambda / 2)
    local d = J(vp, cp) - J(vstar, prm.c[s])
    gapJH = gapJH + math.abs(H(vstar, prm.c[s]) - J(vstar, prm.c[s])) / T
    gapJ = gapJ + d / T
    minJ = math.min(minJ, d)
  end
  return {gapJH = gapJH, gapJ = gapJ, minJ = minJ, certificate = pol.certificate, active = Ka,
          lemma42 = held / (Ka * T)}
end

local pts = repro.sweep("gaps", {T = Ts, seed = seeds}, point)

-- Gather: per T the seeds' values; slopes fitted over all (T >= Tfit, seed) points.
local byT = {}
for i, T in ipairs(Ts) do byT[T] = i end
local rows = {}
for i = 1, #Ts do rows[i] = {JH = {}, J = {}, L = {}} end
local cert, minJ, fx, fJH, fJ = 0, math.huge, {}, {}, {}
local worst42 = math.huge
for _, r in ipairs(pts) do
  local row = rows[byT[r.T]]
  row.JH[#row.JH + 1], row.J[#row.J + 1], row.L[#row.L + 1] = r.gapJH, r.gapJ, r.lemma42
  cert = math.max(cert, r.certificate)
  minJ = math.min(minJ, r.minJ)
  worst42 = math.min(worst42, r.lemma42 - (1 - r.T ^ -0.5))
  if r.T >= P.Tfit then
    fx[#fx + 1], fJH[#fJH + 1], fJ[#fJ + 1] = r.T, r.gapJH, r.gapJ
  end
end
local sJH, sJ = linefit.loglog(fx, fJH), linefit.loglog(fx, fJ)
local function mean(t)
  local s = 0
  for _, v in ipairs(t) do s = s + v / #t end
  return s
end
local function range(t)
  local lo, hi = math.huge, -math.huge
  for _, v in ipairs(t) do lo, hi = math.min(lo, v), math.max(hi, v) end
  return lo, hi
end
local l42min, l42T = math.huge, 0
for i, T in ipairs(Ts) do
  local lo = range(rows[i].L)
  if lo < l42min then l42min, l42T = lo, T end
end

repro.value("T_max", Ts[#Ts], {fmt = "%.0f"})
repro.value("nT", #Ts, {fmt = "%.0f"})
repro.value("seeds", #seeds, {fmt = "%.0f"})
repro.value("points", #pts, {fmt = "%.0f"})
repro.value("Tfit", P.Tfit, {fmt = "%.0f"})
repro.value("K", K, {fmt = "%.0f"})
repro.value("lambda", lambda, {fmt = "%.3f"})
repro.value("certificate", cert - 1, {fmt = "%.1e"})
repro.check("J_gap_nonneg", minJ, {ge = -1e-9, fmt = "%.1e"})
repro.value("slope_JH", sJH.slope, {fmt = "%.2f"})
repro.value("slope_JH_ci", sJH.ci, {fmt = "%.2f"})
repro.value("slope_J", sJ.slope, {fmt = "%.2f"})
repro.value("slope_J_ci", sJ.ci, {fmt = "%.2f"})
repro.check("slope_JH_upper", sJH.slope + sJH.ci, {le = -0.25, fmt = "%.2f"})
repro.check("slope_J_upper", sJ.slope + sJ.ci, {le = -0.25, fmt = "%.2f"})
repro.value("gapJH_first", mean(rows[1].JH), {fmt = "%.1e"})
repro.value("gapJH_last", mean(rows[#Ts].JH), {fmt = "%.1e"})
repro.value("gapJ_last", mean(rows[#Ts].J), {fmt = "%.1e"})
-- Lemma 4.2: the share of (neuron, task) pairs meeting the lower bound, against 1 - T^(-1/2).
repro.value("lemma42_frac_min", l42min, {fmt = "%.3f"})
repro.value("lemma42_frac_min_T", l42T, {fmt = "%.0f"})
repro.value("lemma42_guarantee_T2", 1 - 2 ^ -0.5, {fmt = "%.3f"})
repro.check("lemma42_margin", worst42, {ge = 0, fmt = "%.3f"})

-- The figure: (left) log10 of both gaps against log10 T, mean over seeds with the seeds' range as
-- a bar, the theorem's rate through the first mean; (right) Lemma 4.2's share against its bound.
local lx, a, c, ra, rc, l42, g42 = {}, {}, {}, {}, {}, {}, {}
local fig = repro.figure{name = "thm41", width = 6.4, height = 2.8, rows = 1, cols = 2,
                         seed = seeds[1]}
local ax = fig:panel(1, 1, {xlabel = "$\\log_{10} T$", ylabel = "$\\log_{10}$ gap"})
local ax2 = fig:panel(1, 2, {xlabel = "$\\log_{10} T$", ylabel = "share meeting Lemma 4.2"})
for i, T in ipairs(Ts) do
  lx[i] = math.log(T, 10)
  a[i] = math.log(mean(rows[i].JH), 10)
  c[i] = math.log(math.max(mean(rows[i].J), 1e-300), 10)
  ra[i] = a[1] - 0.25 * (lx[i] - lx[1])
  rc[i] = c[1] - 0.25 * (lx[i] - lx[1])
  local lo, hi = range(rows[i].JH)
  ax:line({lx[i], lx[i]}, {math.log(lo, 10), math.log(hi, 10)}, {color = "C0", width = 0.8})
  lo, hi = range(rows[i].J)
  ax:line({lx[i], lx[i]}, {math.log(math.max(lo, 1e-300), 10), math.log(hi, 10)},
          {color = "C1", width = 0.8})
  l42[i], g42[i] = mean(rows[i].L), 1 - T ^ -0.5
  lo, hi = range(rows[i].L)
  ax2:line({lx[i], lx[i]}, {lo, hi}, {color = "C2", width = 0.8})
end
ax:line(lx, a, {color = "C0", width = 1.5, label = "$|J - H|$ at $v^*$"})
ax:points(lx, a, {color = "C0", size = 3})
ax:line(lx, c, {color = "C1", width = 1.5, label = "$J(v') - J(v^*)$"})
ax:points(lx, c, {color = "C1", size = 3})
ax:line(lx, ra, {color = "gray", width = 0.9, dash = {3, 2}, label = "rate $T^{-1/4}$"})
ax:line(lx, rc, {color = "gray", width = 0.9, dash = {3, 2}})
ax:legend{pos = "sw"}
ax2:line(lx, l42, {color = "C2", width = 1.5, label = "measured"})
ax2:points(lx, l42, {color = "C2", size = 3})
ax2:line(lx, g42, {color = "gray", width = 0.9, dash = {3, 2}, label = "$1 - T^{-1/2}$"})
ax2:legend{pos = "se"}
fig:save()
