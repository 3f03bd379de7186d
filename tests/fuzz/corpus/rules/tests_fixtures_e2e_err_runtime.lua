-- err_runtime.lua -- line 4 indexes nil: a Lua run-time error.
local id = text "customer_id"
local t = nil
local x = t.field
micro "vip" { id:is "C000000001" }
