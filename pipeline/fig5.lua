-- Figure 5: two squares in the plane.  Eight points, the vertices of two centred squares (outer
-- side 2 with label 0, inner side 1 with label 1; lua/squares.lua), networks without skip
-- connection as in the paper's Section 4, K = 800 neurons, Adam then the polish (lua/fit.lua).
--   top:    three single-task networks from different initialisations, weight decay lambda:
--           different functions, each within `cert` of the global optimum over networks of any
--           width (repro.convex.certify: column generation with the exact oracle of the plane),
--           all with the forced value f(0.75, 0.75) = 1/2;
--   bottom: output 1 of networks trained with 100 extra random tasks (Bernoulli(1/2) labels)
--           from two initialisations, and the solution of the paper's problem (27): the weighted
--           ridge regression (kernel ridge regression) on the neurons of a network trained on the
--           100 random tasks alone.  All three agree.  Both networks are certified against the
--           global optimum as above, and column generation from a small random network reaches
--           the same optimum.
-- The paper's claim is about interpolation (its Figure 5 says lambda ~ 0).  Our loss is the mean
-- over N T (PyTorch's MSELoss), so a T-task run at the single-task lambda weighs each task's data
-- T times less and output 1 misses the data by about 0.13.  Multi-task runs therefore use
-- lambda / T (the loss summed over the tasks): each task's data weigh what they weigh in the
-- single-task run, and output 1 interpolates (checked).
local repro = require "repro"
local fit = require "fit"
local sq = require "squares"
local ridge = require "ridge"

local P = repro.params{K = 800, lambda = 1e-3, steps = 20000, lr = 1e-2, lr_min = 1e-4, seed = 1,
                       task_seed = 5, tasks = 100, grid = 121, polish_iter = 20000, ngrid = 2000,
                       distinct = 0.1, agree = 0.01, kernel = 0.02, cert = 1e-4, residual = 0.01,
                       forced = 1e-3, gap = 1e-6}

local X, y1 = sq.points()
local N, T = #X, 1 + P.tasks
math.randomseed(P.task_seed)
local R = sq.random_tasks(N, P.tasks)
-- Evaluation grid on [-1.5, 1.5]^2; the checks compare functions inside the outer square.
local G, inside, xs = sq.grid(P.grid, 1.5)
-- The seven computations below are independent: each is a point of a sweep, run in parallel in
-- make's job slots and cached on its own (in the order of the loops they replace): the three
-- single-task networks, the two multi-task ones, column generation from a random start, and the
-- network of problem (27).  A point returns what the rest of the script reads of it.
local O = {K = P.K, lambda = P.lambda, steps = P.steps, lr = P.lr, lr_min = P.lr_min,
           polish_iter = P.polish_iter, ngrid = P.ngrid}
local seed, tasks, lam_multi = P.seed, P.tasks, P.lambda / T
local function residual(net, t)
  local m = 0
  for i, v in ipairs(sq.values(net, X, t)) do m = math.max(m, math.abs(v - y1[i])) end
  return m
end
-- The trained network NET's objective against the global optimum of its problem (column
-- generation from its neurons, exact in the plane): the relative excess of its objective over
-- the certified lower bound, and the certificate's relative gap.
local function certify(net, ds, lambda)
  local c = assert(repro.convex.certify(net, ds, {lambda = lambda}))
  return (c.trained - c.dual) / c.dual, c.gap / c.objective, c
