-- many_tags.lua -- tag tests use bits for the first 64 distinct tags the
-- rules ask a column about; a test naming a later tag takes the slow path,
-- which must split on the column's own separator ("|" here). The same column
-- read with ";" is another list.
local sizes = tags("t", "|")
local semi  = tags "t"

local filler = {}
for i = 0, 69 do filler[#filler + 1] = string.format("x%02d", i) end
local many = sizes:has_any(filler)                   -- x00..x69: 70 tags

micro "many"    { many }
micro "has_M"   { sizes:has "M" }                    -- the 71st tag: no bit
micro "all_SM"  { sizes:has_all { "S", "M" } }
micro "any_LX"  { sizes:has_any { "L", "x69" } }
micro "x03"     { sizes:has "x03" }                  -- has a bit
micro "semi_SM" { semi:has "S|M" }
micro "semi_M"  { semi:has "M" }
micro "empty"   { sizes:has "" }
micro "no_M"    { NOT(sizes:has "M") }
