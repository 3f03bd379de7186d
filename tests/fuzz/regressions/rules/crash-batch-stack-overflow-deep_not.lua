local age = number "age"
local c = age:above(1)
for i = 1, 20000 do c = NOT(c) end
micro "deep" { c }
