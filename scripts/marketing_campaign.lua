-- marketing_campaign.lua -- segments for the "customer personality" file of a
-- food and wine retailer: 2,240 customers who joined 2012-2014, their spend
-- per product group over two years, their purchases per channel and their
-- answers to six campaigns.
--
-- The file names its id column ID, so run it with an ini that says so:
--   cleave run -c scripts/marketing_campaign.ini \
--       --input marketing_campaign.csv --output out/marketing.csv --plugins build/plugins
-- Dates are taken as of 2026-11-01 (set in that ini). docs/rules.md is the guide.

-- The columns the rules read.
local born      = number "Year_Birth"
local marital   = text   "Marital_Status"
local income    = number "Income"            -- yearly household income; blank for 24
local kids      = number "Kidhome"           -- small children at home
local teens     = number "Teenhome"          -- teenagers at home
local recency   = number "Recency"           -- days since the last purchase
local wines     = number "MntWines"          -- spend per product group, 2 years
local fruits    = number "MntFruits"
local meat      = number "MntMeatProducts"
local fish      = number "MntFishProducts"
local sweets    = number "MntSweetProducts"
local gold      = number "MntGoldProds"
local deals     = number "NumDealsPurchases" -- purchases made with a discount
local web       = number "NumWebPurchases"
local catalog   = number "NumCatalogPurchases"
local store     = number "NumStorePurchases"
local visits    = number "NumWebVisitsMonth"
local complain  = number "Complain"          -- 1 = complained in the last 2 years

-- Dt_Customer is written like "4-Sep-12": read it with a format.
local joined = dates.parse(text "Dt_Customer", "%d-%b-%y")

-- Each campaign answer is 1 (accepted) or 0.
local accepted = {
  (number "AcceptedCmp1"):is(1),
  (number "AcceptedCmp2"):is(1),
  (number "AcceptedCmp3"):is(1),
  (number "AcceptedCmp4"):is(1),
  (number "AcceptedCmp5"):is(1),
  (number "Response"):is(1),                 -- the latest campaign
}

local age       = dates.age(born)            -- missing for years before 1900
local spend     = wines + fruits + meat + fish + sweets + gold
local purchases = web + catalog + store
local children  = kids + teens
local couple    = marital:one_of { "Married", "Together" }
local single    = marital:one_of { "Single", "Divorced", "Widow", "Alone" }

-- --- macro splits ------------------------------------------------------------

-- Birth years 1893, 1899 and 1900 are typing mistakes: unknown.
local generation = macro "generation" {
  { "unknown",    any { is_missing(age), age:above(100) } },
  { "silent",     born:below(1946) },
  { "boomer",     born:below(1965) },
  { "gen_x",      born:below(1981) },
  otherwise = "millennial",
}

-- One customer has the placeholder income 666666: unknown too.
local income_band = macro "income_band" {
  { "unknown", any { is_missing(income), income:above(200000) } },
  { "low",     income:below(35000) },
  { "middle",  income:below(70000) },
  otherwise = "high",
}

-- "Absurd" and "YOLO" are not marital statuses: unknown.
local family = macro "family_status" {
  { "couple_with_kids", couple, children:above(0) },
  { "single_parent",    single, children:above(0) },
  { "couple_no_kids",   couple },
  { "single_no_kids",   single },
  otherwise = "unknown",
}

local tenure = macro "tenure" {
  { "unknown",    is_missing(joined) },
  { "since_2012", joined:before("2013-01-01") },
  { "since_2013", joined:before("2014-01-01") },
  otherwise = "since_2014",
}

-- The product group they spend most on (the first one listed wins a tie).
macro "top_category" {
  { "wine",   wines:at_least(meat), wines:at_least(fish), wines:at_least(gold),
              wines:at_least(fruits), wines:at_least(sweets) },
  { "meat",   meat:at_least(fish), meat:at_least(gold), meat:at_least(fruits),
              meat:at_least(sweets) },
  { "fish",   fish:at_least(gold), fish:at_least(fruits), fish:at_least(sweets) },
  { "gold",   gold:at_least(fruits), gold:at_least(sweets) },
  { "fruits", fruits:at_least(sweets) },
  otherwise = "sweets",
}

-- --- micro segments ----------------------------------------------------------

-- What they buy: share of their spend.
micro "wine_lovers"          { (wines / spend):at_least(0.5) }
micro "meat_and_fish_lovers" { ((meat + fish) / spend):at_least(0.5) }
micro "gold_buyers"          { (gold / spend):at_least(0.2) }

-- How they buy.
micro "deal_seekers"        { deals:at_least(3), (deals / purchases):at_least(0.3) }
micro "web_first"           { web:above(store), web:above(catalog) }
micro "catalog_buyers"      { (catalog / purchases):at_least(0.3) }
micro "store_loyalists"     { (store / purchases):at_least(0.6) }
micro "browsers_not_buyers" { visits:at_least(7), web:at_most(2) }

-- How they answer campaigns.
micro "campaign_responders" { at_least(2, accepted) }
micro "never_responded"     { none(accepted) }
micro "complainers"         { complain:is(1) }

-- Who they are, and what they are worth.
micro "high_value_families" {
  family:one_of { "couple_with_kids", "single_parent" },
  spend:at_least(1000),
}
micro "lapsing_big_spenders" { recency:at_least(60), spend:at_least(1000) }
micro "affluent_empty_nesters" {
  generation:one_of { "silent", "boomer" },
  income_band:is "high",
  children:is(0),
}
micro "young_parents" { age:below(40), kids:at_least(1) }
-- SPDX-License-Identifier: MIT
