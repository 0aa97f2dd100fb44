-- Figure 3: the configuration of Lemma 3.2, drawn from computed numbers, and the lemma checked on
-- them: three knots at x~1 < x~ < x~2 (x~ = x~1 + tau (x~2 - x~1)) with slopes a | b + delta |
-- b - tau delta / (1 - tau) | c cost at least as much as the two knots left when x~ is removed
-- (slopes a | b | c), with equality exactly when delta is aligned with a - b and b - c and short.
local repro = require "repro"
local U = repro.univariate

local P = repro.params{tau = 0.4, shrink = 0.5, trials = 10000, seed = 3}
math.randomseed(P.seed)

local function norm(v) local s = 0; for _, x in ipairs(v) do s = s + x * x end; return math.sqrt(s) end
local function axpy(al, x, y) local r = {}; for k = 1, #x do r[k] = al * x[k] + y[k] end; return r end

-- A two-task instance with a - b and b - c aligned; delta a fraction `shrink` of a - b.
local a, b, c = {2, 1}, {0, 0}, {-1, -0.5}
local amb = axpy(-1, b, a)
local delta = axpy(P.shrink, amb, {0, 0})
local limit = math.min(norm(amb), (1 - P.tau) / P.tau * norm(axpy(-1, c, b)))
repro.check("admissible", norm(delta) - limit, {le = 0, fmt = "%.3f"})
local lhs, rhs = U.lemma32(a, b, c, delta, P.tau)
repro.value("tau", P.tau, {fmt = "%.1f"})
repro.value("lhs", lhs, {fmt = "%.4f"})
repro.value("rhs", rhs, {fmt = "%.4f"})
repro.check("equality", math.abs(lhs - rhs) / rhs, {le = 1e-12, fmt = "%.1e"})

-- Rotating delta off the common direction makes the inequality strict.
local th = math.rad(30)
local rot = {math.cos(th) * delta[1] - math.sin(th) * delta[2], math.sin(th) * delta[1] + math.cos(th) * delta[2]}
local lhs2 = U.lemma32(a, b, c, rot, P.tau)
repro.check("strict", lhs2 - rhs, {ge = 1e-6, fmt = "%.3f"})

-- Random instances: the inequality never fails (beyond rounding).
local margin = math.huge
for _ = 1, P.trials do
  local function g2() return {repro.gaussian(), repro.gaussian()} end
  local ra, rb, rc, rd = g2(), g2(), g2(), g2()
  local t = 0.05 + 0.9 * math.random()
  local l, r = U.lemma32(ra, rb, rc, rd, t)
  margin = math.min(margin, (l - r) / r)
end
repro.value("ntrials", P.trials, {fmt = "%.0f"})
repro.check("random_margin", margin, {ge = -1e-12, fmt = "%.1e"})

-- The diagram (first output): x~1 = 0, x~2 = 1.
local s = {a[1], b[1] + delta[1], b[1] - P.tau * delta[1] / (1 - P.tau), c[1]}
local kx = {0, P.tau, 1}
local xl, xr = -0.7, 1.7
local ky = {0}
ky[2] = ky[1] + s[2] * P.tau
ky[3] = ky[2] + s[3] * (1 - P.tau)
local xs = {xl, kx[1], kx[2], kx[3], xr}
local ys = {ky[1] - s[1] * (kx[1] - xl), ky[1], ky[2], ky[3], ky[3] + s[4] * (xr - kx[3])}

local fig = repro.figure{name = "fig3", width = 5.2, height = 2.8, rows = 1, cols = 1, seed = P.seed}
local ax = fig:panel(1, 1, {axes = false, xlim = {xl, xr}, ylim = {-1.7, 0.9}})
ax:line(xs, ys, {color = "C0", width = 1.8, label = "three knots"})
ax:line({kx[1], kx[3]}, {ky[1], ky[1] + b[1] * 1}, {color = "gray", width = 1.0, dash = {3, 2},
                                                    label = "$\\tilde x$ removed"})
local labels = {
  string.format("$a$ = $%.2f$", s[1]),
  string.format("$b+\\delta$ = $%.2f$", s[2]),
  string.format("$b-\\tau\\delta/(1-\\tau)$ = $%.2f$", s[3]),
  string.format("$c$ = $%.2f$", s[4]),
}
local mids = {(xl + kx[1]) / 2, (kx[1] + kx[2]) / 2, (kx[2] + kx[3]) / 2, (kx[3] + xr) / 2}
for k = 1, 4 do
  local yk = (ys[k] + ys[k + 1]) / 2
  -- Above the segment, on the side away from it: up-left of a rising piece, up-right of a falling one.
  if k == 2 or k == 3 then -- between the knots' vertical lines: centred, clear of the slope
    ax:text(mids[k], yk + 0.2, labels[k], {anchor = "s", size = 8})
  else
    ax:text(mids[k], yk + 0.06, labels[k], {anchor = s[k] > 0 and "se" or "sw", size = 8})
  end
end
local names = {"$\\tilde x_1$", "$\\tilde x$", "$\\tilde x_2$"}
for k = 1, 3 do
  ax:vline(kx[k], {color = "gray"})
  ax:text(kx[k], -1.62, names[k], {anchor = "s", size = 9})
end
ax:brace(kx[1], -1.25, kx[2], -1.25, {text = "$\\tau(\\tilde x_2-\\tilde x_1)$", side = "below"})
ax:legend{pos = "ne"}
fig:save()
