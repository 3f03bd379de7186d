-- err_unknown_method.lua -- line 3 calls a method numbers do not have.
local age = number "age"
micro "old" { age:abvoe(60) }
