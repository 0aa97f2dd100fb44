-- test: assertions for the Lua tests (tests/lua/).  Each prints one line, "ok - NAME" or
-- "not ok - NAME (place: detail)", counted by tests/run.sh; T.done() raises when any failed so
-- the run's exit status is the verdict.
local T = {}
local failed = 0

local function report(ok, name, detail)
  if ok then
    print("ok - " .. name)
  else
    failed = failed + 1
    -- the caller of T.ok / T.close / T.errors (those never tail-call report)
    local info = debug.getinfo(3, "Sl") or {short_src = "?", currentline = 0}
    print(string.format("not ok - %s (%s:%d: %s)", name, info.short_src, info.currentline,
                        detail or "false"))
  end
  return ok
end

-- T.ok(name, cond [, detail])
function T.ok(name, cond, detail)
  local r = report(cond and true or false, name, detail)
  return r
end

-- T.close(name, a, b, tol): |a - b| <= tol
function T.close(name, a, b, tol)
  local ok = type(a) == "number" and type(b) == "number" and math.abs(a - b) <= tol
  local r = report(ok, name, string.format("%s vs %s, tol %g", tostring(a), tostring(b), tol))
  return r
end

-- T.errors(name, fn, pattern): fn() must raise an error whose message contains PATTERN (plain).
function T.errors(name, fn, pattern)
  local ok, msg = pcall(fn)
  local r
  if ok then
    r = report(false, name, "no error raised")
  else
    msg = tostring(msg)
    r = report(msg:find(pattern, 1, true) ~= nil, name,
               string.format("error %q does not mention %q", msg, pattern))
  end
  return r
end

-- T.done(): end of a test file.
function T.done()
  if failed > 0 then error(string.format("%d assertion(s) failed", failed), 0) end
end

return T
