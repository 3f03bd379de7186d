-- docs/recipes/layers.lua -- step 3: macro splits first, micro segments inside them.

local country = text   "country"
local spend   = number "spend_12m"
local orders  = number "orders_12m"
local channel = text   "channel"

-- Keep what `macro` returns in a local: micro rules can then test it.
local market = macro "market" {
  { "europe",        country:one_of { "GB", "IE", "FR", "DE", "ES", "IT", "NL" } },
  { "north_america", country:one_of { "US", "CA" } },
  { "apac",          country:one_of { "JP", "AU", "SG", "NZ", "KR" } },
  otherwise = "rest_of_world",
}

local value_tier = macro "value_tier" {
  { "unknown", is_missing(spend) },     -- no spend figure: say so
  { "gold",    spend:at_least(2000) },
  { "silver",  spend:at_least(500) },
  otherwise = "bronze",
}

-- `within =` scopes a micro segment to part of a macro split.
micro "apac_mobile" { within = market:is "apac", channel:one_of { "sms", "push" } }

micro "europe_top_tier" { within = market:is "europe", value_tier:is "gold" }

-- Micro rules can test macro values like any other field.
micro "silver_almost_gold" { value_tier:is "silver", orders:at_least(8) }
micro "not_yet_valued"     { value_tier:one_of { "bronze", "unknown" }, channel:is_not "none" }
