-- Figures 5 and 7: two squares in the plane.  Eight points, the vertices of two centred squares
-- (outer side 2 with label 0, inner side 1 with label 1), networks without skip connection as in
-- the paper's Section 4, K = 800 neurons, weight decay lambda = 1e-3.
--   top:    three single-task networks from different initialisations: different functions,
--           each certified optimal (dual certificate over 2000 directions, exact in the bias);
--   bottom: output 1 of networks trained with 100 extra random tasks (Bernoulli(1/2) labels)
--           from two initialisations, and the solution of the paper's problem (27): the weighted
--           ridge regression (kernel ridge regression) on the neurons of a network trained on the
--           100 random tasks alone.  All three agree.
local repro = require "repro"
local ridge = require "ridge"

local P = repro.params{K = 800, lambda = 1e-3, steps = 20000, lr = 1e-2, lr_min = 1e-4, seed = 1,
                       task_seed = 5, tasks = 100, grid = 61, polish_iter = 20000,
                       distinct = 0.1, agree = 0.01, kernel = 0.05, cert = 1e-4}

-- The data.
local X, y1 = {}, {}
for _, sq in ipairs{{1, 0}, {0.5, 1}} do
  for _, s in ipairs{{1, 1}, {-1, 1}, {-1, -1}, {1, -1}} do
    X[#X + 1] = {s[1] * sq[1], s[2] * sq[1]}
    y1[#y1 + 1] = sq[2]
  end
end
local N = #X
local single = repro.dataset{x = X, y = y1}
math.randomseed(P.task_seed)
local R = {} -- N x tasks random labels
for i = 1, N do
  R[i] = {}
  for t = 1, P.tasks do R[i][t] = math.random() < 0.5 and 1 or 0 end
end
local multi_rows, rand_rows = {}, {}
for i = 1, N do
  multi_rows[i] = {y1[i], table.unpack(R[i])}
  rand_rows[i] = R[i]
end
local multi = repro.dataset{x = X, y = multi_rows}
local random_only = repro.dataset{x = X, y = rand_rows}

-- Evaluation grid on [-1.5, 1.5]^2 (rows from bottom to top), and the points inside the outer
-- square [-1, 1]^2 where the checks compare functions.
local G, inside = {}, {}
for i = 0, P.grid - 1 do
  for j = 0, P.grid - 1 do
    local p = {-1.5 + 3 * j / (P.grid - 1), -1.5 + 3 * i / (P.grid - 1)}
    G[#G + 1] = p
    inside[#G] = math.abs(p[1]) <= 1 + 1e-12 and math.abs(p[2]) <= 1 + 1e-12
  end
end
local function values(net, t)
  local out = {}
  for k, row in ipairs(net:eval(G)) do out[k] = type(row) == "number" and row or row[t or 1] end
  return out
end
local function supdiff(a, b)
  local m = 0
  for k = 1, #a do if inside[k] then m = math.max(m, math.abs(a[k] - b[k])) end end
  return m
end

local function train(ds, T, seed)
  local net = repro.net{d = 2, T = T, K = P.K, skip = false, seed = seed}
  net:train(ds, {lambda = P.lambda, steps = P.steps, lr = P.lr, schedule = "cosine",
                 lr_min = P.lr_min})
  local pol = net:train(ds, {lambda = P.lambda, optimizer = "polish", polish_iter = P.polish_iter})
  return net, pol
end

-- Top row: single task.
local S, Sv, objs, worst_cert = {}, {}, {}, 0
for k = 1, 3 do
  local pol
  S[k], pol = train(single, 1, P.seed + k - 1)
  Sv[k], objs[k] = values(S[k]), pol.objective
  worst_cert = math.max(worst_cert, pol.certificate)
  repro.value("single" .. k .. "_active", #S[k]:active(1e-3), {fmt = "%.0f"})
end
repro.check("single_certificate", worst_cert - 1, {le = P.cert, fmt = "%.1e"})
local omin, omax = math.min(table.unpack(objs)), math.max(table.unpack(objs))
repro.value("single_objective", omin, {fmt = "%.6f"})
repro.check("single_obj_spread", (omax - omin) / omin, {le = 1e-4, fmt = "%.1e"})
local spread = math.max(supdiff(Sv[1], Sv[2]), supdiff(Sv[1], Sv[3]), supdiff(Sv[2], Sv[3]))
repro.check("single_distinct", spread, {ge = P.distinct, fmt = "%.2f"})

-- Bottom row: output 1 of two multi-task networks, and problem (27).
local M, Mv, mcert = {}, {}, 0
for k = 1, 2 do
  local pol
  M[k], pol = train(multi, 1 + P.tasks, P.seed + 10 + k)
  Mv[k] = values(M[k], 1)
  mcert = math.max(mcert, pol.certificate)
  repro.value("multi" .. k .. "_active", #M[k]:active(1e-3), {fmt = "%.0f"})
end
repro.value("multi_certificate", mcert - 1, {fmt = "%.1e"})
repro.check("multi_agree", supdiff(Mv[1], Mv[2]), {le = P.agree, fmt = "%.1e"})

-- Problem (27) on the neurons of a network trained on the random tasks alone.  In unit-norm form
-- (||w_k|| = 1, v_k scaled by ||w_k||) the task's output weights solve
--   min_v,c 1/(N T) ||y - Phi v - c 1||^2 + (lambda_g / 2) sum_k v_k^2 / ||v_k||,
-- lambda_g = 2 lambda (the group form of weight decay), T = 1 + tasks as in the multi-task
-- training: the quadratic upper bound (15) of the group penalty.  With the kernel
-- kappa(x, x') = sum_k ||v_k|| phi_k(x) phi_k(x') this is kernel ridge regression with ridge
-- mu = lambda_g N T / 2 and a free constant c (lua/ridge.lua).
local Rnet = train(random_only, P.tasks, P.seed + 20)
local nu = ridge.unit_neurons(Rnet)
local Kn = #nu.b
repro.value("kernel_neurons", Kn, {fmt = "%.0f"})
local T = 1 + P.tasks
local v, cbias = ridge.solve(ridge.features(nu, X), nu.norm, y1, 2 * P.lambda * N * T / 2)
-- The kernel solution is itself a network with these neurons and output weights v.
local Vk = {}
for k = 1, Kn do Vk[k] = {v[k]} end
local KR = repro.net{d = 2, T = 1, K = Kn, skip = false, seed = 1}
KR:set_params{W = nu.W, b = nu.b, V = Vk, c = {cbias}}
local Kv = values(KR)
-- Theorem 4.1 is asymptotic in T (an O(T^(-1/4)) statement), hence the looser bound here.
repro.check("kernel_agree", math.max(supdiff(Mv[1], Kv), supdiff(Mv[2], Kv)), {le = P.kernel,
                                                                               fmt = "%.3f"})
-- The single-task networks are not of this kind: the closest one to the kernel solution.
local nearest = math.huge
for k = 1, 3 do nearest = math.min(nearest, supdiff(Sv[k], Kv)) end
repro.value("single_vs_kernel", nearest, {fmt = "%.2f"})
repro.value("K", P.K, {fmt = "%.0f"})
repro.value("lambda", P.lambda, {fmt = "%.0e"})
repro.value("steps", P.steps, {fmt = "%.0f"})
repro.value("tasks", P.tasks, {fmt = "%.0f"})

-- The figure: heat maps of the six functions, the data on top.
local function rows(v)
  local out = {}
  for i = 1, P.grid do
    out[i] = {}
    for j = 1, P.grid do out[i][j] = v[(i - 1) * P.grid + j] end
  end
  return out
end
local px, py, pc = {}, {}, {}
for i = 1, N do px[i], py[i] = X[i][1], X[i][2] end
local fig = repro.figure{name = "fig5", width = 6.6, height = 4.6, rows = 2, cols = 3,
                         seed = P.seed}
local panels = {
  {1, 1, Sv[1], "(a) one task, init 1"}, {1, 2, Sv[2], "(b) one task, init 2"},
  {1, 3, Sv[3], "(c) one task, init 3"}, {2, 1, Mv[1], "(d) 101 tasks, output 1"},
  {2, 2, Mv[2], "(d') 101 tasks, init 2"}, {2, 3, Kv, "(e) kernel solution (27)"},
}
for _, p in ipairs(panels) do
  local ax = fig:panel(p[1], p[2], {title = p[4], xlim = {-1.5, 1.5}, ylim = {-1.5, 1.5},
                                    xticks = {-1, 0, 1}, yticks = {-1, 0, 1}})
  ax:image(rows(p[3]), {extent = {-1.5, 1.5, -1.5, 1.5}, vmin = -0.2, vmax = 1.2,
                        colorbar = p[2] == 3, label = p[2] == 3 and "$f_1$" or nil})
  ax:points(px, py, {color = "red", size = 3})
end
fig:save()
