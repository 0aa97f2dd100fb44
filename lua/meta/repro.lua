---@meta repro
-- LuaLS annotations of the `repro` API that build/repro gives pipeline scripts (README, "The Lua
-- API"). Never run: editors read it (.luarc.json points LuaLS here) for completion, hover and
-- type checks. tests/lua/test_meta.lua fails when a function or method of `repro` has no
-- annotation here, so new API must be added in the same commit.
--
-- Conventions (README, "One shape rule for results"): a result with one column (one input, one
-- task, one right-hand side) is a list of plain numbers, with more columns a list of rows; a
-- result at one point is a list of T values. Inputs accept either form. Methods are declared on
-- local tables bound to their class (`---@class repro.Net` then `local Net = {}`), as the test
-- reads them.

---@alias repro.Row number[]
---@alias repro.Rows number[][]
---@alias repro.NumberOrRows number[]|number[][]
---@alias repro.Color string # "C0".."C9" (matplotlib's cycle), a name ("red", "black", ...) or "#rrggbb"
---@alias repro.Anchor "c"|"n"|"ne"|"e"|"se"|"s"|"sw"|"w"|"nw"

---The engine's API: datasets, checks and values, the univariate theory, kernels, networks,
---figures. Also available as `require "repro"`.
---@class repro
---@field stage string # the running stage's name (the script's base name)
---@field figdir string # the folder figures are written to
---@field outdir string # the stage's own output folder
---@field dataset repro.datasetlib
---@field univariate repro.univariatelib
---@field kernel repro.kernellib
---@field linalg repro.linalglib
---@field net repro.netlib
---@field convex repro.convexlib
repro = {}

-- ---- core ------------------------------------------------------------------------------------

---The script's parameters: the defaults given here, with command-line overrides (`name=value`,
---`make paper SET="stage.name=value"`) coerced to each default's type. Once per script; an
---unknown override name is an error.
---@generic P: table
---@param defaults P # name = default value
---@return P params
function repro.params(defaults) end

---Records a named measurement with its bound(s), printed as \val{stage.name}. A failure raises
---`script:line: check 'name' failed: value V, bound <= B`.
---@param name string
---@param value number
---@param bounds? {le?: number, ge?: number, fmt?: string} # fmt: one printf conversion of e, f or g
---@return true passed
function repro.check(name, value, bounds) end

---Records a value for the text (\val{stage.name}).
---@param name string
---@param value number|string
---@param opts? {fmt?: string} # e.g. "%.3g" (numbers only)
---@return number|string value # the value, unchanged
function repro.value(name, value, opts) end

---A normal draw from the script's seeded generator (GSL's MT19937, as math.random).
---@param sigma? number # standard deviation (default 1)
---@return number
function repro.gaussian(sigma) end

---A progress line on a terminal (nothing otherwise); done >= total ends it.
---@param label string
---@param done number
---@param total number
---@param text? string
function repro.progress(label, done, total, text) end

---The calling script's `file:line` (as recorded with values and checks).
---@return string where
function repro.where() end

---Declares a file the script reads by itself (io.open): editing it re-runs the stage.
---@param path string
function repro.input(path) end

---Declares a file the script wrote by itself: the cache checks it and `repro diff` carries it.
---@param path string
function repro.output(path) end

---A grid of points, each computed by `point(p)` (p: one value per grid name) in a process of its
---own and cached by its own key (the engine, the point function's code and what it captures, the
---Lua library files, the point): adding points runs only those, editing other code runs none.
---Returns one table per point, in grid order (names sorted, the first varying slowest), holding
---the point's coordinates and the values `point` returned.
---@param name string # letters, digits, '_' and '-'; once per script
---@param grid table<string, (number|string|boolean)[]> # name -> non-empty list of values
---@param point fun(p: table<string, number|string|boolean>): table<string, any>
---@param opts? {slurm?: string} # slurm: this sweep's own Slurm options, after $SLURM_ARGS
---@return table[] points
function repro.sweep(name, grid, point, opts) end

-- ---- datasets --------------------------------------------------------------------------------

---A dataset: N points with d inputs and T labels each. Univariate rows are sorted by x.
---@class repro.Dataset
---@field N integer # number of points
---@field d integer # number of inputs
---@field T integer # number of tasks (labels per point)
---@field x number[]|number[][] # inputs: numbers when d = 1, else rows of d
---@field y number[]|number[][] # labels: numbers when T = 1, else rows of T
local Dataset = {}

