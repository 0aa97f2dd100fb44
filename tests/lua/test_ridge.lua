-- lua/ridge.lua: the weighted ridge solution satisfies its optimality conditions (computed here
-- independently: the gradient in v and in c vanishes); unit-norm neurons represent the same
-- function as the network.
local T = require "test"
local ridge = require "ridge"

math.randomseed(11)
local N, K = 6, 9
local Phi, rho, y = {}, {}, {}
for i = 1, N do
  Phi[i] = {}
  for k = 1, K do Phi[i][k] = math.max(0, repro.gaussian()) end
  y[i] = repro.gaussian()
end
for k = 1, K do rho[k] = 0.2 + math.random() end
local mu = 0.3
local v, c = ridge.solve(Phi, rho, y, mu)
local r = {}
for i = 1, N do
  local f = c
  for k = 1, K do f = f + v[k] * Phi[i][k] end
  r[i] = y[i] - f
end
local worst, sr = 0, 0
for k = 1, K do
  local g = 0
  for i = 1, N do g = g - 2 * r[i] * Phi[i][k] end
  worst = math.max(worst, math.abs(g + 2 * mu * v[k] / rho[k]))
end
for i = 1, N do sr = sr + r[i] end
T.ok("gradient in v vanishes", worst < 1e-12, worst)
T.ok("gradient in c vanishes (residuals sum to zero)", math.abs(sr) < 1e-12, sr)

local net = repro.net{d = 2, T = 3, K = 7, skip = false, seed = 4}
local nu = ridge.unit_neurons(net)
T.ok("unit neurons: unit-norm directions",
     math.abs(nu.W[1][1] ^ 2 + nu.W[1][2] ^ 2 - 1) < 1e-14)
local X = {{0.3, -1.2}, {1.5, 0.4}, {-0.7, 0.9}}
local F, Phi2 = net:eval(X), ridge.features(nu, X)
local c3 = net:params().c
local dev = 0
for i = 1, #X do
  for t = 1, 3 do
    local f = c3[t]
    for k = 1, #nu.b do f = f + nu.V[k][t] * Phi2[i][k] end
    dev = math.max(dev, math.abs(f - F[i][t]))
  end
end
T.ok("unit neurons + features reproduce the network", dev < 1e-13, dev)
T.done()
