-- docs/recipes/missing_values.lua -- what an empty (or unreadable) value does.

local age       = number "age"
local country   = text   "country"
local email     = text   "email"
local orders    = number "orders"
local spend     = number "spend"
local interests = tags   "interests"

-- Put the "unknown" case first...
macro "age_group" {
  { "unknown",  is_missing(age) },
  { "under_30", age:below(30) },
  otherwise = "30_plus",
}
-- ...or customers with no age fall through to `otherwise`.
macro "age_group_naive" {
  { "under_30", age:below(30) },
  otherwise = "30_plus",
}

micro "young"        { age:below(30) }         -- false when age is missing
micro "not_young"    { NOT(age:below(30)) }    -- so this is TRUE when it is missing
micro "age_30_plus"  { age:at_least(30) }      -- false when age is missing
micro "age_unknown"  { is_missing(age) }
micro "reachable"    { is_present(email) }

micro "not_us_is_not" { country:is_not "US" }       -- false when country is missing
micro "not_us_NOT"    { NOT(country:is "US") }      -- true when country is missing

micro "small_basket"     { (spend / orders):below(40) }       -- 0 orders: missing, so false
micro "not_small_basket" { NOT((spend / orders):below(40)) }  -- ... so true
micro "basket_unknown"   { is_missing(spend / orders) }

micro "no_discount_interest" { NOT(interests:has "discounts") }  -- true for an empty list
