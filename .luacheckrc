-- luacheck configuration for `make lint` (Debian package lua-check): the pipeline scripts and the
-- Lua library run inside build/repro, which embeds Lua 5.4 and sets the global `repro`.
std = "lua54"
read_globals = {"repro"}
-- The LuaLS annotation file declares the API (it is never run): it defines `repro` and has
-- functions with unused arguments by design.
files["lua/meta"] = {globals = {"repro"}, unused_args = false, unused = false}
