-- docs/recipes/geographic.lua -- where the customers are: market by country,
-- then micro-geography by postal code.

local country  = text "country"
local postcode = text "postal_code"   -- text, so leading zeros are kept

local market = macro "market" {
  { "uk",            country:is "GB" },
  { "dach",          country:one_of { "DE", "AT", "CH" } },
  { "nordics",       country:one_of { "SE", "NO", "DK", "FI" } },
  { "north_america", country:one_of { "US", "CA" } },
  otherwise = "rest_of_world",
}

-- UK: the postal area is the leading letters ("SW1A 1AA" -> "SW").
local area = geo.postal_area(postcode)

micro "london" {
  within = market:is "uk",
  area:one_of { "E", "EC", "N", "NW", "SE", "SW", "W", "WC" },
}
micro "scotland" {
  within = market:is "uk",
  area:one_of { "AB", "DD", "DG", "EH", "FK", "G", "HS", "IV",
                "KA", "KW", "KY", "ML", "PA", "PH", "TD", "ZE" },
}
-- The outward code ("SW1A 1AA" -> "SW1A"), against a list kept in a file.
micro "store_catchment" {
  within = market:is "uk",
  geo.outward(postcode):one_of(list "lists/store_catchment.txt"),
}

-- US: the first three digits of the ZIP code.
micro "nyc" {
  country:is "US",
  geo.prefix(postcode, 3):one_of { "100", "101", "102", "103", "104" },
}
micro "bay_area" {
  country:is "US",
  geo.prefix(postcode, 3):one_of { "940", "941", "944", "945", "946", "947", "948", "949", "950", "951" },
}

-- Elsewhere, starts_with on the code itself.
micro "berlin"       { country:is "DE", postcode:starts_with { "10", "12", "13" } }
micro "oslo_central" { country:is "NO", postcode:starts_with "0" }

micro "needs_address" { is_missing(postcode) }
