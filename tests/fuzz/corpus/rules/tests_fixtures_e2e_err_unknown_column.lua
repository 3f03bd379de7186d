-- err_unknown_column.lua -- line 2 names a column the input does not have.
local id = text "custmer_id"
micro "vip" { id:is "C000000001" }
