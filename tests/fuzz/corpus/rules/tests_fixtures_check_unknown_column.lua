-- unknown_column.lua -- a misspelt column.
local age    = number "age"
local income = number "incme"   -- line 3: did you mean 'income'?

micro "rich" { income:above(100000), age:below(60) }
