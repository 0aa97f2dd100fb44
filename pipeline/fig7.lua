-- Figure 7: three more trials of Figure 5's bottom row.  Each trial draws its own 100 random
-- tasks (Bernoulli(1/2) labels on the eight points of lua/squares.lua) and its own
-- initialisations; top: output 1 of a network trained on task 1 and the random tasks; below it:
-- the solution of problem (27) on the neurons of a network trained on that trial's random tasks
-- alone.  As in Figure 5, multi-task runs use lambda / T so that each task's data weigh what
-- they weigh in a single-task run (the interpolation regime of the paper), and (27) is solved
-- at the matching ridge mu = lambda N.
local repro = require "repro"
local fit = require "fit"
local sq = require "squares"

local P = repro.params{K = 800, lambda = 1e-3, steps = 20000, lr = 1e-2, lr_min = 1e-4, seed = 31,
                       task_seed = 41, tasks = 100, trials = 3, grid = 121, polish_iter = 20000,
                       agree = 0.02, residual = 0.01}

local X, y1 = sq.points()
local N, T = #X, 1 + P.tasks
local G, inside, xs = sq.grid(P.grid, 1.5)

-- The six trainings are independent: each (trial, network) is a point of a sweep, run in
-- parallel in make's job slots and cached on its own (trial varies slowest, as the loop it
-- replaces).  "multi": output 1 at the grid points and the largest miss of task 1's data;
-- "random": problem (27) at the grid points.
local O = {K = P.K, lambda = P.lambda, steps = P.steps, lr = P.lr, lr_min = P.lr_min,
           polish_iter = P.polish_iter}
local task_seed, seed, tasks = P.task_seed, P.seed, P.tasks
local trials = {}
for trial = 1, P.trials do trials[trial] = trial end
local runs = repro.sweep("nets", {trial = trials, which = {"multi", "random"}}, function(p)
  math.randomseed(task_seed + p.trial)
  local R = sq.random_tasks(N, tasks)
  if p.which == "multi" then
    local net = fit.train(repro.dataset{x = X, y = sq.with_task(y1, R)},
                          fit.options(O, {lambda = O.lambda / T, seed = seed + p.trial, skip = false}))
    local resid = 0
    for i, v in ipairs(sq.values(net, X, 1)) do resid = math.max(resid, math.abs(v - y1[i])) end
    return {values = sq.values(net, G, 1), resid = resid}
  end
  local rnet = fit.train(repro.dataset{x = X, y = R},
                         fit.options(O, {lambda = O.lambda / tasks, seed = seed + 100 + p.trial,
                                         skip = false}))
  return {values = sq.values(sq.kernel_solution(rnet, X, y1, O.lambda * N), G)}
end)
local D, E, agree, resid = {}, {}, 0, 0
for _, r in ipairs(runs) do
  if r.which == "multi" then
    D[r.trial], resid = r.values, math.max(resid, r.resid)
  else
    E[r.trial] = r.values
  end
end
for trial = 1, P.trials do
  local a = sq.supdiff(D[trial], E[trial], inside)
  repro.value("agree" .. trial, a, {fmt = "%.3f"})
  agree = math.max(agree, a)
end
repro.value("trials", P.trials, {fmt = "%.0f"})
repro.check("residual_max", resid, {le = P.residual, fmt = "%.4f"})
repro.check("agree_max", agree, {le = P.agree, fmt = "%.3f"})

local fig = repro.figure{name = "fig7", width = 6.6, height = 4.6, rows = 2, cols = P.trials,
                         seed = P.seed}
local levels = {0.05, 0.25, 0.5, 0.75, 0.95}
for trial = 1, P.trials do
  sq.panel(fig, 1, trial, D[trial], xs, {title = "trial " .. trial .. ": " .. T .. " tasks",
                                         colorbar = trial == P.trials, levels = levels})
  sq.panel(fig, 2, trial, E[trial], xs, {title = "trial " .. trial .. ": (27)",
                                         colorbar = trial == P.trials, levels = levels})
end
fig:save()
