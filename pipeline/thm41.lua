-- Theorem 4.1 measured (the paper proves it, shows no numbers).  Networks are trained on T
-- exchangeable random tasks (Bernoulli(1/2) labels on the eight points of Figure 5) for T from 2
-- to 128.  For every task s, with the other tasks' output weights held at the trained optimum,
--   J(v_s) = sum_i (y_is - f_s(x_i))^2 + lambda sum_k sqrt(v_ks^2 + ||v_k\s||^2)   (14)
--   H(v_s) = same loss + lambda sum_k (||v_k\s|| + v_ks^2 / (2 ||v_k\s||))          (15)
-- in the paper's normalisation (a summed loss, lambda fixed as T grows: our training objective
-- is this divided by N T, so we train with lambda_wd = lambda / (2 N T)).  We report the task
-- averages of |J - H| at the trained weights v*_s and of J(v') - J(v*_s), v' the minimiser of H
-- (a weighted ridge regression, solved in closed form), against T.  The theorem bounds both by
-- O(T^(-1/4)); the check is that they fall at least that fast.
local repro = require "repro"
local ridge = require "ridge"

local P = repro.params{K = 400, lambda = 1.616, steps = 20000, lr = 1e-2, lr_min = 1e-4,
                       seed = 9, Tmax = 128, Tfit = 8}
math.randomseed(P.seed)
local X = {}
for _, h in ipairs{1, 0.5} do
  for _, s in ipairs{{1, 1}, {-1, 1}, {-1, -1}, {1, -1}} do X[#X + 1] = {s[1] * h, s[2] * h} end
end
local N = #X

-- One T: train, polish, then the two gaps averaged over the tasks.
local function measure(T)
  local Y = {}
  for i = 1, N do
    Y[i] = {}
    for t = 1, T do Y[i][t] = math.random() < 0.5 and 1 or 0 end
  end
  local ds = repro.dataset{x = X, y = Y}
  local lam_wd = P.lambda / (2 * N * T)
  local net = repro.net{d = 2, T = T, K = P.K, skip = false, seed = P.seed + T}
  net:train(ds, {lambda = lam_wd, steps = P.steps, lr = P.lr, schedule = "cosine", lr_min = P.lr_min})
  local pol = net:train(ds, {lambda = lam_wd, optimizer = "polish", polish_iter = 20000})
  -- Unit-norm form of the active neurons.
  local prm = net:params()
  local nu = ridge.unit_neurons(net)
  local V, K = nu.V, #nu.b
  local Phi = ridge.features(nu, X)
  local gapJH, gapJ = 0, 0
  for s = 1, T do
    local rest = {}
    for k = 1, K do
      local r = 0
      for t = 1, T do if t ~= s then r = r + V[k][t] ^ 2 end end
      rest[k] = math.sqrt(r)
    end
    local function loss(v, c)
      local l = 0
      for i = 1, N do
        local f = c
        for k = 1, K do f = f + v[k] * Phi[i][k] end
        l = l + (Y[i][s] - f) ^ 2
      end
      return l
    end
    local function J(v, c)
      local pen = 0
      for k = 1, K do pen = pen + math.sqrt(v[k] ^ 2 + rest[k] ^ 2) end
      return loss(v, c) + P.lambda * pen
    end
    local function H(v, c)
      local pen = 0
      for k = 1, K do pen = pen + rest[k] + v[k] ^ 2 / (2 * rest[k]) end
      return loss(v, c) + P.lambda * pen
    end
    local vstar = {}
    for k = 1, K do vstar[k] = V[k][s] end
    local cstar = prm.c[s]
    -- argmin H: the weighted ridge regression with weights ||v_k\s||, ridge lambda/2 and a
    -- free constant (lua/ridge.lua).
    local ys = {}
    for i = 1, N do ys[i] = Y[i][s] end
    local vp, cp = ridge.solve(Phi, rest, ys, P.lambda / 2)
    gapJH = gapJH + math.abs(H(vstar, cstar) - J(vstar, cstar)) / T
    gapJ = gapJ + (J(vp, cp) - J(vstar, cstar)) / T
  end
  repro.progress("Theorem 4.1", math.log(T, 2), math.log(P.Tmax, 2))
  return gapJH, gapJ, pol.certificate, K
end

local Ts, lJH, lJ, cert = {}, {}, {}, 0
local T = 2
while T <= P.Tmax do
  local a, c, r = measure(T)
  Ts[#Ts + 1], lJH[#lJH + 1], lJ[#lJ + 1] = T, a, c
  cert = math.max(cert, r)
  T = 2 * T
end
-- Least-squares slopes of log gap against log T over T >= Tfit.
local function slope(ys)
  local xs, zs = {}, {}
  for i, t in ipairs(Ts) do
    if t >= P.Tfit and ys[i] > 0 then xs[#xs + 1], zs[#zs + 1] = math.log(t), math.log(ys[i]) end
  end
  local n, mx, mz = #xs, 0, 0
  for i = 1, n do mx, mz = mx + xs[i] / n, mz + zs[i] / n end
  local sxz, sxx = 0, 0
  for i = 1, n do sxz, sxx = sxz + (xs[i] - mx) * (zs[i] - mz), sxx + (xs[i] - mx) ^ 2 end
  return sxz / sxx
end
local minJ = math.huge
for _, v in ipairs(lJ) do minJ = math.min(minJ, v) end
repro.value("Tmax", P.Tmax, {fmt = "%.0f"})
repro.value("Tfit", P.Tfit, {fmt = "%.0f"})
repro.value("K", P.K, {fmt = "%.0f"})
repro.value("lambda", P.lambda, {fmt = "%.3f"})
repro.value("certificate", cert - 1, {fmt = "%.1e"})
repro.check("J_gap_nonneg", minJ, {ge = -1e-9, fmt = "%.1e"})
repro.check("slope_JH", slope(lJH), {le = -0.25, fmt = "%.2f"})
repro.check("slope_J", slope(lJ), {le = -0.25, fmt = "%.2f"})
repro.value("gapJH_first", lJH[1], {fmt = "%.1e"})
repro.value("gapJH_last", lJH[#lJH], {fmt = "%.1e"})
repro.value("gapJ_last", lJ[#lJ], {fmt = "%.1e"})

-- The figure: log10 of both gaps against log10 T, with the theorem's rate drawn through the
-- first point of each.
local lx, a, c, ra, rc = {}, {}, {}, {}, {}
for i, t in ipairs(Ts) do
  lx[i] = math.log(t, 10)
  a[i] = math.log(lJH[i], 10)
  c[i] = math.log(math.max(lJ[i], 1e-300), 10)
  ra[i] = a[1] - 0.25 * (lx[i] - lx[1])
  rc[i] = c[1] - 0.25 * (lx[i] - lx[1])
end
local fig = repro.figure{name = "thm41", width = 4.6, height = 3.0, rows = 1, cols = 1, seed = P.seed}
local ax = fig:panel(1, 1, {xlabel = "$\\log_{10} T$", ylabel = "$\\log_{10}$ gap"})
ax:line(lx, a, {color = "C0", width = 1.5, label = "$|J - H|$ at $v^*$"})
ax:points(lx, a, {color = "C0", size = 3})
ax:line(lx, c, {color = "C1", width = 1.5, label = "$J(v') - J(v^*)$"})
ax:points(lx, c, {color = "C1", size = 3})
ax:line(lx, ra, {color = "gray", width = 0.9, dash = {3, 2}, label = "rate $T^{-1/4}$"})
ax:line(lx, rc, {color = "gray", width = 0.9, dash = {3, 2}})
ax:legend{pos = "sw"}
fig:save()