---One task's labels.
---@param t integer # 1..T
---@return number[]
function Dataset:labels(t) end

---One input coordinate of every point.
---@param j integer # 1..d
---@return number[]
function Dataset:inputs(j) end

---@class repro.datasetlib
---@overload fun(spec: {x: number[]|number[][], y: number[]|number[][]}): repro.Dataset
local datasetlib = {}

---A dataset from a CSV file with a header; by default columns named x... are inputs and y...
---labels. The file becomes an input of the stage.
---@param path string
---@param columns? {x?: string[], y?: string[]}
---@return repro.Dataset
function datasetlib.load(path, columns) end

-- ---- univariate theory -----------------------------------------------------------------------

---A continuous piecewise-linear function of one variable with T outputs. Calling it, `sp(x)`,
---returns the T values at x.
---@class repro.Spline
---@field T integer # number of outputs
---@operator call(number): number[]
local Spline = {}

---Values at many points: one row of T per point (numbers when T = 1).
---@param xs number[]
---@return number[]|number[][]
function Spline:eval(xs) end

---Knot positions (only where the slope changes).
---@return number[]
function Spline:knots() end

---The slope-change rows at the knots (numbers when T = 1).
---@return number[]|number[][]
function Spline:jumps() end

---The slopes of the pieces, rows of T (numbers when T = 1).
---@return number[]|number[][]
function Spline:slopes() end

---Representational cost R(f): the sum over knots of the Euclidean norm of the slope change.
---@return number
function Spline:cost() end

---The univariate theory (d = 1, exact in double precision).
---@class repro.univariatelib
local univariatelib = {}

---The N-1 slopes s_i = (y_{i+1} - y_i)/(x_{i+1} - x_i), rows of T (numbers when T = 1).
---@param ds repro.Dataset
---@return number[]|number[][]
function univariatelib.slopes(ds) end

---The connect-the-dots spline f_D (slope s_1 left of x_2, s_{N-1} right of x_{N-1}).
---@param ds repro.Dataset
---@return repro.Spline
function univariatelib.connect_the_dots(ds) end

---1-based intervals i in 2..N-2 where Theorem 3.1's alignment condition holds (empty: f_D is
---the unique optimum).
---@param ds repro.Dataset
---@param tol? number # relative alignment tolerance (default 1e-12)
---@return integer[]
function univariatelib.nonunique(ds, tol) end

---The other optimal interpolant on interval i (proof of Theorem 3.1): a knot at
---x_i + tau (x_{i+1} - x_i) and slope perturbation delta.
---@param ds repro.Dataset
---@param i integer
---@param tau number # in (0, 1)
---@param delta number|number[] # a number for T = 1, else a list of T
---@return repro.Spline
function univariatelib.family(ds, i, tau, delta) end

---R of any continuous piecewise-linear function given by its knots and slope changes.
---@param f {knots: number[], jumps: number[]|number[][]}
---@return number
function univariatelib.cost(f) end

---The spline through (knot, value) pairs with end slopes left / right.
---@param f {knots: number[], values: number[]|number[][], left: number|number[], right: number|number[]}
---@return repro.Spline
function univariatelib.cpwl(f) end

---Both sides of Lemma 3.2: the three-knot cost and the two-knot cost.
---@param a number[]
---@param b number[]
---@param c number[]
---@param delta number[]
---@param tau number
---@return number three_knot
---@return number two_knot
function univariatelib.lemma32(a, b, c, delta, tau) end

-- ---- kernels ---------------------------------------------------------------------------------

---A kernel interpolant; `ki(x)` returns its T values at x.
---@class repro.Kernel
---@field N integer
---@field T integer
---@operator call(number): number[]
local Kernel = {}

---Values at many points: one row of T per point (numbers when T = 1).
---@param xs number[]
---@return number[]|number[][]
function Kernel:eval(xs) end

---The coefficients: one row of T per data point (numbers when T = 1).
---@return number[]|number[][]
function Kernel:alpha() end

---@class repro.kernellib
local kernellib = {}

