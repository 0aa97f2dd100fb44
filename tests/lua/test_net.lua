-- repro.net: shapes, evaluation against the formula, params and save/load round trips,
-- training reports, and every bad-input error.
local T = require "test"
local repro = require "repro"

local function relu(z) return z > 0 and z or 0 end

-- construction and fields ---------------------------------------------------------------------
local net = repro.net{d = 1, T = 2, K = 5, seed = 7}
T.ok("fields", net.d == 1 and net.T == 2 and net.K == 5 and net.skip == true)
T.ok("P counts W, b, V, A, c", net.P == 5 + 5 + 10 + 2 + 2)
T.ok("tostring", tostring(net):find("repro.Net", 1, true) ~= nil)
local p = net:params()
T.ok("params shapes (one column: plain numbers)", #p.W == 5 and type(p.W[1]) == "number" and #p.b == 5
                      and #p.V == 5 and #p.V[1] == 2 and #p.A == 2 and type(p.A[1]) == "number" and #p.c == 2)
local same = repro.net{d = 1, T = 2, K = 5, seed = 7}:params()
T.ok("same seed, same init", same.W[3] == p.W[3] and same.c[2] == p.c[2])
local other = repro.net{d = 1, T = 2, K = 5, seed = 8}:params()
T.ok("other seed, other init", other.W[3] ~= p.W[3])
T.ok("no skip: A is nil", repro.net{d = 2, T = 1, K = 3, skip = false}:params().A == nil)

-- evaluation against equation (1) ---------------------------------------------------------------
net:set_params{W = {{1}, {-1}, {2}, {0.5}, {1}}, b = {0, 1, -1, 0.25, -3}, V = {{1, 0}, {0, 1}, {1, 1},
               {-1, 2}, {0.5, 0.5}}, A = {{0.5}, {-1}}, c = {1, 2}}
local function f(x)
  local W, b, V = {1, -1, 2, 0.5, 1}, {0, 1, -1, 0.25, -3}, {{1, 0}, {0, 1}, {1, 1}, {-1, 2}, {0.5, 0.5}}
  local out = {1 + 0.5 * x, 2 - x}
  for k = 1, 5 do
    local h = relu(W[k] * x + b[k])
    out[1], out[2] = out[1] + V[k][1] * h, out[2] + V[k][2] * h
  end
  return out
end
local worst = 0
for _, x in ipairs{-2, -0.3, 0, 0.7, 1.5, 4} do
  local a, b = net(x), f(x)
  worst = math.max(worst, math.abs(a[1] - b[1]), math.abs(a[2] - b[2]))
end
T.close("net(x) = equation (1)", worst, 0, 1e-14)
T.ok("net({x}) = net(x)", net({1.5})[2] == net(1.5)[2])
local ev = net:eval({-2, 0.7})
T.ok("eval: list of rows", #ev == 2 and #ev[1] == 2 and ev[2][1] == net(0.7)[1])
T.ok("eval of nothing", #net:eval({}) == 0)
local n2 = repro.net{d = 2, T = 1, K = 3}
local e2 = n2:eval({{1, 2}, {0, -1}})
T.ok("d = 2, T = 1 eval: plain numbers", #e2 == 2 and type(e2[1]) == "number" and e2[2] == n2({0, -1})[1])

-- params round trip -------------------------------------------------------------------------------
local q = net:params()
T.ok("params round trip", q.W[4] == 0.5 and q.b[5] == -3 and q.V[4][2] == 2 and q.A[2] == -1
                          and q.c[1] == 1)
local copy = repro.net{d = 1, T = 2, K = 5, seed = 99}
copy:set_params(q)
T.ok("set_params(params()) reproduces f", copy(0.3)[1] == net(0.3)[1] and copy(0.3)[2] == net(0.3)[2])

-- one shape rule: a result of one column is a list of plain numbers (as ds.x) ---------------------
local n1 = repro.net{d = 1, T = 1, K = 2, seed = 3}
n1:set_params{W = {1, -1}, b = {0, 1}, V = {2, 3}, A = {0.5}, c = {1}}
local e1 = n1:eval({0.5, 2})
T.ok("T = 1 eval: numbers by equation (1)", e1[1] == 2 * 0.5 + 3 * 0.5 + 0.25 + 1 and e1[2] == 4 + 1 + 1)
local p1 = n1:params()
T.ok("d = T = 1 params: numbers", p1.W[2] == -1 and p1.V[2] == 3 and p1.A[1] == 0.5)
local k1, j1 = n1:knots()
T.ok("T = 1 jumps: numbers |w| v", k1[1] == 0 and k1[2] == 1 and j1[1] == 2 and j1[2] == 3)

-- structure ---------------------------------------------------------------------------------------
local act = net:active()
T.ok("active: 1-based list of all 5", #act == 5 and act[1] == 1 and act[5] == 5)
local k, j = net:knots()
-- knots: 0 (w=1,b=0), 1 (w=-1,b=1), 0.5 (w=2,b=-1), -0.5, 3; jumps |w| v
T.ok("knots sorted", #k == 5 and k[1] == -0.5 and k[2] == 0 and k[5] == 3)
T.close("jump at 0.5 = |w| v = 2 (1, 1)", j[3][1], 2, 1e-14)
local cost = 0
for i = 1, #j do cost = cost + math.sqrt(j[i][1] ^ 2 + j[i][2] ^ 2) end
T.close("cost = sum of jump norms", net:cost(), cost, 1e-12)
local before = net(0.9)
net:balance()
T.close("balance keeps f", net(0.9)[2], before[2], 1e-14)
local pb = net:params()
T.close("balance: ||w_3|| = ||v_3||", math.abs(pb.W[3]), math.sqrt(pb.V[3][1] ^ 2 + pb.V[3][2] ^ 2), 1e-14)

-- save / load ---------------------------------------------------------------------------------------
local path = os.tmpname()
net:save(path)
local back = repro.net.load(path)
T.ok("load: same shape", back.d == 1 and back.T == 2 and back.K == 5 and back.skip)
T.ok("load: same function (bitwise)", back(0.37)[1] == net(0.37)[1] and back(-4)[2] == net(-4)[2])
os.remove(path)

-- training ------------------------------------------------------------------------------------------
local ds = repro.dataset{x = {-2, -1, 0, 1, 2}, y = {0, 1, 0, 1, 0}}
local t = repro.net{d = 1, T = 1, K = 10, seed = 3}
local obj0 = t:objective(ds, {lambda = 1e-4})
local r = t:train(ds, {steps = 3000, lr = 1e-2, lambda = 1e-4, schedule = "cosine", lr_min = 1e-4,
                       progress = false})
T.ok("report fields", r.steps == 3000 and r.reason == "steps" and r.seconds >= 0
                      and r.gap == nil and r.certificate == nil)
T.ok("training lowers the objective", r.objective < obj0)
local o, l, pen = t:objective(ds, {lambda = 1e-4})
T.close("report = objective()", r.objective, o, 1e-15)
T.close("objective = loss + penalty", o, l + pen, 1e-15)
T.close("report loss", r.loss, l, 1e-15)
local og = t:objective(ds, {objective = "group", lambda = 2e-4})
T.close("balanced: group(2 lambda) = weight decay(lambda)", og, o, 1e-12)
local rp = t:train(ds, {optimizer = "polish", lambda = 1e-4})
T.ok("polish report has gap and certificate", type(rp.gap) == "number" and type(rp.certificate) == "number")
T.close("certificate() = polish report", t:certificate(ds, {lambda = 1e-4}), rp.certificate, 1e-12)
local rs = t:train(ds, {optimizer = "adam", schedule = "step", milestones = {10, 20}, gamma = 0.5,
                        steps = 30, lambda = 1e-4})
T.ok("step schedule with milestones runs", rs.steps == 30)
-- target: a fresh net trained towards the objective reached above stops there, earlier.
local tt = repro.net{d = 1, T = 1, K = 10, seed = 3}
local rt = tt:train(ds, {steps = 3000, lr = 1e-2, lambda = 1e-4, schedule = "cosine",
                         lr_min = 1e-4, progress = false, target = 2 * r.objective})
local ot = tt:objective(ds, {lambda = 1e-4})
T.ok("target: stops early with reason 'target'", rt.reason == "target" and rt.steps < 3000,
     rt.reason .. " after " .. rt.steps)
T.ok("target: the network it stops at is at or below the target (before balancing)",
     ot <= 2 * r.objective * (1 + 1e-12))
T.errors("target must be a number", function() tt:train(ds, {target = "low"}) end,
         "train: target must be a finite number")
local rl = t:train(ds, {optimizer = "lbfgs", steps = 20, lambda = 1e-4})
T.ok("lbfgs runs", rl.steps <= 20 and (rl.reason == "steps" or rl.reason == "stalled"))

-- errors --------------------------------------------------------------------------------------------
T.errors("net: not a table", function() repro.net(3) end, "repro.net: expected a table")
T.errors("net: unknown option", function() repro.net{d = 1, T = 1, K = 2, width = 3} end,
         "repro.net: unknown option 'width'")
T.errors("net: missing K", function() repro.net{d = 1, T = 1} end, "repro.net: missing field K")
T.errors("net: K = 0", function() repro.net{d = 1, T = 1, K = 0} end, "K must be an integer >= 1")
T.errors("net: negative seed", function() repro.net{d = 1, T = 1, K = 1, seed = -1} end,
         "seed must be an integer >= 0")
T.errors("net(x): wrong length", function() net({1, 2}) end, "net(x): x must have d = 1 numbers")
T.errors("net(x): number for d = 2", function() n2(1) end, "x must be a list of d = 2 numbers")
T.errors("net(x): string", function() net("a") end, "net(x): x must be a number or a list")
T.errors("net(x): NaN", function() net(0 / 0) end, "must be finite")
T.errors("eval: wrong width", function() n2:eval({{1, 2, 3}}) end, "rows of d = 2 numbers")
T.errors("eval: d = 2 plain list", function() n2:eval({1, 2}) end, "net:eval: X")
T.errors("set_params: unknown key", function() net:set_params{W = {}, x = 1} end,
         "set_params: unknown option 'x'")
T.errors("set_params: missing field", function() net:set_params{W = q.W, b = q.b, V = q.V, A = q.A} end,
         "set_params: missing field c")
T.errors("set_params: wrong shape", function()
  net:set_params{W = {{1}}, b = q.b, V = q.V, A = q.A, c = q.c} end, "set_params: W must be 5 x 1")
T.errors("set_params: bad length", function()
  net:set_params{W = q.W, b = {1, 2}, V = q.V, A = q.A, c = q.c} end, "set_params: b must have 5 numbers")
T.errors("set_params: NaN", function()
  net:set_params{W = q.W, b = q.b, V = q.V, A = q.A, c = {0 / 0, 1}} end, "set_params: c entry 1 must be finite")
T.errors("set_params: A without skip", function()
  repro.net{d = 1, T = 1, K = 1, skip = false}:set_params{W = {1}, b = {0}, V = {1}, A = {1}, c = {0}} end,
  "A given but the net has no skip")
local keep = net(0.5)[1]
pcall(function() net:set_params{W = {{9}, {9}, {9}, {9}, {9}}, b = q.b, V = q.V, A = q.A, c = {1}} end)
T.ok("set_params: failed call leaves the net unchanged", net(0.5)[1] == keep)
T.errors("load: missing file", function() repro.net.load("/nonexistent/net.txt") end, "/nonexistent/net.txt")
T.errors("train: not a dataset", function() t:train({1, 2}) end, "train: ds must be a dataset")
T.errors("train: d mismatch", function() n2:train(ds) end,
         "train: the dataset has d = 1 inputs but the net has d = 2")
T.errors("train: T mismatch", function() net:train(ds) end,
         "train: the dataset has T = 1 outputs but the net has T = 2")
T.errors("train: unknown option", function() t:train(ds, {step = 3}) end, "train: unknown option 'step'")
T.errors("train: unknown optimizer", function() t:train(ds, {optimizer = "sgd"}) end,
         "train: unknown optimizer 'sgd' (valid: adam, lbfgs, polish)")
T.errors("train: unknown schedule", function() t:train(ds, {schedule = "linear"}) end,
         "train: unknown schedule 'linear' (valid: constant, step, cosine)")
T.errors("train: unknown objective", function() t:train(ds, {objective = "l1"}) end,
         "(valid: weight_decay, group)")
T.errors("train: negative lambda", function() t:train(ds, {lambda = -1}) end,
         "train: lambda must be a finite number >= 0")
T.errors("train: zero steps", function() t:train(ds, {steps = 0}) end, "train: steps must be an integer >= 1")
T.errors("train: bad lr", function() t:train(ds, {lr = 0}) end, "train: lr must be a finite number > 0")
T.errors("train: polish without lambda", function() t:train(ds, {optimizer = "polish", lambda = 0}) end,
         "polish needs lambda > 0")
T.errors("train: milestones not increasing", function() t:train(ds, {schedule = "step", milestones = {5, 3}}) end,
         "milestones must be increasing")
T.errors("train: bad progress", function() t:train(ds, {progress = 1}) end, "option 'progress' must be true or false")
T.errors("train: divergence names the step", function() t:train(ds, {lr = 1e200, steps = 5}) end,
         "diverged at step 1")
T.errors("objective: unknown option", function() t:objective(ds, {lr = 1}) end, "objective: unknown option 'lr'")
T.errors("certificate: lambda 0", function() t:certificate(ds, {lambda = 0}) end, "certificate: lambda must be > 0")
T.errors("knots: d = 2", function() n2:knots() end, "knots: needs a net with one input")
T.errors("cost: d = 2", function() n2:cost() end, "cost: needs a net with one input")
T.errors("active: bad tol", function() net:active(-1) end, "active: tol must be a finite number >= 0")
-- the sparse finishing step and the distinct-neuron count ---------------------------------------
-- 7 points, 40 neurons with random knots: the polished output layer may use many neurons, an
-- optimum needs at most rank = N - 1 - (skip columns) = 5 of them; the sparse polish must reach
-- that with the same objective and certificate as the plain polish from the same start.
local xs, ys = {}, {}
for i = 1, 7 do xs[i] = {-1 + (i - 1) / 3}; ys[i] = math.sin(3 * xs[i][1]) end
local dsp = repro.dataset{x = xs, y = ys}
local a = repro.net{d = 1, T = 1, K = 40, seed = 5}
a:train(dsp, {lambda = 1e-4, steps = 500, lr = 1e-2})
local pa0 = a:params()
local bnet = repro.net{d = 1, T = 1, K = 40, seed = 5}
bnet:set_params(pa0)
local plain = a:train(dsp, {optimizer = "polish", lambda = 1e-4})
local sp = bnet:train(dsp, {optimizer = "polish", lambda = 1e-4, sparse = true})
T.ok("sparse polish: at most N - 2 = 5 neurons (got " .. #bnet:active(0) .. ", plain " .. #a:active(0) .. ")",
     #bnet:active(0) <= 5)
T.close("sparse polish: objective = plain polish", sp.objective, plain.objective, 1e-9 * plain.objective)
T.close("sparse polish: certificate = plain polish", sp.certificate, plain.certificate, 1e-6)
T.ok("sparse polish: report counts removed neurons", type(sp.removed) == "number" and plain.removed == 0)
-- keep: a polish at a large lambda switches neurons off; with keep = true they keep (w, b), so a
-- second polish at a small lambda reaches the optimum of a direct polish at that lambda on the
-- same hidden layer; without keep it can only use the neurons that survived.
local function twice(keep)
  local n = repro.net{d = 1, T = 1, K = 40, seed = 5}
  n:set_params(pa0)
  n:train(dsp, {optimizer = "polish", objective = "group", lambda = 1e-1, keep = keep})
  local alive = 0
  for _, w in ipairs(n:params().W) do if w ~= 0 then alive = alive + 1 end end
  return n:train(dsp, {optimizer = "polish", objective = "group", lambda = 1e-5}), alive
end
local direct = repro.net{d = 1, T = 1, K = 40, seed = 5}
direct:set_params(pa0)
local rd = direct:train(dsp, {optimizer = "polish", objective = "group", lambda = 1e-5})
local rk, alive_k = twice(true)
local rn, alive_n = twice(false)
T.ok("keep: switched-off neurons keep w (" .. alive_k .. " of 40 nonzero, " .. alive_n .. " without keep)",
     alive_k > alive_n)
T.close("keep: second polish reaches the direct optimum", rk.objective, rd.objective, 1e-8 * rd.objective)
T.ok("without keep the second polish cannot (" .. rn.objective .. " > " .. rd.objective .. ")",
     rn.objective > rd.objective * (1 + 1e-6))
-- distinct: neurons 1 and 2 nearly parallel (cos ~ 1 - 1e-8), neuron 3 another ridge
local dn = repro.net{d = 2, T = 1, K = 3, skip = false}
dn:set_params{W = {{1, 0}, {1, 1e-4}, {0, 1}}, b = {0.5, 0.5, 0}, V = {{1}, {0.5}, {2}}, c = {0}}
local n1, groups = dn:distinct(0.999)
T.ok("distinct: near-parallel neurons merged at cos 0.999", n1 == 2)
T.ok("distinct: groups list the merged neurons, largest first",
     #groups == 2 and groups[1][1] == 3 and #groups[2] == 2 and groups[2][1] == 1 and groups[2][2] == 2)
T.ok("distinct: kept apart at cos 1 - 1e-12", dn:distinct(1 - 1e-12) == 3)
T.ok("distinct: default threshold 0.999", dn:distinct() == 2)
T.errors("distinct: bad cos_min", function() dn:distinct(2) end, "distinct: cos_min must be in [-1, 1]")
T.errors("no such field", function() return net.width end, "net has no field 'width'")

T.done()
