local a = number "a"
local c = a:above(1)
for i = 1, 250 do c = any{c, a:below(i)} end
micro "deep" { c }
local v = a
for i = 1, 250 do v = v * 2 end
micro "deepv" { v:above(8) }