end
local jobs = {"single1", "single2", "single3", "multi1", "multi2", "start", "random"}
local runs = {}
for i, r in ipairs(repro.sweep("nets", {job = jobs}, function(p)
  local kind, k = p.job:match("^(%a+)(%d*)$")
  k = tonumber(k)
  local single = repro.dataset{x = X, y = y1}
  local multi = repro.dataset{x = X, y = sq.with_task(y1, R)}
  if kind == "single" then
    local net, pol = fit.train(single, fit.options(O, {seed = seed + k - 1, skip = false}))
    local values = sq.values(net, G)
    local excess, cgap = certify(net, single, O.lambda)
    local resid, active = residual(net), #net:active(1e-3)
    -- R* = 4: the optimal cost of interpolating labels 0 (outer) and 1 (inner).  The regularised
    -- optimum interpolates its own fitted values, whose optimal cost is 4 times their gap (R* is
    -- positively homogeneous).
    local cost = 0
    for _, nv in ipairs(ridge.unit_neurons(net).norm) do cost = cost + nv end
    local fit8, gap = sq.values(net, X), 0
    for j = 1, N do gap = gap + (y1[j] == 1 and fit8[j] or -fit8[j]) / (N / 2) end
    return {values = values, objective = pol.objective, excess = excess, cgap = cgap,
            resid = resid, active = active, rstar = math.abs(cost / gap - 4),
            fv = sq.values(net, {{0.75, 0.75}, {0.6, 0.9}})}
  elseif kind == "multi" then
    local net = fit.train(multi, fit.options(O, {lambda = lam_multi, seed = seed + 10 + k,
                                                 skip = false}))
    local values, resid, active = sq.values(net, G, 1), residual(net, 1), #net:active(1e-3)
    local excess, cgap, c = certify(net, multi, lam_multi)
    return {values = values, resid = resid, active = active, excess = excess, cgap = cgap,
            optimum = c.objective, rounds = c.rounds}
  elseif kind == "start" then -- the same optimum from a random start: 20 neurons, no training
    local c = assert(repro.convex.certify(repro.net{d = 2, T = T, K = 20, skip = false,
                                                    seed = seed}, multi, {lambda = lam_multi}))
    return {optimum = c.objective, rounds = c.rounds, K = c.K, cgap = c.gap / c.objective}
  end
  -- Problem (27) on the neurons of a network trained on the random tasks alone (at lambda /
  -- tasks, the same weight per task), below.
  local rnet = fit.train(repro.dataset{x = X, y = R},
                         fit.options(O, {lambda = O.lambda / tasks, seed = seed + 20, skip = false}))
  local KR, Kn = sq.kernel_solution(rnet, X, y1, O.lambda * N)
  return {values = sq.values(KR, G), Kn = Kn}
end)) do runs[jobs[i]] = r end

-- Top row: single task.
local S, Sv, objs, worst_excess, worst_gap, sres = {}, {}, {}, 0, 0, 0
local forced, free_lo, free_hi, rstar = 0, math.huge, -math.huge, 0
for k = 1, 3 do
  S[k] = runs["single" .. k]
  Sv[k], objs[k] = S[k].values, S[k].objective
  worst_excess, worst_gap = math.max(worst_excess, S[k].excess), math.max(worst_gap, S[k].cgap)
  sres = math.max(sres, S[k].resid)
  repro.value("single" .. k .. "_active", S[k].active, {fmt = "%.0f"})
  -- On the diagonal between an inner and an outer vertex every optimal interpolant is forced to
  -- the mean of the two labels; off the diagonals the optimal set leaves f free.
  rstar = math.max(rstar, S[k].rstar)
  local fv = S[k].fv
  forced = math.max(forced, math.abs(fv[1] - 0.5))
  free_lo, free_hi = math.min(free_lo, fv[2]), math.max(free_hi, fv[2])
end
repro.check("single_certified", worst_gap, {le = P.gap, fmt = "%.1e"})
repro.check("single_excess", worst_excess, {le = P.cert, fmt = "%.1e"})
local omin, omax = math.min(table.unpack(objs)), math.max(table.unpack(objs))
repro.value("single_objective", omin, {fmt = "%.6f"})
repro.check("single_obj_spread", (omax - omin) / omin, {le = 1e-4, fmt = "%.1e"})
local spread = math.max(sq.supdiff(Sv[1], Sv[2], inside), sq.supdiff(Sv[1], Sv[3], inside),
                        sq.supdiff(Sv[2], Sv[3], inside))
repro.check("single_distinct", spread, {ge = P.distinct, fmt = "%.2f"})
repro.value("single_residual", sres, {fmt = "%.4f"})
repro.check("forced_value", forced, {le = P.forced, fmt = "%.1e"})
repro.value("free_spread", free_hi - free_lo, {fmt = "%.2f"})
repro.check("Rstar", rstar, {le = 1e-3, fmt = "%.1e"})

