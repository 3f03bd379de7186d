-- docs/recipes/first_macro.lua -- step 1: one macro split by country.

-- The column the rules read, and its type.
local country = text "country"

-- Every customer gets exactly one market: the first case that holds wins;
-- a customer no case fits gets the `otherwise` value.
macro "market" {
  { "europe",        country:one_of { "GB", "IE", "FR", "DE", "ES", "IT", "NL" } },
  { "north_america", country:one_of { "US", "CA" } },
  { "apac",          country:one_of { "JP", "AU", "SG", "NZ", "KR" } },
  otherwise = "rest_of_world",
}
