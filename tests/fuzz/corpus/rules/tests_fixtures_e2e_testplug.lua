-- testplug.lua -- rules that call the test plugin testplug
-- (tests/plugins/good.c): double_it(x) = x * factor (default 2), is_even(x).
local age = number "age"
local doubled = testplug.double_it(age)

local band = macro "band" {
  { "unknown", is_missing(age) },
  { "low",     doubled:below(60) },
  otherwise = "high",
}

micro "doubled_60" { doubled:at_least(60) }
micro "even_age"   { testplug.is_even(age) }
