-- err_io_open.lua -- rule files have no file access: io is not there.
local f = io.open("/etc/passwd")
local id = text "customer_id"
micro "vip" { id:is "C000000001" }
