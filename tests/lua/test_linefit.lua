-- lua/linefit.lua against closed forms: an exact line, a hand-computed regression, t quantiles.
local T = require "test"
local linefit = require "linefit"

local r = linefit.line({1, 2, 3, 4}, {3, 5, 7, 9})
T.close("exact line: slope", r.slope, 2, 1e-14)
T.close("exact line: intercept", r.intercept, 1, 1e-13)
T.close("exact line: se", r.se, 0, 1e-14)
-- x = 0,1,2, y = 0,2,1: slope 0.5, intercept 0.5, residuals -0.5, 1, -0.5: rss 1.5,
-- se = sqrt(1.5 / 1 / 2) = sqrt(0.75); ci = 12.7062 * se.
r = linefit.line({0, 1, 2}, {0, 2, 1})
T.close("regression: slope", r.slope, 0.5, 1e-14)
T.close("regression: se", r.se, math.sqrt(0.75), 1e-14)
T.close("regression: ci", r.ci, 12.7062 * math.sqrt(0.75), 1e-12)
-- y = 3 x^-0.25 exactly: the log-log slope is -0.25; non-positive ys are left out.
r = linefit.loglog({1, 2, 4, 8, 16}, {3, 3 * 2 ^ -0.25, 3 * 4 ^ -0.25, 0, 3 * 16 ^ -0.25})
T.close("loglog: slope", r.slope, -0.25, 1e-14)
T.ok("loglog: zero left out", r.n == 4)
T.close("t975(4)", linefit.t975(4), 2.7764, 1e-9)
-- df = 40: 2.0211 (tables); df = 120: 1.9799.
T.close("t975(40)", linefit.t975(40), 2.0211, 2e-4)
T.close("t975(120)", linefit.t975(120), 1.9799, 2e-4)
T.done()
