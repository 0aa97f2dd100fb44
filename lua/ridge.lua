-- ridge: the weighted ridge regression over a network's neurons (the paper's problems (18)/(27)).
local M = {}

-- unit_neurons(net): the neurons with non-zero input and output weights in unit-norm form:
-- w_k / ||w_k||, b_k / ||w_k|| and v_k ||w_k|| (the same function).  Returns {W = rows, b = list,
-- V = rows of T, norm = list of ||v_k||} in the network's order.
function M.unit_neurons(net)
  local prm = net:params()
  local out = {W = {}, b = {}, V = {}, norm = {}}
  for k = 1, #prm.b do
    local w = net.d == 1 and {prm.W[k]} or prm.W[k] -- one column: plain numbers
    local nw = 0
    for _, x in ipairs(w) do nw = nw + x * x end
    nw = math.sqrt(nw)
    local v = net.T == 1 and {prm.V[k]} or prm.V[k]
    local vs, nv = {}, 0
    for t = 1, #v do vs[t] = v[t] * nw; nv = nv + vs[t] ^ 2 end
    if nw > 0 and nv > 0 then
      local wu = {}
      for j = 1, #w do wu[j] = w[j] / nw end
      local n = #out.b + 1
      out.W[n], out.b[n], out.V[n], out.norm[n] = wu, prm.b[k] / nw, vs, math.sqrt(nv)
    end
  end
  return out
end

-- features(neurons, X): Phi[i][k] = (w_k . x_i + b_k)_+.
function M.features(neurons, X)
  local Phi = {}
  for i, x in ipairs(X) do
    Phi[i] = {}
    for k, w in ipairs(neurons.W) do
      local z = neurons.b[k]
      for j = 1, #w do z = z + w[j] * x[j] end
      Phi[i][k] = math.max(0, z)
    end
  end
  return Phi
end

-- solve(Phi, rho, y, mu): the minimiser (v, c) of
--     sum_i (y_i - sum_k v_k Phi[i][k] - c)^2 + mu sum_k v_k^2 / rho_k       (rho_k > 0)
-- through its kernel form: kappa_ij = sum_k rho_k Phi_ik Phi_jk, (kappa + mu I) alpha + c 1 = y,
-- sum alpha = 0, v_k = rho_k sum_j alpha_j Phi_jk (an N+1 system, GSL LU).  Returns v, c.
function M.solve(Phi, rho, y, mu)
  local N, K = #Phi, #rho
  local A, rhs = {}, {}
  for i = 1, N do
    A[i] = {}
    for j = 1, N do
      local s = 0
      for k = 1, K do s = s + rho[k] * Phi[i][k] * Phi[j][k] end
      A[i][j] = s + (i == j and mu or 0)
    end
    A[i][N + 1], rhs[i] = 1, y[i]
  end
  A[N + 1], rhs[N + 1] = {}, 0
  for j = 1, N do A[N + 1][j] = 1 end
  A[N + 1][N + 1] = 0
  local sol = repro.linalg.solve(A, rhs)
  local v = {}
  for k = 1, K do
    local s = 0
    for j = 1, N do s = s + sol[j] * Phi[j][k] end
    v[k] = rho[k] * s
  end
  return v, sol[N + 1]
end

return M