-- Bottom row: output 1 of two multi-task networks at lambda / T, and problem (27).
local M, Mv, mres, mexcess, mgap, mopt = {}, {}, 0, 0, 0, {}
for k = 1, 2 do
  M[k] = runs["multi" .. k]
  Mv[k] = M[k].values
  mres = math.max(mres, M[k].resid)
  repro.value("multi" .. k .. "_active", M[k].active, {fmt = "%.0f"})
  mexcess, mgap, mopt[k] = math.max(mexcess, M[k].excess), math.max(mgap, M[k].cgap), M[k].optimum
  if k == 1 then repro.value("multi_rounds", M[k].rounds, {fmt = "%.0f"}) end
end
local cr = runs.start
repro.value("multi_optimum", cr.optimum, {fmt = "%.8f"})
repro.value("multi_random_rounds", cr.rounds, {fmt = "%.0f"})
repro.value("multi_random_neurons", cr.K, {fmt = "%.0f"})
repro.check("multi_certified", math.max(mgap, cr.cgap), {le = P.gap, fmt = "%.1e"})
repro.check("multi_excess", mexcess, {le = P.cert, fmt = "%.1e"})
repro.check("same_optimum", math.max(math.abs(mopt[1] - cr.optimum), math.abs(mopt[2] - cr.optimum))
            / cr.optimum, {le = P.gap, fmt = "%.1e"})
repro.check("multi_residual", mres, {le = P.residual, fmt = "%.4f"})
repro.check("multi_agree", sq.supdiff(Mv[1], Mv[2], inside), {le = P.agree, fmt = "%.1e"})

-- Problem (27) on the neurons of a network trained on the random tasks alone (at lambda / tasks,
-- the same weight per task).  Multiplying the multi-task objective by N T, task 1's part is
--   sum_i (y_i - f_1(x_i))^2 + 2 lambda N sum_k sqrt(v_k1^2 + ||v_k\1||^2),
-- whose quadratic bound (15) is the ridge penalty lambda N sum_k v_k1^2 / ||v_k||: mu = lambda N.
local Kn = runs.random.Kn
repro.value("kernel_neurons", Kn, {fmt = "%.0f"})
repro.value("kernel_system", N + 1, {fmt = "%.0f"})
local Kv = runs.random.values
-- Theorem 4.1 is asymptotic in T (an O(T^(-1/4)) statement), hence the looser bound here.
repro.check("kernel_agree", math.max(sq.supdiff(Mv[1], Kv, inside), sq.supdiff(Mv[2], Kv, inside)),
            {le = P.kernel, fmt = "%.3f"})
-- The single-task networks are not of this kind: the closest one to the kernel solution.
local nearest = math.huge
for k = 1, 3 do nearest = math.min(nearest, sq.supdiff(Sv[k], Kv, inside)) end
repro.value("single_vs_kernel", nearest, {fmt = "%.2f"})
repro.value("K", P.K, {fmt = "%.0f"})
repro.value("lambda", P.lambda, {fmt = "%.0e"})
repro.value("lambda_multi", lam_multi, {fmt = "%.1e"})
repro.value("steps", P.steps, {fmt = "%.0f"})
repro.value("tasks", P.tasks, {fmt = "%.0f"})
repro.value("T", T, {fmt = "%.0f"})
repro.value("grid", P.grid, {fmt = "%.0f"})

-- The figure: the six functions as heat maps with contour lines, the data on top.
local fig = repro.figure{name = "fig5", width = 6.6, height = 4.6, rows = 2, cols = 3,
                         seed = P.seed}
local levels = {0.05, 0.25, 0.5, 0.75, 0.95}
local panels = {
  {1, 1, Sv[1], "(a) one task, init 1"}, {1, 2, Sv[2], "(b) one task, init 2"},
  {1, 3, Sv[3], "(c) one task, init 3"}, {2, 1, Mv[1], "(d) " .. T .. " tasks, output 1"},
  {2, 2, Mv[2], "(d') " .. T .. " tasks, init 2"}, {2, 3, Kv, "(e) kernel solution (27)"},
}
for _, p in ipairs(panels) do
  sq.panel(fig, p[1], p[2], p[3], xs, {title = p[4], colorbar = p[2] == 3, levels = levels})
end
fig:save()
