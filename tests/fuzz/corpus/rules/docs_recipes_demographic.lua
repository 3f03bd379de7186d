-- docs/recipes/demographic.lua -- who the customers are: age, income, household.

local born      = number "birth_year"
local gender    = text   "gender"
local income    = number "income"
local children  = number "children"
local marital   = text   "marital_status"
local education = text   "education"

local age = dates.age(born)     -- the as-of year minus the birth year

local age_band = macro "age_band" {
  { "unknown",  is_missing(age) },
  { "18_24",    age:below(25) },
  { "25_34",    age:below(35) },
  { "35_49",    age:below(50) },
  { "50_64",    age:below(65) },
  otherwise = "65_plus",
}

local income_band = macro "income_band" {
  { "unknown", is_missing(income) },
  { "low",     income:below(30000) },
  { "middle",  income:below(80000) },
  { "high",    income:below(200000) },
  otherwise = "very_high",
}

local household = macro "household" {
  { "unknown", is_missing(children) },
  { "family",  children:at_least(1) },
  { "couple",  marital:one_of { "married", "partner" } },
  otherwise = "single",
}

micro "students"            { age:between(18, 24), income:below(20000) }
micro "young_professionals" {
  age_band:one_of { "25_34", "35_49" },
  income_band:one_of { "high", "very_high" },
  household:is_not "family",
}
micro "affluent_families"   { household:is "family", income:at_least(100000) }
micro "empty_nesters"       { age:between(50, 70), children:is(0), marital:is "married" }
micro "women_50_plus"       { gender:is "F", age:at_least(50) }
micro "graduates"           { education:one_of { "bachelor", "master", "phd" } }
micro "retired_modest"      { age_band:is "65_plus", income_band:one_of { "low", "middle" } }
