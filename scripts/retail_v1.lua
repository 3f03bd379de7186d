-- retail_v1.lua -- the reference retail segmentation (shared/workload/retail-v1.md).
--
-- Four macro splits give every customer exactly one value each; 24 micro
-- segments tag customers with every one that applies. Read docs/rules.md
-- for the language; `cleave explain` shows how any customer was tagged.

-- The columns the rules read, each with its type.
local customer_id  = text   "customer_id"
local age          = number "age"
local income       = number "income"
local country      = text   "country"
local postal_code  = text   "postal_code"
local city_tier    = text   "city_tier"
local signup       = date   "signup_date"
local last_buy     = date   "last_purchase_date"
local orders       = number "orders_12m"
local spend        = number "spend_12m"
local opens        = number "email_opens_90d"
local clicks       = number "email_clicks_90d"
local interests    = tags   "interests"
local channel      = text   "preferred_channel"
local loyalty      = text   "loyalty_tier"
local account_type = text   "account_type"
local industry     = text   "industry"
local company_size = number "company_size"

-- Values computed by plugins (plugins/dates, plugins/geo, plugins/rfm).
local days_since_purchase = dates.days_since(last_buy)
local days_since_signup   = dates.days_since(signup)
local postal_area         = geo.postal_area(postal_code)
local recency   = rfm.recency(days_since_purchase)  -- scores 1..5, thresholds
local frequency = rfm.frequency(orders)             -- in engine.ini [plugin.rfm]
local monetary  = rfm.monetary(spend)

-- Macro splits: the first case that holds wins, else `otherwise`.

local life_stage = macro "life_stage" {
  { "unknown",     is_missing(age) },
  { "gen_z",       age:below(25) },
  { "young_adult", age:below(35) },
  { "midlife",     age:below(50) },
  { "mature",      age:below(65) },
  otherwise = "senior",
}

local market = macro "market" {
  { "north_america", country:one_of { "US", "CA", "MX" } },
  { "emea",          country:one_of { "GB", "IE", "DE", "FR", "ES", "IT", "NL",
                                      "BE", "SE", "PL", "ZA", "AE" } },
  { "apac",          country:one_of { "JP", "IN", "AU", "SG", "KR", "NZ" } },
  { "latam",         country:one_of { "BR", "AR", "CL", "CO" } },
  otherwise = "other",
}

local business = macro "business" {
  { "consumer",    account_type:is "B2C" },
  { "unknown_b2b", is_missing(company_size) },
  { "smb",         company_size:below(50) },
  { "midmarket",   company_size:below(1000) },
  otherwise = "enterprise",
}

local value_band = macro "value_band" {
  { "high", spend:at_least(2000) },
  { "mid",  spend:at_least(500) },
  { "low",  spend:above(0) },
  otherwise = "none",
}

-- Micro segments: a customer gets every one whose conditions all hold,
-- listed in this order.

local young = life_stage:one_of { "gen_z", "young_adult" }
local average_basket = spend / orders   -- a zero divisor gives a missing value

micro "young_urban_loyalists" { young, city_tier:is "urban", orders:at_least(6) }

micro "lapsed_high_value" {
  value_band:one_of { "high", "mid" },
  days_since_purchase:above(120),
}

micro "at_risk_regulars" { orders:at_least(3), days_since_purchase:between(60, 180) }

micro "email_engaged" { opens:at_least(5), (clicks / opens):at_least(0.2) }

micro "sms_first_youth" { channel:is "sms", age:below(35) }

micro "outdoor_enthusiasts" { interests:has_any { "hiking", "camping", "running", "cycling" } }

micro "tech_affluent" { interests:has "tech", income:at_least(80000) }

micro "luxury_prospects" {
  income:at_least(150000),
  loyalty:one_of { "gold", "platinum" },
  NOT(interests:has "discounts"),
}

micro "bargain_hunters" {
  interests:has "discounts",
  orders:above(0),
  average_basket:below(40),
}

micro "london_core" {
  country:is "GB",
  postal_area:one_of { "E", "EC", "N", "NW", "SE", "SW", "W", "WC" },
}

micro "nyc_metro" {
  country:is "US",
  geo.prefix(postal_code, 3):one_of { "100", "101", "102", "103", "104",
                                      "110", "111", "112", "113", "114" },
}

micro "new_signups" { days_since_signup:at_most(90) }

micro "dormant" { any { is_missing(last_buy), days_since_purchase:above(365) } }

micro "b2b_growth" {
  business:one_of { "smb", "midmarket" },
  industry:one_of { "software", "healthcare" },
  spend:at_least(1000),
}

micro "enterprise_champions" { business:is "enterprise", orders:at_least(12) }

micro "senior_offline" { life_stage:is "senior", channel:is "none" }

micro "family_focused" {
  interests:has_any { "parenting", "toys", "family_travel" },
  age:between(28, 50),
}

micro "eco_conscious" { interests:has "sustainability", NOT(interests:has "fast_fashion") }

micro "vip_at_risk" { loyalty:is "platinum", days_since_purchase:above(60) }

micro "frequent_small_basket" { orders:at_least(20), average_basket:below(25) }

micro "apac_mobile" { within = market:is "apac", channel:one_of { "push", "sms" } }

micro "latam_new_engaged" {
  within = market:is "latam",
  days_since_signup:at_most(365),
  opens:at_least(3),
}

micro "emea_enterprise_software" {
  within = market:is "emea",
  business:is "enterprise",
  industry:is "software",
}

micro "rfm_champions" {
  recency:at_least(4),
  frequency:at_least(4),
  monetary:at_least(4),
}
-- SPDX-License-Identifier: MIT
