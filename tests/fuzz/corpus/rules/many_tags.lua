local t = tags "t"
local k = {}
for i = 1, 200 do k[i] = t:has("tag" .. i) end
micro "tags" { any(k) }
