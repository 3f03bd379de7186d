-- duplicate.lua -- two micro segments with the same name.
local age = number "age"

micro "young" { age:below(30) }
micro "young" { age:below(25) }   -- line 5
