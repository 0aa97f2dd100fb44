-- Figure 2: connect-the-dots interpolants of three datasets on common inputs (T = 3), and the
-- check that on [x_1, x_N] each equals the minimum-norm interpolant of the Sobolev RKHS of
-- equation (6).
local repro = require "repro"
local U = repro.univariate
local curves = require "curves"

local P = repro.params{seed = 11, N = 7, grid = 2001}
math.randomseed(P.seed)

local x, y = {}, {}
for i = 1, P.N do
  x[i] = (i - 1) + 0.6 * (math.random() - 0.5) -- jittered, increasing inputs
  y[i] = {repro.gaussian(), repro.gaussian(), repro.gaussian()}
end
local ds = repro.dataset{x = x, y = y}
local fD = U.connect_the_dots(ds)
local ki = repro.kernel.sobolev(ds)

repro.value("N", ds.N, {fmt = "%.0f"})
repro.value("grid", P.grid, {fmt = "%.0f"})
repro.value("nonunique", #U.nonunique(ds), {fmt = "%.0f"})
repro.value("cost", fD:cost(), {fmt = "%.3f"})
local separate = 0
for t = 1, ds.T do
  local single = repro.dataset{x = ds.x, y = ds:labels(t)}
  separate = separate + U.connect_the_dots(single):cost()
end
repro.value("cost_separate", separate, {fmt = "%.3f"})

local x1, xN = ds.x[1], ds.x[ds.N]
local inside = curves.grid(x1, xN, P.grid, ds.x)
repro.check("sobolev_err", curves.maxdiff(fD, ki, inside), {le = 1e-10, fmt = "%.1e"})
repro.check("interp", curves.interp_error(fD, ds), {le = 1e-12, fmt = "%.1e"})

local fig = repro.figure{name = "fig2", width = 6.6, height = 2.3, rows = 1, cols = 3, seed = P.seed}
local xs = curves.grid(x1 - 1, xN + 1, 401, ds.x)
for t = 1, ds.T do
  local ax = fig:panel(1, t, {title = "$D_" .. t .. "$", xlabel = "$x$",
                              ylabel = t == 1 and "$f_t(x)$" or nil})
  ax:line(xs, curves.sample(fD, xs, t), {color = "C0", width = 1.6, label = "$f_D$"})
  ax:line(xs, curves.sample(ki, xs, t), {color = "black", width = 1.0, dash = {3, 2},
                                         label = "Sobolev"})
  ax:points(ds.x, ds:labels(t), {color = "red", size = 3.5})
  if t == 2 then ax:legend{pos = "nw"} end -- the empty corner of these data
end
fig:save()
