-- err_syntax.lua -- the table on line 3 is never closed: a Lua syntax error.
local id = text "customer_id"
micro "vip" {
  id:is "C000000001",