---The minimum-norm interpolant of the first-order Sobolev kernel of equation (6) (d = 1).
---@param ds repro.Dataset
---@param opts? {ridge?: number} # ridge >= 0 (default 0)
---@return repro.Kernel
function kernellib.sobolev(ds, opts) end

-- ---- linear algebra --------------------------------------------------------------------------

---@class repro.linalglib
local linalglib = {}

---X with A X = B (GSL's LU factorisation); a singular A is an error.
---@param A number[][] # n rows of n
---@param B number[]|number[][] # n numbers or n rows
---@return number[]|number[][] X # numbers for one right-hand side, else rows
function linalglib.solve(A, B) end

-- ---- networks --------------------------------------------------------------------------------

---A shallow ReLU network f(x) = sum_k v_k (w_k . x + b_k)_+ + A x + c. `net(x)` returns the
---output at one point (a number for d = 1 or a list of d).
---@class repro.Net
---@field d integer # inputs
---@field T integer # outputs
---@field K integer # neurons
---@field P integer # parameter count
---@field skip boolean # whether the linear part A x is present
---@operator call(number|number[]): number[]
local Net = {}

---@class repro.NetParams
---@field W number[]|number[][] # K rows of d (numbers when d = 1)
---@field b number[] # K
---@field V number[]|number[][] # K rows of T (numbers when T = 1)
---@field A? number[]|number[][] # T rows of d (with skip; numbers when one column)
---@field c number[] # T

---@class repro.NetParamsIn # fields left out keep their values
---@field W? number[]|number[][]
---@field b? number[]
---@field V? number[]|number[][]
---@field A? number[]|number[][]
---@field c? number[]

---@class repro.TrainOptions
---@field objective? "weight_decay"|"group"
---@field lambda? number # >= 0, default 1e-5
---@field optimizer? "adam"|"lbfgs"|"polish"
---@field steps? integer # default 10000
---@field lr? number # default 1e-3
---@field schedule? "constant"|"step"|"cosine"
---@field lr_min? number
---@field gamma? number
---@field step_size? integer
---@field milestones? integer[]
---@field tol? number # stop when the objective changes by less than tol relatively over 100 steps
---@field target? number # stop once the objective is <= target
---@field progress? boolean|string
---@field ngrid? integer
---@field polish_tol? number # default 1e-10
---@field polish_iter? integer
---@field sparse? boolean # polish: finish with the sparse step (independent active columns)
---@field keep? boolean # polish: switched-off neurons keep (w, b) so a later polish can revive them

---@class repro.TrainReport
---@field steps integer
---@field objective number
---@field loss number
---@field penalty number
---@field seconds number
---@field reason "steps"|"tolerance"|"target"|"stalled"
---@field gap? number # polish: the duality gap
---@field certificate? number # polish: the dual certificate ratio (<= 1 at the optimum)
---@field removed? integer # polish: neurons switched off by the sparse step (0 without it)

---Outputs at many points: one row of T per row of X (numbers when T = 1).
---@param X number[]|number[][]
---@return number[]|number[][]
function Net:eval(X) end

---The parameters as Lua tables (rows).
---@return repro.NetParams
function Net:params() end

---Sets the parameters (checked on the way in); fields left out keep their values.
---@param p repro.NetParamsIn
function Net:set_params(p) end

---Writes the network exactly (a versioned text file, `repro-net 1`).
---@param path string
function Net:save(path) end

---Trains in place; unknown option names and values are errors that list the valid ones.
---@param ds repro.Dataset
---@param opts? repro.TrainOptions
---@return repro.TrainReport
function Net:train(ds, opts) end

---The objective of the network as it is.
---@param ds repro.Dataset
---@param opts? {objective?: "weight_decay"|"group", lambda?: number}
---@return number objective
---@return number loss
---@return number penalty
function Net:objective(ds, opts) end

---The dual certificate ratio: at most 1 exactly when no neuron outside the network could lower
---the objective.
---@param ds repro.Dataset
---@param opts? {objective?: "weight_decay"|"group", lambda?: number, ngrid?: integer}
---@return number ratio
function Net:certificate(ds, opts) end

---Rescales each neuron so that ||w_k|| = ||v_k||; f is unchanged.
function Net:balance() end

---1-based indices of neurons with ||w_k|| ||v_k|| above tol times the largest.
---@param tol? number # default 1e-6
---@return integer[]
function Net:active(tol) end

---The number of distinct active neurons: near-parallel (w, b) (cosine >= cos_min) counted once;
---groups[i] lists one group's 1-based indices, representative (largest) first.
---@param cos_min? number # default 0.999
---@param tol? number # default 1e-6, as Net:active
---@return integer count
---@return integer[][] groups
function Net:distinct(cos_min, tol) end

---d = 1: knot positions and slope-change rows, neurons at one location merged.
---@param tol? number
---@return number[] knots
---@return number[]|number[][] jumps # numbers when T = 1
function Net:knots(tol) end

---d = 1: the representational cost, comparable with connect_the_dots(ds):cost().
---@param tol? number
---@return number
function Net:cost(tol) end

---@class repro.netlib
---@overload fun(spec: {d: integer, T: integer, K: integer, skip?: boolean, seed?: integer}): repro.Net
local netlib = {}

---Reads a network written by net:save; a corrupt or foreign file is refused with its line.
---@param path string
---@return repro.Net
function netlib.load(path) end

-- ---- convex programs -------------------------------------------------------------------------

---Exact convex programs whose optima certify trained networks. A solver that stops short of its
---tolerance returns nil and the reason.
---@class repro.convexlib
local convexlib = {}

---An opaque handle on the optimal set of a relu2d problem (for convex.range).
---@class repro.ConvexSolution

---@class repro.ConvexUnivariate
---@field spline repro.Spline # the optimum
---@field cost number
---@field gap number
---@field candidates integer # knots on the grid
---@field solves integer
---@field iterations integer
---@field knots number[]
---@field jumps number[][] # rows of T

---Problems (3) / (9) of the paper over a grid of candidate knots (d = 1): the least-cost
---interpolant (lambda = 0) or the regularised fit.
---@param ds repro.Dataset
---@param opts? {grid?: integer, lambda?: number, tol?: number, max_iter?: integer} # grid 400, tol 1e-6
---@return repro.ConvexUnivariate|nil result
---@return string? reason # when the solver stopped short
function convexlib.univariate(ds, opts) end

---@class repro.ConvexRelu2d
---@field net repro.Net # the optimal network
---@field solution repro.ConvexSolution # for convex.range
---@field cost number
---@field dual number
---@field gap number
---@field interp number # interpolation error
---@field barrier number # the cone solver's own bound (its duality gap)
---@field patterns integer # activation patterns
---@field newton integer # the cone solver's iterations

---The convex reformulation of the ReLU network problem in the plane (d = 2, T = 1), with or
---without the skip connection.
---@param ds repro.Dataset
---@param opts? {lambda?: number, tol?: number, max_iter?: integer, skip?: boolean} # tol 1e-6, max_iter 2000, skip true
---@return repro.ConvexRelu2d|nil result
---@return string? reason
function convexlib.relu2d(ds, opts) end

---The range of f(z) over the optimal set of a lambda = 0 relu2d problem: the values at z of the
---cone solver's last iterates (gap is its tolerance on the duality gap, not a certified bound), resid, the
---largest residual of their equalities (fit to the data and cost budget), and bounds certified
---by the dual: lo_cert <= f(z) <= hi_cert for every interpolant of cost <= R* (1 + slack).
---@param res repro.ConvexRelu2d
---@param z number[] # {x1, x2}
---@param opts? {slack?: number, gap?: number, max_iter?: integer}
---@return number|nil lo # nil and the reason when the budget ran out
---@return number|string hi
---@return number resid
---@return number lo_cert
---@return number hi_cert
function convexlib.range(res, z, opts) end

---@class repro.ConvexCertificate
---@field net repro.Net # the optimum found by column generation
---@field objective number
---@field dual number
---@field gap number
---@field ratio number
---@field rounds integer
---@field added integer # neurons added
---@field K integer
---@field trained number # the trained network's objective
---@field lambda number # the group-lasso lambda used

---Column generation from a trained network's neurons to the global optimum (d = 2).
---@param net repro.Net
---@param ds repro.Dataset
---@param opts? {lambda?: number, objective?: "weight_decay"|"group", tol?: number, max_rounds?: integer}
---@return repro.ConvexCertificate|nil result
---@return string? reason
function convexlib.certify(net, ds, opts) end

---The number of activation patterns of the rows of X in the plane.
---@param X number[][] # rows of 2
---@return integer
function convexlib.patterns(X) end

-- ---- figures ---------------------------------------------------------------------------------

---A grid of panels written as figures/NAME.pdf, .png and .json by fig:save().
---@class repro.Figure
local Figure = {}

---@class repro.PanelOptions
---@field title? string
---@field xlabel? string
---@field ylabel? string
---@field xlim? number[] # {lo, hi}
---@field ylim? number[]
---@field xticks? number[]
---@field yticks? number[]
---@field axes? boolean # default true
---@field grid? boolean # default false

---One panel (row r, column c); limits default to the data.
---@param r integer
---@param c integer
---@param opts? repro.PanelOptions
---@return repro.Axes
function Figure:panel(r, c, opts) end

---Writes PDF, PNG (150 dpi) and the JSON sidecar atomically; once per figure.
---@return string[] paths # {pdf, png, json}
function Figure:save() end

---One panel of a figure. Text between $...$ is set as mathematics.
---@class repro.Axes
local Axes = {}

---A line through the points (kept in the JSON sidecar).
---@param xs number[]
---@param ys number[]
---@param opts? {color?: repro.Color, width?: number, dash?: number[], label?: string}
function Axes:line(xs, ys, opts) end

---Markers at the points.
---@param xs number[]
---@param ys number[]
---@param opts? {color?: repro.Color, size?: number, marker?: "o"|"s"|"x", label?: string}
function Axes:points(xs, ys, opts) end

---Bars of the given heights centred at xs.
---@param xs number[]
---@param heights number[]
---@param opts? {color?: repro.Color, width?: number, label?: string}
function Axes:bar(xs, heights, opts) end

---Text at (x, y) in data coordinates.
---@param x number
---@param y number
---@param s string
---@param opts? {anchor?: repro.Anchor, size?: number, color?: repro.Color}
function Axes:text(x, y, s, opts) end

---An arrow from (x1, y1) to (x2, y2).
---@param x1 number
---@param y1 number
---@param x2 number
---@param y2 number
---@param opts? {color?: repro.Color, width?: number}
function Axes:arrow(x1, y1, x2, y2, opts) end

---A curly brace from (x1, y1) to (x2, y2), optionally labelled.
---@param x1 number
---@param y1 number
---@param x2 number
---@param y2 number
---@param opts? {text?: string, side?: "below"|"above", color?: repro.Color, size?: number}
function Axes:brace(x1, y1, x2, y2, opts) end

---A vertical reference line.
---@param x number
---@param opts? {color?: repro.Color, dash?: number[], width?: number}
function Axes:vline(x, opts) end

---A horizontal reference line.
---@param y number
---@param opts? {color?: repro.Color, dash?: number[], width?: number}
function Axes:hline(y, opts) end

---@class repro.ImageOptions
---@field extent? number[] # {x0, x1, y0, y1}
---@field cmap? "viridis"|"RdBu"
---@field vmin? number
---@field vmax? number
---@field colorbar? boolean
---@field label? string

---A heat map of rows of values (sparsity patterns, 2-D functions).
---@param rows number[][]
---@param opts? repro.ImageOptions
function Axes:image(rows, opts) end

---Contour lines of Z[i][j] sampled at (xs[j], ys[i]) (both increasing) at each level, by
---marching squares; kept as line series in the sidecar.
---@param xs number[]
---@param ys number[]
---@param Z number[][] # #ys rows of #xs numbers; NaN cells are skipped
---@param opts {levels: number[], color?: repro.Color, width?: number, dash?: number[]}
function Axes:contour(xs, ys, Z, opts) end

---The legend of the labelled series.
---@param opts? {pos?: "ne"|"nw"|"se"|"sw"}
function Axes:legend(opts) end

---@class repro.FigureSpec
---@field name string # gives figures/NAME.{pdf,png,json}
---@field width? number # inches
---@field height? number # inches
---@field rows? integer
---@field cols? integer
---@field seed? integer # recorded in captions and the sidecar
---@field title? string

---A figure of rows x cols panels, size in inches.
---@param spec repro.FigureSpec
---@return repro.Figure
function repro.figure(spec) end

return repro
