-- Figures 8, 9 and 10: the teacher-student experiment of the paper's Appendix B.2.  A teacher of
-- 25 unit-norm ReLU neurons in R^5 without bias labels 20 Gaussian inputs, one task per teacher
-- neuron: y_it = (w_t . x_i)_+.  One student network learns all 25 tasks at once; 25 students
-- learn one task each (K = 800, weight decay 1e-4, no skip connection, Adam then the polish).
--   fig8:  which neurons of the multi-task student serve which tasks (|v_kt|);
--   fig9:  the 25 outputs of the multi-task student along one unit direction w;
--   fig10: the 25 single-task students along the same direction.
-- The paper's reading: single-task students recover their teacher neuron (a ReLU ridge, few
-- active neurons); the multi-task student shares about 150 neurons among all tasks and its
-- outputs are not ridges.
-- Two measures beside the paper's: the number of *distinct* neurons of a student (neurons whose
-- unit-norm (w, b) are near-parallel, cosine above `parallel`, count once: gradient descent
-- leaves near-copies of one neuron that share its weight), and for each active neuron of the
-- multi-task student how its output weight is shared among the tasks.
local repro = require "repro"
local fit = require "fit"

local P = repro.params{d = 5, N = 20, T = 25, K = 800, lambda = 1e-4, steps = 20000, lr = 1e-2,
                       lr_min = 1e-4, seed = 2410, mse = 1e-4, polish_iter = 20000,
                       parallel = 0.999, carry = 0.1, distinct_max = 7, sparse = true}
math.randomseed(P.seed)
local d, N, T = P.d, P.N, P.T
local function unit()
  local w, s = {}, 0
  for j = 1, d do w[j] = repro.gaussian(); s = s + w[j] ^ 2 end
  for j = 1, d do w[j] = w[j] / math.sqrt(s) end
  return w
end
local function dot(a, b) local s = 0; for j = 1, d do s = s + a[j] * b[j] end; return s end
local teacher = {}
for t = 1, T do teacher[t] = unit() end
local X, Y = {}, {}
for i = 1, N do
  local x = {}
  for j = 1, d do x[j] = repro.gaussian() end
  X[i], Y[i] = x, {}
  for t = 1, T do Y[i][t] = math.max(0, dot(teacher[t], x)) end
end
local dir = unit() -- the direction of Figures 9 and 10

-- The 26 students are independent: each is a point of a sweep (0: the multi-task student, t:
-- the single-task student of task t), run in parallel in make's job slots and cached on its
-- own.  A point returns what the rest of the script reads of its network: the training loss,
-- the number of distinct neurons (net:distinct: unit-norm (w, b) with cosine above
-- P.parallel count once), the outputs along the line of Figures 9 and 10 (below), and for the
-- multi-task student its output weights, for a single-task one its number of active neurons.
local O = {K = P.K, lambda = P.lambda, steps = P.steps, lr = P.lr, lr_min = P.lr_min,
           polish_iter = P.polish_iter, sparse = P.sparse}
local parallel, seed0 = P.parallel, P.seed

-- Along the line s * dir, s in [-3, 3].
local S = {}
for k = 0, 120 do S[#S + 1] = -3 + 6 * k / 120 end
local line = {}
for k, s in ipairs(S) do
  line[k] = {}
  for j = 1, d do line[k][j] = s * dir[j] end
end
-- How far output t is from its teacher's ridge s -> (s w_t . w)_+ on |s| <= 2 (where the data
-- are: projections of the inputs on a unit direction are standard normal), relative to the
-- task's largest label.
local ymax = {}
for t = 1, T do
  ymax[t] = 0
  for i = 1, N do ymax[t] = math.max(ymax[t], Y[i][t]) end
end
local function ridge_error(vals, t)
  local m = 0
  for k, s in ipairs(S) do
    if math.abs(s) <= 2 then
      m = math.max(m, math.abs(vals[k] - math.max(0, s * dot(teacher[t], dir))))
    end
  end
  return m / ymax[t]
