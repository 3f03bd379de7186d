-- unused.lua -- Lua's `and` keeps only its right side: the left condition
-- is never used (rules_load warns; check lists it with the rest, by line).
local age    = number "age"
local income = number "income"
local band = macro "band" { { "young", age:below(30) }, { "teen", age:below(20) }, otherwise = "older" }

micro "young_rich" { age:below(30) and income:above(50000) }   -- line 7
