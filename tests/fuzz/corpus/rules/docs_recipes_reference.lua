-- docs/recipes/reference.lua -- every part of the rule language, one micro
-- segment each, named after what it shows.

-- Declarations: one per column the rules read.
local id        = text   "customer_id"
local age       = number "age"
local income    = number "income"
local country   = text   "country"
local postcode  = text   "postal_code"
local email     = text   "email"
local signup    = date   "signup_date"         -- YYYY-MM-DD
local interests = tags   "interests"           -- "a;b;c"
local sizes     = tags("sizes", "|")           -- "M|L": another separator
local orders    = number "orders"
local spend     = number "spend"
local refunds   = number "refunds"
local balance   = number "balance"

-- Comparing numbers
micro "below"    { age:below(30) }             -- age < 30
micro "at_most"  { age:at_most(30) }           -- age <= 30
micro "above"    { age:above(30) }             -- age > 30
micro "at_least" { age:at_least(30) }          -- age >= 30
micro "is_number"       { orders:is(0) }
micro "between_numbers" { age:between(25, 45) }   -- both ends included

-- Comparing texts
micro "is_text" { country:is "GB" }
micro "is_not"  { country:is_not "GB" }
micro "one_of"  { country:one_of { "GB", "IE" } }
micro "none_of" { country:none_of { "US", "CA" } }
micro "starts_with" { postcode:starts_with { "SW", "10" } }

-- Comparing dates
micro "before"        { signup:before("2026-01-01") }
micro "after"         { signup:after("2026-06-30") }
micro "between_dates" { signup:between("2026-01-01", "2026-03-31") }

-- Tag lists
micro "has"       { interests:has "tech" }
micro "has_any"   { interests:has_any { "hiking", "camping" } }
micro "has_all"   { interests:has_all { "tech", "gaming" } }
micro "other_sep" { sizes:has "L" }

-- Missing values
micro "is_missing" { is_missing(income) }
micro "is_present" { is_present(email) }

-- Arithmetic, and comparing one value with another
micro "two_fields"   { refunds:above(spend * 0.5) }
micro "divide"       { (spend / orders):below(40) }
micro "subtract"     { (spend - refunds):at_least(500) }
micro "unary_minus"  { (-balance):above(100) }

-- Combining conditions
micro "any_all" {
  any {
    all { country:is "GB", age:below(40) },
    all { country:is "US", age:above(40) },
  },
}
micro "none"     { none { country:is "US", is_missing(age) } }
micro "NOT"      { NOT(interests:has "fashion") }
micro "at_least_n_of" {
  at_least(2, { age:below(30), income:below(40000), orders:at_most(1) }),
}
micro "score" {
  score {
    { orders:at_least(4),  2 },
    { spend:at_least(500), 2 },
    { is_present(email),   1 },
  }:at_least(3),
}
micro "and_op" { country:is "GB" & age:below(40) }
micro "or_op"  { country:is "US" | country:is "CA" }
micro "not_op" { ~country:is "GB" }

-- A macro split, a list from a file, and micro rules on macro values
local region = macro "region" {
  { "uk_ie",         country:one_of(list "lists/uk_ie.txt") },
  { "north_america", country:one_of { "US", "CA" } },
  otherwise = "other",
}
micro "macro_is"     { region:is "north_america" }
micro "macro_is_not" { region:is_not "other" }
micro "within"       { within = region:is "uk_ie", orders:at_least(1) }

-- A stable pseudo-random number 0..9999 per customer
micro "bucket" { bucket(id, "demo"):below(5000) }
