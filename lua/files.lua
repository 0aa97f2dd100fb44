-- files: writing a text file from a script without ever leaving half of it behind.
local M = {}

-- tmpname(path): the temporary beside PATH, "PATH.tmp.<tag>": the pattern (*.tmp.*) the engine
-- uses and the Makefile's clean-up removes after an interrupted build.  The tag (this Lua state's
-- address of a fresh table) differs between processes and calls, without drawing random numbers.
function M.tmpname(path)
  return path .. ".tmp." .. tostring({}):match("0x(%x+)")
end

-- write_atomic(path, text): write TEXT to a temporary file in PATH's folder, then rename it to
-- PATH (a reader sees the old file or the new one, never a partial one).  Errors name the path.
function M.write_atomic(path, text)
  local tmp = M.tmpname(path)
  local f, err = io.open(tmp, "w")
  if not f then error("write_atomic: cannot write " .. tmp .. ": " .. err, 2) end
  f:write(text)
  local ok, cerr = f:close()
  if not ok then
    os.remove(tmp)
    error("write_atomic: cannot write " .. tmp .. ": " .. tostring(cerr), 2)
  end
  local rok, rerr = os.rename(tmp, path)
  if not rok then
    os.remove(tmp)
    error("write_atomic: cannot rename to " .. path .. ": " .. tostring(rerr), 2)
  end
end

return M
