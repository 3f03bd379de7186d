-- always.lua -- a case with no conditions takes every customer.
local age = number "age"

local all_in = macro "all_in" {
  { "everyone", all {} },
  { "young",    age:below(30) },   -- line 6: never wins
  otherwise = "nobody",
}

micro "young_everyone" { within = all_in:is "young", age:below(25) }
micro "rest_young" { all_in:one_of { "nobody", "young" }, age:below(25) }   -- line 11
