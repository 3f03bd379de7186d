-- enum64.lua -- a macro split with 64 values (the most it may have): tests
-- of its values use a 64-bit set in both evaluators.
local x = number "x"
local cases = {}
for k = 0, 62 do cases[#cases + 1] = { "v" .. k, x:is(k) } end
cases.otherwise = "v63"
local m = macro "m" (cases)

micro "is63"      { m:is "v63" }
micro "is31_32"   { m:one_of { "v31", "v32" } }
micro "not0"      { m:none_of { "v0" } }
micro "not_62_63" { m:is_not "v62", m:is_not "v63" }
