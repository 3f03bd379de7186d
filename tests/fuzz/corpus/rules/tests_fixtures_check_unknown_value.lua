-- unknown_value.lua -- a micro segment scoped to a macro value that does
-- not exist.
local country = text "country"

local market = macro "market" {
  { "emea", country:one_of { "GB", "DE", "FR" } },
  otherwise = "other",
}

micro "emea_only" { within = market:is "emae", country:is_not "FR" }   -- line 10
