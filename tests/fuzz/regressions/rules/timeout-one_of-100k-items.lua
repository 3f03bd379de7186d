local t = text "t"
local items = {}
for i = 1, 100000 do items[i] = "v" .. i end
micro "big" { t:one_of(items) }
