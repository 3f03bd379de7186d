-- docs/recipes/interests.lua -- psychographic segments from interest and
-- value tags (from a preference centre, a survey or browsing).

local interests = tags "interests"         -- "hiking;camping"
local values    = tags("values", "|")      -- "organic|local"

-- One persona per customer: the first that fits, so order them by priority.
macro "persona" {
  { "no_data",       is_missing(interests) },
  { "adventurer",    interests:has_any { "hiking", "camping", "cycling", "running", "climbing" } },
  { "creator_tech",  interests:has_any { "tech", "gaming", "photography" } },
  { "home_and_food", interests:has_any { "cooking", "wine", "home", "garden" } },
  { "style",         interests:has_any { "fashion", "beauty", "fast_fashion" } },
  otherwise = "other",
}

micro "outdoor"        { interests:has_any { "hiking", "camping", "cycling", "running" } }
micro "gamers_techies" { interests:has_all { "gaming", "tech" } }
micro "foodies"        { interests:has_any { "cooking", "wine" } }

-- "Any 2 of these 4 signals"
micro "eco_minded" {
  at_least(2, {
    interests:has "sustainability",
    interests:has "cycling",
    values:has "organic",
    values:has "second_hand",
  }),
}

micro "conscious_fashion"      { interests:has "fashion", NOT(interests:has "fast_fashion") }
micro "travellers_with_camera" { interests:has_all { "travel", "photography" } }
micro "local_lovers"           { values:has "local" }
