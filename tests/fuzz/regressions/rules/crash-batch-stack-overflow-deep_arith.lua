local a = number "a"
local v = a
for i = 1, 5000 do v = v + a end
micro "deep" { v:above(3) }
