-- Figure 6: an interpolant g with a knot strictly inside the first interval (x_1, x_2) costs more
-- than connect-the-dots.  g follows f_D except on (x_1, x_2), where its slope is s_1 + delta up to
-- x~ = x_1 + tau (x_2 - x_1) and s_1 - tau delta / (1 - tau) after it.
local repro = require "repro"
local U = repro.univariate
local curves = require "curves"

local P = repro.params{tau = 0.5, delta = 0.6}

local ds = repro.dataset{x = {0, 1, 2, 3}, y = {0, 1, 0.5, 1.5}}
local fD = U.connect_the_dots(ds)
local s = U.slopes(ds)
local x, y = ds.x, ds.y
local xt = x[1] + P.tau * (x[2] - x[1])
local s_in = s[1] + P.delta
local g = U.cpwl{knots = {x[1], xt, x[2], x[3]},
                 values = {y[1], y[1] + s_in * (xt - x[1]), y[2], y[3]},
                 left = s[1], right = s[3]}

repro.check("interp_g", curves.interp_error(g, ds), {le = 1e-12, fmt = "%.1e"})
repro.value("cost_g", g:cost(), {fmt = "%.3f"})
repro.value("cost_fD", fD:cost(), {fmt = "%.3f"})
repro.check("excess", g:cost() - fD:cost(), {ge = 1e-6, fmt = "%.3f"})

local fig = repro.figure{name = "fig6", width = 5.2, height = 2.8, rows = 1, cols = 1}
local xs = curves.grid(-0.6, 3.6, 300, {x[1], xt, x[2], x[3]})
local ax = fig:panel(1, 1, {xlabel = "$x$", ylabel = "$f(x)$", xlim = {-0.6, 3.6}})
ax:line(xs, curves.sample(g, xs), {color = "C0", width = 1.8, label = "$g$"})
ax:line(xs, curves.sample(fD, xs), {color = "black", width = 1.0, dash = {3, 2}, label = "$f_D$"})
ax:points(x, y, {color = "red", size = 3.5})
-- Slopes of g printed on its pieces.
local pieces = {{-0.6, x[1]}, {x[1], xt}, {xt, x[2]}, {x[2], x[3]}, {x[3], 3.6}}
for _, p in ipairs(pieces) do
  local m = (p[1] + p[2]) / 2
  local slope = (g(p[2])[1] - g(p[1])[1]) / (p[2] - p[1])
  ax:text(m, g(m)[1] + 0.08, string.format("$%.2f$", slope), {anchor = slope > 0 and "se" or "sw", size = 8})
end
-- The extra knot of g, marked on the axis below it.
ax:vline(xt, {color = "gray", dash = {2, 2}})
ax:text(xt, -0.5, "$\\tilde x$", {anchor = "w", size = 9})
ax:legend{pos = "nw"}
fig:save()
