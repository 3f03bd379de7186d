local age = number "age"
local c = age:above(1)
for i = 1, 5000 do c = all{c, age:below(i)} end
micro "deep" { c }
