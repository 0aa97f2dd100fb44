-- Figure 4: trained networks on five points.  Top row: three single-task networks from different
-- random initialisations; bottom row: output 1 of three two-task networks whose second task has
-- standard Gaussian labels.  The inputs are symmetric about 0, where the PyTorch-style
-- initialisation puts the neurons' breakpoints.  The five labels are chosen so that the slope changes at x_2 and x_3
-- have the same sign (Theorem 3.1's condition holds on interval 2): the single-task problem then
-- has many optimal interpolants, while the two-task problem (with probability one) has only f_D.
-- Every network is trained by Adam with weight decay and then polished: the output weights solved
-- as a group lasso to a tiny duality gap, and the dual certificate checked over all neurons.
-- Remark 1 is checked on the same networks: with lambda > 0 the fit is linear between
-- consecutive data points, except on intervals where the slope changes of the *fitted* values are
-- aligned (Theorem 3.1's condition applied to f(x_i) instead of y_i).
local repro = require "repro"
local U = repro.univariate
local curves = require "curves"
local fit = require "fit"

local P = repro.params{K = 20, lambda = 1e-5, steps = 30000, lr = 1e-2, lr_min = 1e-4,
                       seed = 1, task_seed = 11, tol_interp = 1e-3, tol_cost = 1e-3,
                       distinct = 0.05, cert = 1e-4, proof = 1e-6, linear = 1e-3}

local x = {-2, -1, 0, 1, 2}
local y = {1.0, 0.0, 0.3, 1.5, 1.0}
local single = repro.dataset{x = x, y = y}
local fD = U.connect_the_dots(single)
local bad = U.nonunique(single)
repro.check("nonunique_interval", #bad, {ge = 1, fmt = "%.0f"})
repro.value("interval", bad[1], {fmt = "%.0f"})
local lo, hi = curves.range(y)
local range = hi - lo
local Rstar = fD:cost()
repro.value("Rstar", Rstar, {fmt = "%.4f"})

-- A second task with standard Gaussian labels (one draw per network, from its own seed).
math.randomseed(P.task_seed)
local function two_task()
  local rows = {}
  for i = 1, #x do rows[i] = {y[i], repro.gaussian()} end
  return repro.dataset{x = x, y = rows}
end

local function train(ds, seed)
  local o = fit.options(P, {seed = seed, skip = true})
  local net = repro.net{d = 1, T = ds.T, K = P.K, skip = true, seed = seed}
  local adam = fit.adam(net, ds, o)
  adam.cost = ds.T == 1 and net:cost() or nil -- before the polish
  local polish = fit.polish(net, ds, o)
  return net, adam, polish
end

-- Remark 1 for one network: the largest distance (over outputs, relative to the label range) of
-- f from the chord through its fitted values on the intervals that are not aligned for the
-- fitted values, and the same on the aligned ones.
local remark1_off, remark1_on, remark1_aligned = 0, 0, 0
local function remark1(net)
  local fitted = {}
  for i = 1, #x do fitted[i] = net(x[i]) end
  local aligned = {}
  for _, i in ipairs(U.nonunique(repro.dataset{x = x, y = fitted})) do aligned[i] = true end
  for i = 1, #x - 1 do
    local dev = 0
    for k = 1, 99 do
      local u = k / 100
      local f = net(x[i] + u * (x[i + 1] - x[i]))
      for t = 1, #f do
        dev = math.max(dev, math.abs(f[t] - ((1 - u) * fitted[i][t] + u * fitted[i + 1][t])))
      end
    end
    if aligned[i] then
      remark1_on = math.max(remark1_on, dev / range)
      remark1_aligned = remark1_aligned + 1
    else
      remark1_off = math.max(remark1_off, dev / range)
    end
  end
end

local xs = curves.grid(x[1], x[#x], 401, x)
local top, bottom, worst_cert, worst_gap, adam_excess = {}, {}, 0, 0, 0
for k = 1, 3 do
  local net, adam, pol = train(single, P.seed + k - 1)
  adam_excess = math.max(adam_excess, math.abs(adam.cost - Rstar) / Rstar)
  top[k] = net
  remark1(net)
  worst_cert = math.max(worst_cert, pol.certificate)
  worst_gap = math.max(worst_gap, pol.gap)
  repro.check("single" .. k .. "_interp", curves.interp_error(net, single) / range,
              {le = P.tol_interp, fmt = "%.1e"})
  repro.check("single" .. k .. "_cost", math.abs(net:cost() - Rstar) / Rstar,
              {le = P.tol_cost, fmt = "%.1e"})
end
for k = 1, 3 do
  local ds = two_task()
  local net, _, pol = train(ds, P.seed + 10 + k)
  bottom[k] = net
  remark1(net)
  worst_cert = math.max(worst_cert, pol.certificate)
  worst_gap = math.max(worst_gap, pol.gap)
  -- Output 1 against connect-the-dots of task 1 on [x_1, x_N].
  local dev = 0
  for _, xv in ipairs(xs) do dev = math.max(dev, math.abs(net(xv)[1] - fD(xv)[1])) end
  repro.check("multi" .. k .. "_fD", dev / range, {le = P.tol_interp, fmt = "%.1e"})
end
-- The single-task networks are different functions: the largest pairwise sup-distance.
local spread = 0
for a = 1, 3 do
  for b = a + 1, 3 do spread = math.max(spread, curves.maxdiff(top[a], top[b], xs)) end
end
repro.check("single_distinct", spread / range, {ge = P.distinct, fmt = "%.3f"})
-- The certificate is exact in one dimension; it exceeds one slightly because the polish keeps
-- Adam's breakpoints.  We therefore claim optimality only through the cost (above) and report
-- the excess, checked at the size we state.
repro.value("certificate", worst_cert, {fmt = "%.6f"})
repro.check("certificate_excess", worst_cert - 1, {le = P.cert, fmt = "%.1e"})
repro.value("proof", P.proof, {fmt = "%.0e"}) -- the excess we would accept as a proof
repro.value("certified", worst_cert <= 1 + P.proof and 1 or 0, {fmt = "%.0f"})
repro.check("remark1_linear", remark1_off, {le = P.linear, fmt = "%.1e"})
repro.value("remark1_aligned", remark1_aligned, {fmt = "%.0f"})
repro.value("remark1_bend", remark1_on, {fmt = "%.2f"})
repro.value("gap", worst_gap, {fmt = "%.1e"})
-- For comparison: GSL's BFGS on the same objective from the same initialisations stalls at the
-- ReLU kinks; how far above the polished objective it stops.
local lbfgs_excess, lbfgs_steps = 0, 0
for k = 1, 3 do
  local net = repro.net{d = 1, T = 1, K = P.K, skip = true, seed = P.seed + k - 1}
  local r = net:train(single, {lambda = P.lambda, optimizer = "lbfgs", steps = 5000})
  lbfgs_excess = math.max(lbfgs_excess, (r.objective - top[k]:objective(single, {lambda = P.lambda}))
                                        / top[k]:objective(single, {lambda = P.lambda}))
  lbfgs_steps = math.max(lbfgs_steps, r.steps)
end
repro.value("lbfgs_excess", 100 * lbfgs_excess, {fmt = "%.0f"})
repro.value("lbfgs_steps", lbfgs_steps, {fmt = "%.0f"})
repro.value("adam_excess", adam_excess, {fmt = "%.1e"})
repro.value("K", P.K, {fmt = "%.0f"})
repro.value("lambda", P.lambda, {fmt = "%.0e"})
repro.value("steps", P.steps, {fmt = "%.0f"})

local fig = repro.figure{name = "fig4", width = 6.4, height = 3.6, rows = 2, cols = 3, seed = P.seed}
local xp = curves.grid(-2.5, 2.5, 401, x)
for k = 1, 3 do
  for row, item in ipairs{{top[k], "single task, init " .. k}, {bottom[k], "two tasks, init " .. k}} do
    local ax = fig:panel(row, k, {title = item[2], xlim = {-2.5, 2.5}, ylim = {lo - 0.6, hi + 0.6},
                                  xlabel = row == 2 and "$x$" or nil,
                                  ylabel = k == 1 and "$f_1(x)$" or nil})
    ax:line(xp, curves.sample(fD, xp), {color = "gray", width = 0.8, dash = {3, 2}})
    ax:line(xp, curves.sample(item[1], xp), {color = "C0", width = 1.5})
    ax:points(x, y, {color = "red", size = 3})
  end
end
fig:save()
