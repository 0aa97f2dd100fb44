-- The engine's side of the benchmark: the problems of bench/problems.lua trained with repro.net,
-- timed with the training reports' own clock (rep.seconds, wall time inside net:train).  One JSON
-- file out (`out`), written to a temporary name and renamed.
--   mode=steps   W warm-up steps, then R rounds of one net:train call of S Adam steps at a
--                constant rate (best round counts).
--   mode=target  how long the engine needs to reach each problem's target objective (targets=
--                "name=J,name=J": PyTorch's final objectives), two ways:
--                  adam    the same step-wise decaying rate as bench/torch_baseline.py's budget
--                          run (60 % of `steps` at 1e-2, 20 % at 1e-3, 20 % at 1e-4) in one
--                          call that stops when the objective is <= the target;
--                  polish  rounds of Adam at 1e-2 (1000 steps, doubling) each followed by the
--                          convex polish of the output weights, until the objective is <= the
--                          target or `cap` seconds of training are spent.
--                The objective is recomputed here from net:eval and net:params (MSE over N*T
--                plus lambda (||W||^2 + ||V||^2)), so both sides are judged by the same formula.
local repro = require "repro"

local P = repro.params{dir = "build/bench", names = "", mode = "steps", steps = 2000,
                       every = 100, warmup = 200, repeats = 3, lr = 1e-2, seed = 1,
                       targets = "", cap = 20,
                       out = "build/bench/ours.json"}

