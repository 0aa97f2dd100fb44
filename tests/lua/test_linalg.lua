-- repro.linalg: solutions checked by multiplying back (an independent computation) and against a
-- closed form; bad input.
local T = require "test"
local solve = repro.linalg.solve

local x = solve({{2, 1}, {1, 3}}, {3, 5})
T.close("2x2 closed form x1 (Cramer: (3*3-1*5)/5)", x[1], 0.8, 1e-15)
T.close("2x2 closed form x2 (Cramer: (2*5-1*3)/5)", x[2], 1.4, 1e-15)

-- A random well-conditioned 9x9 system with three right-hand sides: A X = B to rounding.
math.randomseed(7)
local n, A, B = 9, {}, {}
for i = 1, n do
  A[i], B[i] = {}, {}
  for j = 1, n do A[i][j] = repro.gaussian() + (i == j and 6 or 0) end
  for k = 1, 3 do B[i][k] = repro.gaussian() end
end
local X = solve(A, B)
local worst = 0
for i = 1, n do
  for k = 1, 3 do
    local s = 0
    for j = 1, n do s = s + A[i][j] * X[j][k] end
    worst = math.max(worst, math.abs(s - B[i][k]))
  end
end
T.ok("9x9, three right-hand sides: residual below 1e-13", worst < 1e-13, worst)
T.ok("rows come back as rows", #X == n and #X[1] == 3)
local x1 = solve({{2, 1}, {1, 3}}, {{3}, {5}})
T.ok("one column given as rows comes back as numbers", x1[1] == x[1] and x1[2] == x[2])

T.errors("singular", function() solve({{1, 2}, {2, 4}}, {1, 1}) end, "singular to working precision")
T.errors("not square", function() solve({{1, 2, 3}, {2, 4, 5}}, {1, 1}) end, "A must be square")
T.errors("B rows", function() solve({{1, 0}, {0, 1}}, {1, 2, 3}) end, "B must have 2 rows")
T.errors("NaN", function() solve({{0 / 0, 0}, {0, 1}}, {1, 2}) end, "must be finite")
T.done()