end
local function median(list)
  local c = {table.unpack(list)}
  table.sort(c)
  return c[(#c + 1) // 2]
end

local students = {}
for t = 0, T do students[t + 1] = t end
local runs = repro.sweep("students", {student = students}, function(p)
  local t, y = p.student, Y
  if t > 0 then
    y = {}
    for i = 1, N do y[i] = Y[i][t] end
  end
  local net, pol = fit.train(repro.dataset{x = X, y = y},
                             fit.options(O, {seed = seed0 + (t == 0 and 1 or 100 + t), skip = false}))
  local r = {loss = pol.loss, distinct = (net:distinct(parallel, 1e-6)), line = net:eval(line)}
  if t == 0 then r.V = net:params().V else r.active = #net:active(1e-6) end
  return r
end)

-- The multi-task student.
local mrun = runs[1]
repro.check("multi_mse", mrun.loss, {le = P.mse, fmt = "%.1e"})
local prm = {V = mrun.V}
local norms, active = {}, {}
local vmax = 0
for k = 1, P.K do
  local s = 0
  for t = 1, T do s = s + prm.V[k][t] ^ 2 end
  norms[k] = math.sqrt(s)
  vmax = math.max(vmax, norms[k])
end
for k = 1, P.K do if norms[k] > 1e-6 * vmax then active[#active + 1] = k end end
repro.value("multi_active", #active, {fmt = "%.0f"})
repro.value("multi_distinct", mrun.distinct, {fmt = "%.0f"})
-- All tasks or none?  For a group-lasso optimum every active neuron has some weight on almost
-- every task, so a non-zero test says nothing.  Instead, per active neuron: the share of ||v_k||
-- held by its largest task (1/sqrt(T) when all tasks weigh the same, 1 for a neuron of one
-- task) and the number of tasks that carry it, |v_kt| > P.carry ||v_k|| (P.carry = 0.1 is half
-- of the even share 1/sqrt(T) = 0.2 at T = 25).
local shares, carriers, hist = {}, {}, {}
for t = 1, T do hist[t] = 0 end
for n, k in ipairs(active) do
  local top, c = 0, 0
  for t = 1, T do
    local a = math.abs(prm.V[k][t])
    top = math.max(top, a)
    if a > P.carry * norms[k] then c = c + 1 end
  end
  shares[n], carriers[n] = top / norms[k], c
  if c > 0 then hist[c] = hist[c] + 1 end
end
repro.value("carry", P.carry, {fmt = "%.1f"})
repro.value("share_median", median(shares), {fmt = "%.2f"})
repro.value("share_max", math.max(table.unpack(shares)), {fmt = "%.2f"})
repro.value("carriers_median", median(carriers), {fmt = "%.0f"})
repro.value("carriers_min", math.min(table.unpack(carriers)), {fmt = "%.0f"})
-- The paper's reading ("each neuron contributes to all the tasks or none"), as a check that can
-- fail: the share of active neurons carried by at least a quarter of the tasks.  (A single-task
-- student's neurons are each carried by one task.)
local many = 0
for _, c in ipairs(carriers) do if c >= T / 4 then many = many + 1 end end
repro.check("multi_shared", many / #carriers, {ge = 0.9, fmt = "%.2f"})
repro.value("even_share", 1 / math.sqrt(T), {fmt = "%.2f"})
local mvals, merr = {}, {}
local ML = mrun.line
for t = 1, T do
  mvals[t] = {}
  for k = 1, #S do mvals[t][k] = ML[k][t] end
  merr[t] = ridge_error(mvals[t], t)
end

-- The 25 single-task students.
local svals, serr, sactive, sdistinct = {}, {}, {}, {}
for t = 1, T do
  local run = runs[t + 1]
  if run.loss > P.mse then
    repro.check("single" .. t .. "_mse", run.loss, {le = P.mse, fmt = "%.1e"})
  end
  sactive[t] = run.active
  sdistinct[t] = run.distinct
  svals[t] = run.line
  serr[t] = ridge_error(svals[t], t)
end
table.sort(sactive)
repro.value("single_active_median", sactive[(T + 1) // 2], {fmt = "%.0f"})
repro.value("single_active_max", sactive[T], {fmt = "%.0f"})
repro.check("single_distinct_median", median(sdistinct), {le = P.distinct_max, fmt = "%.0f"})
repro.value("single_distinct_max", math.max(table.unpack(sdistinct)), {fmt = "%.0f"})
repro.value("parallel", P.parallel, {fmt = "%.3f"})
repro.value("paper_sparsity", 5, {fmt = "%.0f"}) -- the paper's "about five", a quote
repro.value("paper_multi_active", 150, {fmt = "%.0f"}) -- the paper's "roughly 150", a quote
repro.value("T", T, {fmt = "%.0f"})
repro.value("d", d, {fmt = "%.0f"})
repro.value("N", N, {fmt = "%.0f"})
repro.value("mse", P.mse, {fmt = "%.0e"})
repro.check("single_ridge", median(serr), {le = 0.05, fmt = "%.3f"})
repro.check("multi_not_ridge", median(merr), {ge = 0.1, fmt = "%.2f"})
repro.value("K", P.K, {fmt = "%.0f"})
repro.value("lambda", P.lambda, {fmt = "%.0e"})

-- Figure 8: |v_kt| of the multi-task student, tasks by neurons (active neurons first).
local order = {}
for k = 1, P.K do order[k] = k end
table.sort(order, function(a, b) if norms[a] ~= norms[b] then return norms[a] > norms[b] end return a < b end)
local shown = math.min(P.K, 2 * #active)
local img = {}
for t = 1, T do
  img[t] = {}
  for c = 1, shown do
    local v = math.abs(prm.V[order[c]][t])
    img[t][c] = v > 0 and math.log(v, 10) or -12
  end
end
local f8 = repro.figure{name = "fig8", width = 6.4, height = 2.4, rows = 1, cols = 1, seed = P.seed}
local ax8 = f8:panel(1, 1, {xlabel = "neurons (by decreasing $\\|v_k\\|$)", ylabel = "task",
                             xlim = {0, shown}, ylim = {0, T}})
ax8:image(img, {extent = {0, shown, 0, T}, vmin = -8, vmax = 0, colorbar = true,
                label = "$\\log_{10}|v_{kt}|$"})
f8:save()

-- Figures 9 and 10: the outputs along the line.
for _, item in ipairs{{"fig9", mvals, "one student, 25 tasks"}, {"fig10", svals, "25 students, one task each"}} do
  local f = repro.figure{name = item[1], width = 4.2, height = 2.8, rows = 1, cols = 1, seed = P.seed}
  local ax = f:panel(1, 1, {title = item[3], xlabel = "$s$", ylabel = "$f_t(s\\,w)$", xlim = {-3, 3}})
  for t = 1, T do ax:line(S, item[2][t], {color = "C" .. ((t - 1) % 10), width = 0.9}) end
  f:save()
end

-- How the multi-task student's active neurons are shared: how many neurons are carried by how
-- many tasks (|v_kt| > carry ||v_k||).
local tasks_axis = {}
for t = 1, T do tasks_axis[t] = t end
local fs = repro.figure{name = "fig8_tasks", width = 4.2, height = 2.4, rows = 1, cols = 1,
                        seed = P.seed}
local axs = fs:panel(1, 1, {xlabel = "tasks carrying the neuron", ylabel = "active neurons",
                            xlim = {0, T + 1}})
axs:bar(tasks_axis, hist, {color = "C0", width = 0.8})
fs:save()
