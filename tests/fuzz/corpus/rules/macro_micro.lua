local age = number "age"
local s = macro "stage" { {"young", age:below(30)}, {"old", age:above(60)}, otherwise = "mid" }
micro "y" { s:is "young" }
micro "n" { NOT(s:is "mid"), score{ {age:above(10), 2}, {is_missing(age), 5} }:above(1) }
