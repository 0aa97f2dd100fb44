-- squares: the two-dimensional example of the paper's Figures 5 and 7.  Eight points, the
-- vertices of two centred squares: the outer one of side 2 with label 0, the inner one of side 1
-- with label 1; random extra tasks with Bernoulli(1/2) labels; a square evaluation grid.
local ridge = require "ridge"

local M = {}

-- points(): the inputs X (eight rows {x1, x2}, outer square first) and the labels y of task 1.
function M.points()
  local X, y = {}, {}
  for _, sq in ipairs{{1, 0}, {0.5, 1}} do
    for _, s in ipairs{{1, 1}, {-1, 1}, {-1, -1}, {1, -1}} do
      X[#X + 1] = {s[1] * sq[1], s[2] * sq[1]}
      y[#y + 1] = sq[2]
    end
  end
  return X, y
end

-- random_tasks(N, tasks): N rows of `tasks` labels, each 1 or 0 with probability 1/2, drawn
-- from math.random (seed it first).
function M.random_tasks(N, tasks)
  local R = {}
  for i = 1, N do
    R[i] = {}
    for t = 1, tasks do R[i][t] = math.random() < 0.5 and 1 or 0 end
  end
  return R
end

-- with_task(y, R): rows {y[i], R[i][1], ...}: task 1 first, then the random tasks.
function M.with_task(y, R)
  local rows = {}
  for i = 1, #y do rows[i] = {y[i], table.unpack(R[i])} end
  return rows
end

-- grid(n, half): the n x n grid on [-half, half]^2, rows from bottom to top, as a list of points,
-- with the flags of the points inside the outer square [-1, 1]^2 and the coordinate list.
function M.grid(n, half)
  local G, inside, xs = {}, {}, {}
  for j = 0, n - 1 do xs[#xs + 1] = -half + 2 * half * j / (n - 1) end
  for i = 1, n do
    for j = 1, n do
      local p = {xs[j], xs[i]}
      G[#G + 1] = p
      inside[#G] = math.abs(p[1]) <= 1 + 1e-12 and math.abs(p[2]) <= 1 + 1e-12
    end
  end
  return G, inside, xs
end

-- rows(values, n): the flat list of grid values as n rows of n (for ax:image and ax:contour).
function M.rows(values, n)
  local out = {}
  for i = 1, n do
    out[i] = {}
    for j = 1, n do out[i][j] = values[(i - 1) * n + j] end
  end
  return out
end

-- supdiff(a, b, inside): the largest |a_k - b_k| over the flagged grid points.
function M.supdiff(a, b, inside)
  local m = 0
  for k = 1, #a do if inside[k] then m = math.max(m, math.abs(a[k] - b[k])) end end
  return m
end

-- kernel_solution(net, X, y, mu): problem (27) on the neurons of NET (in unit-norm form, with
-- the weights rho_k = ||v_k|| of their output weights): the minimiser (v, c) of
--   sum_i (y_i - sum_k v_k phi_k(x_i) - c)^2 + mu sum_k v_k^2 / ||v_k||,
-- kernel ridge regression with kappa(x, x') = sum_k ||v_k|| phi_k(x) phi_k(x') (lua/ridge.lua),
-- returned as a one-output network with those neurons, and the number of neurons.
function M.kernel_solution(net, X, y, mu)
  local nu = ridge.unit_neurons(net)
  local v, c = ridge.solve(ridge.features(nu, X), nu.norm, y, mu)
  local V = {}
  for k = 1, #v do V[k] = {v[k]} end
  local kr = repro.net{d = #X[1], T = 1, K = #v, skip = false, seed = 1}
  kr:set_params{W = nu.W, b = nu.b, V = V, c = {c}}
  return kr, #v
end

-- values(net, G [, t]): output t (default 1) of NET at the grid points G, a flat list.
function M.values(net, G, t)
  local out = {}
  for k, row in ipairs(net:eval(G)) do out[k] = type(row) == "number" and row or row[t or 1] end
  return out
end

-- panel(fig, r, c, values, xs, opts): one surface of the figures: the heat map of the flat grid
-- VALUES (on the grid of coordinates xs, as made by grid), contour lines at opts.levels, the
-- eight points on top.  opts: title, colorbar (boolean).
function M.panel(fig, r, c, values, xs, opts)
  local n, half = #xs, xs[#xs]
  local ax = fig:panel(r, c, {title = opts.title, xlim = {-half, half}, ylim = {-half, half},
                              xticks = {-1, 0, 1}, yticks = {-1, 0, 1}})
  local Z = M.rows(values, n)
  local top = {} -- ax:image draws its first row at the top
  for i = 1, n do top[i] = Z[n + 1 - i] end
  ax:image(top, {extent = {-half, half, -half, half}, vmin = -0.2, vmax = 1.2,
                 colorbar = opts.colorbar, label = opts.colorbar and "$f_1$" or nil})
  ax:contour(xs, xs, Z, {levels = opts.levels, color = "white", width = 0.5})
  local X = M.points()
  local px, py = {}, {}
  for i = 1, #X do px[i], py[i] = X[i][1], X[i][2] end
  ax:points(px, py, {color = "red", size = 3})
  return ax
end

return M
