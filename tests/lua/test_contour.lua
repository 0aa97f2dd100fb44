-- ax:contour: level sets of a radial function drawn as closed lines on their circles (read back
-- from the sidecar), one line per level and closed curve, and the errors of the call.
local T = require "test"
local repro = require "repro"

local xs = {}
for j = 0, 40 do xs[#xs + 1] = -1 + 0.05 * j end
local h = 0.05
local Z = {}
for i, y in ipairs(xs) do
  Z[i] = {}
  for j, x in ipairs(xs) do Z[i][j] = x * x + y * y end
end
local fig = repro.figure{name = "contour_a", width = 3, height = 3}
local ax = fig:panel(1, 1, {xlim = {-1, 1}, ylim = {-1, 1}})
local radii = {0.3, 0.6, 0.9}
ax:contour(xs, xs, Z, {levels = {radii[1] ^ 2, radii[2] ^ 2, radii[3] ^ 2, 5},
                       color = "C1", width = 0.8, dash = {2, 1}})
local paths = fig:save()
local f = assert(io.open(paths[3], "rb"))
local js = f:read("a")
f:close()

-- The line series of the sidecar, in order: lists of x and of y.
local lines = {}
for xpart, ypart in js:gmatch('"kind": "line".-"x": %[(.-)%].-"y": %[(.-)%]') do
  local x, y = {}, {}
  for v in xpart:gmatch("[-%d.e]+") do x[#x + 1] = tonumber(v) end
  for v in ypart:gmatch("[-%d.e]+") do y[#y + 1] = tonumber(v) end
  lines[#lines + 1] = {x = x, y = y}
end
T.ok("one line per level that meets the grid (level 5 lies above it)", #lines == 3, #lines)
for k, l in ipairs(lines) do
  local r, worst = radii[k], 0
  for m = 1, #l.x do worst = math.max(worst, math.abs(math.sqrt(l.x[m] ^ 2 + l.y[m] ^ 2) - r)) end
  -- linear interpolation of r^2 along an edge of length h: radial error <= h^2 / (8 r)
  T.ok("level " .. k .. ": every point on the circle of radius " .. r,
       worst <= h * h / (8 * r) + 1e-9, worst)
  T.ok("level " .. k .. ": closed", l.x[1] == l.x[#l.x] and l.y[1] == l.y[#l.y])
end
T.ok("colour kept in the sidecar", js:find('"color": "#ff7f0e"', 1, true) ~= nil)

T.errors("levels required", function() ax:contour(xs, xs, Z, {}) end, "levels")
T.errors("levels must be numbers", function() ax:contour(xs, xs, Z, {levels = {"a"}}) end, "levels")
T.errors("Z of the wrong shape", function() ax:contour({0, 1, 2}, xs, Z, {levels = {1}}) end, "rows")
T.errors("axes must increase", function()
  ax:contour({1, 0}, {0, 1}, {{0, 1}, {1, 2}}, {levels = {1}})
end, "increasing")
T.errors("unknown option", function() ax:contour(xs, xs, Z, {levels = {1}, style = 1}) end, "style")
T.errors("bad colour", function() ax:contour(xs, xs, Z, {levels = {1}, color = "nope"}) end, "color")
T.done()
