-- values.lua -- columns whose values are not what the rules read them as
-- (t_check.sh reads the line numbers: keep them in place).
local age    = number "age"
local income = number "income"        -- line 4: words, not numbers (error)
local signup = date   "signup_date"   -- line 5: DD/MM/YYYY, not YYYY-MM-DD (error)
local visits = number "visits"        -- line 6: two junk values (warning)
local city   = text   "city"

local band = macro "band" {
  { "young", age:below(30) },
  { "rich",  income:at_least(100000) },
  { "new",   signup:after("2022-01-01") },
  otherwise = "other",
}

micro "frequent" { visits:at_least(3) }
micro "yorkers"  { city:is "York" }
