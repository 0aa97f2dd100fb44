-- linefit: straight-line least squares with confidence intervals, for rates read off log-log plots.
--   line(xs, ys) -> {slope, intercept, se (standard error of the slope), n}
--   t975(df)     -> the 0.975 quantile of Student's t with df degrees of freedom (two-sided 95 %)
--   loglog(xs, ys [, base]) -> line() of log(ys) against log(xs), points with ys <= 0 left out
local M = {}

-- Student's t, 0.975 quantile, df = 1..30 (tables); beyond, the Cornish-Fisher expansion around
-- the normal quantile 1.959964 (error < 1e-4 for df > 30).
local T975 = {12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
              2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
              2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423}
function M.t975(df)
  assert(df >= 1, "t975: df must be >= 1")
  if df <= 30 and df == math.floor(df) then return T975[df] end
  local z = 1.959964
  return z + (z ^ 3 + z) / (4 * df) + (5 * z ^ 5 + 16 * z ^ 3 + 3 * z) / (96 * df ^ 2)
end

function M.line(xs, ys)
  local n = #xs
  assert(n >= 2 and #ys == n, "fit.line: needs at least 2 points and as many ys as xs")
  local mx, my = 0, 0
  for i = 1, n do mx, my = mx + xs[i] / n, my + ys[i] / n end
  local sxx, sxy = 0, 0
  for i = 1, n do sxx, sxy = sxx + (xs[i] - mx) ^ 2, sxy + (xs[i] - mx) * (ys[i] - my) end
  assert(sxx > 0, "fit.line: all xs are equal")
  local slope = sxy / sxx
  local icpt = my - slope * mx
  local rss = 0
  for i = 1, n do rss = rss + (ys[i] - icpt - slope * xs[i]) ^ 2 end
  local se = n > 2 and math.sqrt(rss / (n - 2) / sxx) or math.huge
  return {slope = slope, intercept = icpt, se = se, n = n,
          ci = n > 2 and M.t975(n - 2) * se or math.huge}
end

function M.loglog(xs, ys)
  local lx, ly = {}, {}
  for i = 1, #xs do
    if ys[i] > 0 then lx[#lx + 1], ly[#ly + 1] = math.log(xs[i]), math.log(ys[i]) end
  end
  return M.line(lx, ly)
end

return M
