-- fit: the training recipe of every network in the report, "Adam, then polish": Adam on the
-- weight-decay objective with a cosine-decaying rate, then the convex polish of the output layer
-- (README, "net:train").  One place, so that the figures' scripts cannot drift apart.
local M = {}

local KNOWN = {d = true, T = true, K = true, skip = true, seed = true, lambda = true,
               steps = true, lr = true, lr_min = true, polish_iter = true, ngrid = true, sparse = true}

local function checked(o)
  for k in pairs(o) do
    if not KNOWN[k] then error("fit: unknown option '" .. tostring(k) .. "'", 3) end
  end
  return o
end

-- options(P, extra): the training options among a script's parameters P (K, lambda, steps, lr,
-- lr_min, polish_iter, ngrid, ...), with the entries of EXTRA (seed, lambda, skip) on top.
function M.options(P, extra)
  local o = {}
  for k in pairs(KNOWN) do o[k] = P[k] end
  for k, v in pairs(extra) do o[k] = v end
  return checked(o)
end

-- adam(net, ds, o): Adam with o.lambda, o.steps, o.lr, cosine schedule down to o.lr_min.
function M.adam(net, ds, o)
  checked(o)
  return net:train(ds, {lambda = o.lambda, optimizer = "adam", steps = o.steps, lr = o.lr,
                        schedule = "cosine", lr_min = o.lr_min})
end

-- polish(net, ds, o): the group lasso of the output weights solved at o.lambda, with the
-- certificate; o.polish_iter caps the coordinate-descent sweeps and o.ngrid is the number of
-- candidate directions of the certificate in 2-D (engine defaults when nil); o.sparse adds the
-- sparse finishing step (an optimum with independent active columns, README "net:train").
function M.polish(net, ds, o)
  checked(o)
  return net:train(ds, {lambda = o.lambda, optimizer = "polish", polish_iter = o.polish_iter,
                        ngrid = o.ngrid, sparse = o.sparse})
end

-- train(ds, o): a fresh network of width o.K (input dimension and task count from ds, skip
-- connection o.skip, initialised from o.seed), trained by adam and polish.  Returns the network,
-- the polish report and the Adam report.
function M.train(ds, o)
  checked(o)
  local net = repro.net{d = ds.d, T = ds.T, K = o.K, skip = o.skip, seed = o.seed}
  local adam = M.adam(net, ds, o)
  local pol = M.polish(net, ds, o)
  return net, pol, adam
end

return M
