-- The engine's side of the students benchmark (bench/students.py): the 25 single-task students
-- of Figure 8, one network per task of the problem `name` (K neurons, no skip connection),
-- `steps` Adam steps each at rate 1e-2.  Prints: engine, students, steps, seconds (the training
-- calls' own clock), mean final objective.  bench/run.sh times the whole process.
local repro = require "repro"

local P = repro.params{dir = "build/bench", name = "teacher_T25", steps = 2000, K = 800}
local row
for line in io.lines(P.dir .. "/problems.tsv") do
  local c = {}
  for x in line:gmatch("[^\t]+") do c[#c + 1] = x end
  if c[1] == P.name then row = c end
end
assert(row, "students.lua: no problem " .. P.name)
local ds = repro.dataset.load(P.dir .. "/" .. row[2])
local lambda = tonumber(row[6])
local X, Y = ds.x, ds.y
local secs, total = 0, 0
for t = 1, ds.T do
  local y = {}
  for i = 1, ds.N do y[i] = {Y[i][t]} end
  local one = repro.dataset{x = X, y = y}
  local net = repro.net{d = ds.d, T = 1, K = P.K, skip = false, seed = t}
  local rep = net:train(one, {lambda = lambda, optimizer = "adam", steps = P.steps, lr = 1e-2,
                              progress = false})
  secs, total = secs + rep.seconds, total + rep.objective
end
print(string.format("engine\t%d\t%d\t%.6f\t%.9g", ds.T, P.steps, secs, total / ds.T))
