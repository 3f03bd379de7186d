local a = number "a"
local k = {}
for i = 1, 3000 do k[i] = a:above(i) end
micro "wide" { any(k) }
micro "most" { at_least(1500, k) }
