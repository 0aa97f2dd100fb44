-- curves: sampling functions for plots and sup-norm comparisons.
-- A "function" here is anything callable as f(x) returning a list of T values (splines, kernel
-- interpolants, networks).
local M = {}

-- grid(a, b, n [, extra]): n equally spaced points on [a, b], plus the points of EXTRA that lie
-- inside, sorted and without repeats (include a spline's knots so corners are drawn exactly).
function M.grid(a, b, n, extra)
  assert(type(a) == "number" and type(b) == "number" and a < b, "grid: need numbers a < b")
  assert(math.type(n) == "integer" and n >= 2, "grid: n must be an integer >= 2")
  local xs = {}
  for i = 0, n - 1 do xs[#xs + 1] = a + (b - a) * i / (n - 1) end
  for _, x in ipairs(extra or {}) do
    if x > a and x < b then xs[#xs + 1] = x end
  end
  table.sort(xs)
  local out = {}
  for _, x in ipairs(xs) do
    if #out == 0 or x > out[#out] then out[#out + 1] = x end
  end
  return out
end

-- sample(f, xs [, t]): the values of output t (default 1) of f at xs.
function M.sample(f, xs, t)
  t = t or 1
  local ys = {}
  for i, x in ipairs(xs) do ys[i] = f(x)[t] end
  return ys
end

-- maxdiff(f, g, xs): the largest |f_t(x) - g_t(x)| over xs and all outputs.
function M.maxdiff(f, g, xs)
  local m = 0
  for _, x in ipairs(xs) do
    local a, b = f(x), g(x)
    assert(#a == #b, "maxdiff: the two functions have different numbers of outputs")
    for t = 1, #a do m = math.max(m, math.abs(a[t] - b[t])) end
  end
  return m
end

-- interp_error(f, ds): the largest |f_t(x_i) - y_it| over the data.
function M.interp_error(f, ds)
  local m = 0
  local x, y = ds.x, ds.y
  for i = 1, ds.N do
    local fx = f(x[i])
    local yi = ds.T == 1 and {y[i]} or y[i] -- one column: plain numbers
    for t = 1, ds.T do m = math.max(m, math.abs(fx[t] - yi[t])) end
  end
  return m
end

-- range(list): smallest and largest entry.
function M.range(list)
  local lo, hi = math.huge, -math.huge
  for _, v in ipairs(list) do lo = math.min(lo, v); hi = math.max(hi, v) end
  return lo, hi
end

return M
