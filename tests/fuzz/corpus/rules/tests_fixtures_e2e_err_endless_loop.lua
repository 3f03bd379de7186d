-- err_endless_loop.lua -- never finishes: the instruction limit must stop it.
local id = text "customer_id"
while true do end
micro "vip" { id:is "C000000001" }
