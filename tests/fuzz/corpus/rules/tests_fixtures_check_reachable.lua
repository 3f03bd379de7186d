-- reachable.lua -- cases that look alike but can each win: check must not
-- warn about any of them.
local age     = number "age"
local country = text   "country"
local spend   = number "spend_12m"
local signup  = date   "signup_date"

local age_band = macro "age_band" {
  { "under_50", age:below(50) },
  { "under_65", age:below(65) },
  { "above_18", age:above(18) },
  otherwise = "rest",
}

local band2 = macro "band2" {
  { "lt50",  age:at_most(49) },
  { "lt50b", age:below(50) },        -- 49.5 gets here: at_most(49) does not cover it
  otherwise = "rest",
}

local edges = macro "edges" {       -- each bound itself is left for the next case
  { "lt50",  age:below(50) },
  { "le50",  age:at_most(50) },
  { "gt18",  age:above(18) },
  { "ge18",  age:at_least(18) },
  otherwise = "rest",
}

local region = macro "region" {
  { "isles",  country:one_of { "GB", "IE" } },
  { "europe", country:one_of { "DE", "FR", "GB", "IE" } },
  { "not_us", country:is_not "US" },
  otherwise = "rest",
}

local spend_band = macro "spend_band" {
  { "narrow", spend:between(200, 300) },
  { "mid",    spend:between(100, 1000) },
  { "over",   spend:between(900, 2000) },
  otherwise = "other",
}

local signup_year = macro "signup_year" {
  { "y2020", signup:between("2020-01-01", "2020-12-31") },
  { "y2021", signup:between("2021-01-01", "2021-12-31") },
  otherwise = "other",
}

micro "young_isles" { within = region:is "isles", age:below(30) }