-- ---- problems ------------------------------------------------------------------------------
local function load_problems()
  local rows = {}
  local f = assert(io.open(P.dir .. "/problems.tsv"))
  local head
  for line in f:lines() do
    local cols = {}
    for c in line:gmatch("[^\t]+") do cols[#cols + 1] = c end
    if not head then
      head = cols
    else
      local r = {}
      for i, h in ipairs(head) do r[h] = cols[i] end
      rows[r.name] = {name = r.name, file = P.dir .. "/" .. r.file, d = tonumber(r.d),
                      T = tonumber(r.T), K = tonumber(r.K), lambda = tonumber(r.lambda)}
    end
  end
  f:close()
  local out = {}
  for n in P.names:gmatch("[^,]+") do
    out[#out + 1] = rows[n] or error("train.lua: no problem named '" .. n .. "' in problems.tsv")
  end
  return out
end

-- ---- JSON out (numbers as %.17g so nothing is lost) --------------------------------------
local function json(v, ind)
  ind = ind or ""
  local t = type(v)
  if t == "number" then
    if v ~= v or v == math.huge or v == -math.huge then return "null" end
    if math.type(v) == "integer" then return tostring(v) end
    return string.format("%.17g", v)
  elseif t == "string" then
    return '"' .. v:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
  elseif t == "boolean" then
    return tostring(v)
  elseif v == nil then
    return "null"
  elseif #v > 0 or next(v) == nil then
    local parts = {}
    for i = 1, #v do parts[i] = json(v[i], ind .. " ") end
    return "[" .. table.concat(parts, ", ") .. "]"
  else
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys)
    local parts = {}
    for _, k in ipairs(keys) do
      parts[#parts + 1] = ind .. " " .. json(tostring(k)) .. ": " .. json(v[k], ind .. " ")
    end
    return "{\n" .. table.concat(parts, ",\n") .. "\n" .. ind .. "}"
  end
end

local write_atomic = require("files").write_atomic

-- ---- the objective, computed independently of the trainer's report ----------------------
local function rows(v, T)
  -- a list of numbers (one output) or of rows
  if type(v) == "number" then return {v} end
  return v
end

local function objective(net, ds, p)
  local X, Y = ds.x, ds.y
  local F = net:eval(X)
  local sse = 0
  for i = 1, ds.N do
    local f, y = rows(F[i], p.T), rows(Y[i], p.T)
    for t = 1, p.T do sse = sse + (f[t] - y[t]) ^ 2 end
  end
  local prm = net:params()
  local pen = 0
  for _, M in ipairs{prm.W, prm.V} do
    for _, r in ipairs(M) do
      if type(r) == "number" then
        pen = pen + r * r
      else
        for _, x in ipairs(r) do pen = pen + x * x end
      end
    end
  end
  local mse = sse / (ds.N * p.T)
  return mse + p.lambda * pen, mse, pen
end

local function newnet(p, seed)
  return repro.net{d = p.d, T = p.T, K = p.K, skip = true, seed = seed}
end

local function adam(net, ds, p, steps, lr)
  return net:train(ds, {objective = "weight_decay", lambda = p.lambda, optimizer = "adam",
                        steps = steps, lr = lr, schedule = "constant", progress = false})
end

-- ---- mode=steps ---------------------------------------------------------------------------
local function run_steps(p, ds)
  local net = newnet(p, P.seed)
  if P.warmup > 0 then adam(net, ds, p, P.warmup, P.lr) end
  local times = {}
  for r = 1, P.repeats do
    local rep = adam(net, ds, p, P.steps, P.lr)
    times[r] = rep.seconds
  end
  local best = math.huge
  for _, t in ipairs(times) do best = math.min(best, t) end
  return {name = p.name, mode = "steps", seed = P.seed, warmup = P.warmup, steps = P.steps,
          repeats = P.repeats, lr = P.lr, times = times, time_per_step = best / P.steps,
          objective = (objective(net, ds, p))}
end

-- ---- mode=target ----------------------------------------------------------------------------
-- PyTorch's budget schedule (60 % of the steps at 1e-2, 20 % at 1e-3, 20 % at 1e-4) as one
-- net:train call with milestones, stopping as soon as the objective reaches the target.
local function target_adam(p, ds, J)
  local net = newnet(p, P.seed)
  local m1 = math.floor(0.6 * P.steps + 0.5)
  local m2 = m1 + math.floor(0.2 * P.steps + 0.5)
  local rep = net:train(ds, {objective = "weight_decay", lambda = p.lambda, optimizer = "adam",
                             steps = P.steps, lr = 1e-2, schedule = "step", gamma = 0.1,
                             milestones = {m1, m2}, target = J, progress = false})
  local j = objective(net, ds, p)
  return {reached = j <= J * (1 + 1e-12), time = rep.seconds, steps = rep.steps, objective = j,
          reason = rep.reason}
end

local function target_polish(p, ds, J)
  local net = newnet(p, P.seed)
  local t, k, n, traj = 0, 0, 1000, {}
  local j = math.huge
  while t < P.cap do
    local rep = adam(net, ds, p, n, 1e-2)
    t, k = t + rep.seconds, k + n
    local pol = net:train(ds, {objective = "weight_decay", lambda = p.lambda,
                               optimizer = "polish", progress = false})
    t = t + pol.seconds
    j = objective(net, ds, p)
    traj[#traj + 1] = {k, t, j, pol.gap, pol.certificate}
    if j <= J then
      return {reached = true, time = t, steps = k, objective = j, trajectory = traj,
              gap = pol.gap, certificate = pol.certificate}
    end
    n = 2 * n
  end
  return {reached = false, time = t, steps = k, objective = j, trajectory = traj}
end

local function run_target(p, ds, J)
  return {name = p.name, mode = "target", seed = P.seed, target = J, budget = P.steps,
          adam = target_adam(p, ds, J), polish = target_polish(p, ds, J)}
end

-- ---- main -----------------------------------------------------------------------------------
local targets = {}
for n, v in P.targets:gmatch("([^,=]+)=([^,]+)") do targets[n] = tonumber(v) end

local results = {}
for _, p in ipairs(load_problems()) do
  local ds = repro.dataset.load(p.file)
  local r
  if P.mode == "steps" then
    r = run_steps(p, ds)
    io.stderr:write(string.format("ours  %-14s steps  %.3g s/step, J = %.6g\n", p.name,
                                  r.time_per_step, r.objective))
  elseif P.mode == "target" then
    local J = targets[p.name] or error("train.lua: no target objective for " .. p.name)
    r = run_target(p, ds, J)
    io.stderr:write(string.format("ours  %-14s target %.6g: adam %s in %.3g s, adam+polish %s in %.3g s\n",
                                  p.name, J, r.adam.reached and "reached" or "NOT reached",
                                  r.adam.time, r.polish.reached and "reached" or "NOT reached",
                                  r.polish.time))
  else
    error("train.lua: mode must be steps or target, got '" .. P.mode .. "'")
  end
  r.N, r.d, r.T, r.K, r.lambda = ds.N, p.d, p.T, p.K, p.lambda
  results[#results + 1] = r
end
write_atomic(P.out, json({engine = "repro", results = results}) .. "\n")
