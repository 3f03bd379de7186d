-- unreachable.lua -- macro cases that can never win (t_check.sh reads the
-- line numbers below: keep them in place).
local age     = number "age"
local income  = number "income"
local country = text   "country"
local spend   = number "spend_12m"

local age_band = macro "age_band" {
  { "under_65", age:below(65) },
  { "under_50", age:below(50) },                            -- line 10: never wins
  { "upto_49",  age:at_most(49) },                          -- line 11: never wins
  otherwise = "older",
}

local region = macro "region" {
  { "europe", country:one_of { "DE", "FR", "GB", "IE" } },
  { "isles",  country:one_of { "GB", "IE" } },              -- line 17: never wins
  { "german", country:is "DE" },                            -- line 18: never wins
  { "us",     country:is "US" },
  otherwise = "rest",
}

local spend_band = macro "spend_band" {
  { "mid",    spend:between(100, 1000) },
  { "narrow", spend:between(200, 300) },                    -- line 25: never wins
  { "wide",   spend:between(50, 2000) },
  otherwise = "other",
}

local rich = income:at_least(100000)
local twice = macro "twice" {
  { "rich",       rich },
  { "rich_again", rich },                                   -- line 33: never wins
  { "no_age",     is_missing(age) },
  { "no_age_2",   is_missing(age) },                        -- line 35: never wins
  { "poor",       income:below(1000) },
  { "poor_2",     income:below(1000) },                     -- line 37: never wins
  otherwise = "middle",
}

micro "isles_spenders" { within = region:is "isles", spend:above(0) }  -- line 41
micro "young_europeans" { within = region:is "europe", age:below(30) }
