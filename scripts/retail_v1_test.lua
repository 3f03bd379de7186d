-- retail_v1_test.lua -- tests of retail_v1.lua, run by `cleave test`.
--
-- Every expectation below was worked out by hand from the written spec
-- (shared/workload/retail-v1.md), at the boundaries it draws. A test gives
-- only the columns it is about: every other column is missing (empty).
--
-- Days before as_of 2026-11-01, used for the dates below:
--   2026-11-05  -4 (after as_of)    2026-08-02   91
--   2026-11-01   0                  2026-07-24  100
--   2026-10-31   1                  2026-07-04  120
--   2026-10-22  10                  2026-07-03  121
--   2026-10-02  30                  2026-05-05  180
--   2026-10-01  31                  2026-05-04  181
--   2026-09-03  59                  2025-11-01  365
--   2026-09-02  60                  2025-10-31  366
--   2026-09-01  61                  2020-01-01 2496
--   2026-08-03  90

rules "retail_v1.lua"
as_of "2026-11-01"

---------------------------------------------------------------------------
-- Macro split life_stage: missing -> unknown; < 25 gen_z; < 35 young_adult;
-- < 50 midlife; < 65 mature; else senior.

test "no age is unknown" {
  given = {},
  expect = { life_stage = "unknown" },
}
test "an empty age is unknown" {
  given = { age = "" },
  expect = { life_stage = "unknown" },
}
test "age 18 is gen_z" {
  given = { age = 18 },
  expect = { life_stage = "gen_z" },
}
test "age 24 is gen_z" {
  given = { age = 24 },
  expect = { life_stage = "gen_z" },
}
test "age 25 is young_adult (25 is not below 25)" {
  given = { age = 25 },
  expect = { life_stage = "young_adult" },
}
test "age 34 is young_adult" {
  given = { age = 34 },
  expect = { life_stage = "young_adult" },
}
test "age 35 is midlife" {
  given = { age = 35 },
  expect = { life_stage = "midlife" },
}
test "age 49 is midlife" {
  given = { age = 49 },
  expect = { life_stage = "midlife" },
}
test "age 50 is mature" {
  given = { age = 50 },
  expect = { life_stage = "mature" },
}
test "age 64 is mature" {
  given = { age = 64 },
  expect = { life_stage = "mature" },
}
test "age 65 is senior" {
  given = { age = 65 },
  expect = { life_stage = "senior" },
}
test "age 90 is senior" {
  given = { age = 90 },
  expect = { life_stage = "senior" },
}

---------------------------------------------------------------------------
-- Macro split market, by country.

test "US is north_america" {
  given = { country = "US" },
  expect = { market = "north_america" },
}
test "MX is north_america" {
  given = { country = "MX" },
  expect = { market = "north_america" },
}
test "GB is emea" {
  given = { country = "GB" },
  expect = { market = "emea" },
}
test "AE is emea" {
  given = { country = "AE" },
  expect = { market = "emea" },
}
test "ZA is emea" {
  given = { country = "ZA" },
  expect = { market = "emea" },
}
test "JP is apac" {
  given = { country = "JP" },
  expect = { market = "apac" },
}
test "NZ is apac" {
  given = { country = "NZ" },
  expect = { market = "apac" },
}
test "BR is latam" {
  given = { country = "BR" },
  expect = { market = "latam" },
}
test "CO is latam" {
  given = { country = "CO" },
  expect = { market = "latam" },
}
test "CH is in no market list: other" {
  given = { country = "CH" },
  expect = { market = "other" },
}
test "NO is other" {
  given = { country = "NO" },
  expect = { market = "other" },
}
test "no country is other" {
  given = {},
  expect = { market = "other" },
}
test "lower-case us is not US: other" {
  given = { country = "us" },
  expect = { market = "other" },
}

---------------------------------------------------------------------------
-- Macro split business: B2C consumer; else company_size missing
-- unknown_b2b; < 50 smb; < 1000 midmarket; else enterprise.

test "B2C is consumer" {
  given = { account_type = "B2C" },
  expect = { business = "consumer" },
}
test "B2C is consumer whatever the company size" {
  given = { account_type = "B2C", company_size = 5000 },
  expect = { business = "consumer" },
}
test "B2B without a company size is unknown_b2b" {
  given = { account_type = "B2B" },
  expect = { business = "unknown_b2b" },
}
test "B2B size 1 is smb" {
  given = { account_type = "B2B", company_size = 1 },
  expect = { business = "smb" },
}
test "B2B size 49 is smb" {
  given = { account_type = "B2B", company_size = 49 },
  expect = { business = "smb" },
}
test "B2B size 50 is midmarket" {
  given = { account_type = "B2B", company_size = 50 },
  expect = { business = "midmarket" },
}
test "B2B size 999 is midmarket" {
  given = { account_type = "B2B", company_size = 999 },
  expect = { business = "midmarket" },
}
test "B2B size 1000 is enterprise" {
  given = { account_type = "B2B", company_size = 1000 },
  expect = { business = "enterprise" },
}
test "B2B size 50000 is enterprise" {
  given = { account_type = "B2B", company_size = 50000 },
  expect = { business = "enterprise" },
}
test "no account type and no size is unknown_b2b" {
  given = {},
  expect = { business = "unknown_b2b" },
}
test "no account type, size 10 is smb" {
  given = { company_size = 10 },
  expect = { business = "smb" },
}

---------------------------------------------------------------------------
-- Macro split value_band, by spend_12m: >= 2000 high; >= 500 mid; > 0 low;
-- else none.

test "spend 2000.00 is high" {
  given = { spend_12m = 2000 },
  expect = { value_band = "high" },
}
test "spend 1999.99 is mid" {
  given = { spend_12m = 1999.99 },
  expect = { value_band = "mid" },
}
test "spend 500.00 is mid" {
  given = { spend_12m = "500.00" },
  expect = { value_band = "mid" },
}
test "spend 499.99 is low" {
  given = { spend_12m = 499.99 },
  expect = { value_band = "low" },
}
test "spend 0.01 is low" {
  given = { spend_12m = 0.01 },
  expect = { value_band = "low" },
}
test "spend 0.00 is none" {
  given = { spend_12m = "0.00" },
  expect = { value_band = "none" },
}
test "no spend is none" {
  given = {},
  expect = { value_band = "none" },
}

---------------------------------------------------------------------------
-- 1 young_urban_loyalists: gen_z or young_adult, urban, orders_12m >= 6.

test "24, urban, 6 orders: young urban loyalist" {
  given = { age = 24, city_tier = "urban", orders_12m = 6 },
  expect = { life_stage = "gen_z" },
  has = { "young_urban_loyalists" },
}
test "34, urban, 6 orders: young urban loyalist" {
  given = { age = 34, city_tier = "urban", orders_12m = 6 },
  has = { "young_urban_loyalists" },
}
test "35, urban, 6 orders: midlife, not a young urban loyalist" {
  given = { age = 35, city_tier = "urban", orders_12m = 6 },
  lacks = { "young_urban_loyalists" },
}
test "30, urban, 5 orders: too few orders" {
  given = { age = 30, city_tier = "urban", orders_12m = 5 },
  lacks = { "young_urban_loyalists" },
}
test "30, suburban, 6 orders: not urban" {
  given = { age = 30, city_tier = "suburban", orders_12m = 6 },
  lacks = { "young_urban_loyalists" },
}
test "no age, urban, 6 orders: unknown life stage" {
  given = { city_tier = "urban", orders_12m = 6 },
  lacks = { "young_urban_loyalists" },
}

---------------------------------------------------------------------------
-- 2 lapsed_high_value: value_band high or mid, last purchase > 120 days ago.

test "mid value, last purchase 121 days ago: lapsed" {
  given = { spend_12m = 500, last_purchase_date = "2026-07-03" },
  has = { "lapsed_high_value" },
}
test "high value, last purchase 120 days ago: not lapsed yet" {
  given = { spend_12m = 2000, last_purchase_date = "2026-07-04" },
  lacks = { "lapsed_high_value" },
}
test "low value, 121 days: not lapsed high value" {
  given = { spend_12m = 499.99, last_purchase_date = "2026-07-03" },
  lacks = { "lapsed_high_value" },
}
test "mid value, no last purchase: days unknown, not lapsed" {
  given = { spend_12m = 600 },
  lacks = { "lapsed_high_value" },
}

---------------------------------------------------------------------------
-- 3 at_risk_regulars: orders_12m >= 3, last purchase 60..180 days ago.

test "3 orders, 60 days: at risk" {
  given = { orders_12m = 3, last_purchase_date = "2026-09-02" },
  has = { "at_risk_regulars" },
}
test "3 orders, 180 days: at risk" {
  given = { orders_12m = 3, last_purchase_date = "2026-05-05" },
  has = { "at_risk_regulars" },
}
test "3 orders, 59 days: not yet at risk" {
  given = { orders_12m = 3, last_purchase_date = "2026-09-03" },
  lacks = { "at_risk_regulars" },
}
test "3 orders, 181 days: past at risk" {
  given = { orders_12m = 3, last_purchase_date = "2026-05-04" },
  lacks = { "at_risk_regulars" },
}
test "2 orders, 60 days: not a regular" {
  given = { orders_12m = 2, last_purchase_date = "2026-09-02" },
  lacks = { "at_risk_regulars" },
}

---------------------------------------------------------------------------
-- 4 email_engaged: opens >= 5 and clicks / opens >= 0.2.

test "5 opens, 1 click (0.2): engaged" {
  given = { email_opens_90d = 5, email_clicks_90d = 1 },
  has = { "email_engaged" },
}
test "15 opens, 3 clicks (0.2): engaged" {
  given = { email_opens_90d = 15, email_clicks_90d = 3 },
  has = { "email_engaged" },
}
test "5 opens, 0 clicks: not engaged" {
  given = { email_opens_90d = 5, email_clicks_90d = 0 },
  lacks = { "email_engaged" },
}
test "10 opens, 1 click (0.1): not engaged" {
  given = { email_opens_90d = 10, email_clicks_90d = 1 },
  lacks = { "email_engaged" },
}
test "4 opens, 4 clicks: too few opens" {
  given = { email_opens_90d = 4, email_clicks_90d = 4 },
  lacks = { "email_engaged" },
}
test "0 opens, 0 clicks: the ratio is never looked at" {
  given = { email_opens_90d = 0, email_clicks_90d = 0 },
  lacks = { "email_engaged" },
}

---------------------------------------------------------------------------
-- 5 sms_first_youth: channel sms and age < 35.

test "sms at 34: sms first youth" {
  given = { preferred_channel = "sms", age = 34 },
  has = { "sms_first_youth" },
}
test "sms at 35: too old" {
  given = { preferred_channel = "sms", age = 35 },
  lacks = { "sms_first_youth" },
}
test "email at 20: not sms" {
  given = { preferred_channel = "email", age = 20 },
  lacks = { "sms_first_youth" },
}
test "sms with no age: not sms first youth" {
  given = { preferred_channel = "sms" },
  lacks = { "sms_first_youth" },
}

---------------------------------------------------------------------------
-- 6 outdoor_enthusiasts: any of hiking, camping, running, cycling.

test "cycling among other interests: outdoor" {
  given = { interests = { "books", "cycling" } },
  has = { "outdoor_enthusiasts" },
}
test "hiking alone: outdoor" {
  given = { interests = { "hiking" } },
  has = { "outdoor_enthusiasts" },
}
test "the raw text camping;music works too" {
  given = { interests = "camping;music" },
  has = { "outdoor_enthusiasts" },
}
test "travel is not an outdoor interest" {
  given = { interests = { "travel" } },
  lacks = { "outdoor_enthusiasts" },
}
test "Hiking with a capital is not hiking" {
  given = { interests = { "Hiking" } },
  lacks = { "outdoor_enthusiasts" },
}
test "no interests: not outdoor" {
  given = { interests = {} },
  lacks = { "outdoor_enthusiasts" },
}

---------------------------------------------------------------------------
-- 7 tech_affluent: interests has tech and income >= 80000.

test "tech, income 80000: tech affluent" {
  given = { interests = { "tech" }, income = 80000 },
  has = { "tech_affluent" },
}
test "tech, income 79999: not affluent" {
  given = { interests = { "tech" }, income = 79999 },
  lacks = { "tech_affluent" },
}
test "gaming, income 100000: not tech" {
  given = { interests = { "gaming" }, income = 100000 },
  lacks = { "tech_affluent" },
}
test "tech, no income: not affluent" {
  given = { interests = { "tech" } },
  lacks = { "tech_affluent" },
}

---------------------------------------------------------------------------
-- 8 luxury_prospects: income >= 150000, gold or platinum, not discounts.

test "150000, gold, no interests at all: luxury prospect" {
  given = { income = 150000, loyalty_tier = "gold", interests = {} },
  has = { "luxury_prospects" },
}
test "200000, platinum, luxury: luxury prospect" {
  given = { income = 200000, loyalty_tier = "platinum", interests = { "luxury" } },
  has = { "luxury_prospects" },
}
test "149999, gold: income too low" {
  given = { income = 149999, loyalty_tier = "gold" },
  lacks = { "luxury_prospects" },
}
test "200000, silver: tier too low" {
  given = { income = 200000, loyalty_tier = "silver" },
  lacks = { "luxury_prospects" },
}
test "150000, gold, discounts: a bargain hunter is no luxury prospect" {
  given = { income = 150000, loyalty_tier = "gold", interests = { "discounts" } },
  lacks = { "luxury_prospects" },
}

---------------------------------------------------------------------------
-- 9 bargain_hunters: discounts, orders_12m > 0, spend / orders < 40.

test "discounts, 1 order of 39.99: bargain hunter" {
  given = { interests = { "discounts" }, orders_12m = 1, spend_12m = 39.99 },
  has = { "bargain_hunters" },
}
test "discounts, average basket exactly 40.00: not a bargain" {
  given = { interests = { "discounts" }, orders_12m = 2, spend_12m = 80 },
  lacks = { "bargain_hunters" },
}
test "discounts, 0 orders: no basket to average" {
  given = { interests = { "discounts" }, orders_12m = 0, spend_12m = 0 },
  lacks = { "bargain_hunters" },
}
test "no discounts interest, small basket: not a bargain hunter" {
  given = { interests = { "books" }, orders_12m = 1, spend_12m = 10 },
  lacks = { "bargain_hunters" },
}

---------------------------------------------------------------------------
-- 10 london_core: country GB and the postal area (leading letters,
-- upper-cased) in E EC N NW SE SW W WC.

test "GB E1 6AN: area E, London core" {
  given = { country = "GB", postal_code = "E1 6AN" },
  has = { "london_core" },
}
test "GB EH1 1YZ: area EH (Edinburgh), not E" {
  given = { country = "GB", postal_code = "EH1 1YZ" },
  lacks = { "london_core" },
}
test "GB ec2v7hh: upper-cased to area EC" {
  given = { country = "GB", postal_code = "ec2v7hh" },
  has = { "london_core" },
}
test "GB NW1: outward code alone, area NW" {
  given = { country = "GB", postal_code = "NW1" },
  has = { "london_core" },
}
test "GB WC2N 5DU: area WC" {
  given = { country = "GB", postal_code = "WC2N 5DU" },
  has = { "london_core" },
}
test "GB SW1A 1AA: area SW" {
  given = { country = "GB", postal_code = "SW1A 1AA" },
  has = { "london_core" },
}
test "GB B1 1AA: area B (Birmingham)" {
  given = { country = "GB", postal_code = "B1 1AA" },
  lacks = { "london_core" },
}
test "GB 1SW 1AA: starts with a digit, empty area" {
  given = { country = "GB", postal_code = "1SW 1AA" },
  lacks = { "london_core" },
}
test "IE with a London-looking code: not GB" {
  given = { country = "IE", postal_code = "E1 6AN" },
  lacks = { "london_core" },
}
test "GB without a postal code: not London core" {
  given = { country = "GB" },
  lacks = { "london_core" },
}

---------------------------------------------------------------------------
-- 11 nyc_metro: country US and the first 3 characters of postal_code in
-- 100-104 or 110-114.

test "US 10012: NYC metro" {
  given = { country = "US", postal_code = "10012" },
  has = { "nyc_metro" },
}
test "US 11201: NYC metro" {
  given = { country = "US", postal_code = "11201" },
  has = { "nyc_metro" },
}
test "US 11499: 114 is the last prefix in the list" {
  given = { country = "US", postal_code = "11499" },
  has = { "nyc_metro" },
}
test "US 100, exactly 3 characters: NYC metro" {
  given = { country = "US", postal_code = "100" },
  has = { "nyc_metro" },
}
test "US 10, a 2-character code, matches nothing" {
  given = { country = "US", postal_code = "10" },
  lacks = { "nyc_metro" },
}
test "US 10599: 105 is not in the list" {
  given = { country = "US", postal_code = "10599" },
  lacks = { "nyc_metro" },
}
test "US 12345: not NYC" {
  given = { country = "US", postal_code = "12345" },
  lacks = { "nyc_metro" },
}
test "CA 10012: not US" {
  given = { country = "CA", postal_code = "10012" },
  lacks = { "nyc_metro" },
}

---------------------------------------------------------------------------
-- 12 new_signups: signed up 90 days ago or less.

test "signed up 90 days ago: new" {
  given = { signup_date = "2026-08-03" },
  has = { "new_signups" },
}
test "signed up 91 days ago: not new" {
  given = { signup_date = "2026-08-02" },
  lacks = { "new_signups" },
}
test "signed up yesterday: new" {
  given = { signup_date = "2026-10-31" },
  has = { "new_signups" },
}
test "signed up on as_of itself (0 days): new" {
  given = { signup_date = "2026-11-01" },
  has = { "new_signups" },
}
test "signed up after as_of (-4 days): new" {
  given = { signup_date = "2026-11-05" },
  has = { "new_signups" },
}
test "no signup date: not new" {
  given = {},
  lacks = { "new_signups" },
}

---------------------------------------------------------------------------
-- 13 dormant: no last purchase, or more than 365 days ago.

test "no last purchase: dormant" {
  given = {},
  has = { "dormant" },
}
test "last purchase 365 days ago: not dormant" {
  given = { last_purchase_date = "2025-11-01" },
  lacks = { "dormant" },
}
test "last purchase 366 days ago: dormant" {
  given = { last_purchase_date = "2025-10-31" },
  has = { "dormant" },
}

---------------------------------------------------------------------------
-- 14 b2b_growth: smb or midmarket, software or healthcare, spend >= 1000.

test "smb (49), healthcare, 1000.00: B2B growth" {
  given = { account_type = "B2B", company_size = 49, industry = "healthcare", spend_12m = 1000 },
  has = { "b2b_growth" },
}
test "midmarket (999), software, 1000.00: B2B growth" {
  given = { account_type = "B2B", company_size = 999, industry = "software", spend_12m = 1000 },
  has = { "b2b_growth" },
}
test "midmarket (50), software, 999.99: spend too low" {
  given = { account_type = "B2B", company_size = 50, industry = "software", spend_12m = 999.99 },
  lacks = { "b2b_growth" },
}
test "enterprise (1000), software: too big for growth" {
  given = { account_type = "B2B", company_size = 1000, industry = "software", spend_12m = 5000 },
  lacks = { "b2b_growth" },
}
test "smb, finance: wrong industry" {
  given = { account_type = "B2B", company_size = 10, industry = "finance", spend_12m = 5000 },
  lacks = { "b2b_growth" },
}
test "B2C with a small company size: a consumer" {
  given = { account_type = "B2C", company_size = 10, industry = "software", spend_12m = 5000 },
  lacks = { "b2b_growth" },
}
test "B2B, no size (unknown_b2b), software: not growth" {
  given = { account_type = "B2B", industry = "software", spend_12m = 5000 },
  expect = { business = "unknown_b2b" },
  lacks = { "b2b_growth" },
}

---------------------------------------------------------------------------
-- 15 enterprise_champions: enterprise and orders_12m >= 12.

test "enterprise (1000), 12 orders: champion" {
  given = { account_type = "B2B", company_size = 1000, orders_12m = 12 },
  has = { "enterprise_champions" },
}
test "enterprise (50000), 11 orders: not yet" {
  given = { account_type = "B2B", company_size = 50000, orders_12m = 11 },
  lacks = { "enterprise_champions" },
}
test "midmarket (999), 20 orders: not enterprise" {
  given = { account_type = "B2B", company_size = 999, orders_12m = 20 },
  lacks = { "enterprise_champions" },
}

---------------------------------------------------------------------------
-- 16 senior_offline: senior and channel none.

test "65, channel none: senior offline" {
  given = { age = 65, preferred_channel = "none" },
  has = { "senior_offline" },
}
test "64, channel none: mature, not senior" {
  given = { age = 64, preferred_channel = "none" },
  lacks = { "senior_offline" },
}
test "70, email: not offline" {
  given = { age = 70, preferred_channel = "email" },
  lacks = { "senior_offline" },
}
test "no age, channel none: unknown, not senior" {
  given = { preferred_channel = "none" },
  lacks = { "senior_offline" },
}

---------------------------------------------------------------------------
-- 17 family_focused: parenting, toys or family_travel, and age 28..50.

test "28, family_travel: family focused" {
  given = { age = 28, interests = { "family_travel" } },
  has = { "family_focused" },
}
test "50, toys: family focused" {
  given = { age = 50, interests = { "toys" } },
  has = { "family_focused" },
}
test "27, parenting: too young" {
  given = { age = 27, interests = { "parenting" } },
  lacks = { "family_focused" },
}
test "51, parenting and toys: too old" {
  given = { age = 51, interests = { "parenting", "toys" } },
  lacks = { "family_focused" },
}
test "40, travel: travel is not family_travel" {
  given = { age = 40, interests = { "travel" } },
  lacks = { "family_focused" },
}
test "no age, parenting: not family focused" {
  given = { interests = { "parenting" } },
  lacks = { "family_focused" },
}

---------------------------------------------------------------------------
-- 18 eco_conscious: sustainability and not fast_fashion.

test "home and sustainability: eco conscious" {
  given = { interests = { "home", "sustainability" } },
  has = { "eco_conscious" },
}
test "sustainability and fast_fashion: not eco conscious" {
  given = { interests = { "sustainability", "fast_fashion" } },
  lacks = { "eco_conscious" },
}
test "sustainability and fashion: fashion is not fast_fashion" {
  given = { interests = { "sustainability", "fashion" } },
  has = { "eco_conscious" },
}
test "no interests: not eco conscious" {
  given = { interests = {} },
  lacks = { "eco_conscious" },
}

---------------------------------------------------------------------------
-- 19 vip_at_risk: platinum and last purchase more than 60 days ago.

test "platinum, 61 days: VIP at risk" {
  given = { loyalty_tier = "platinum", last_purchase_date = "2026-09-01" },
  has = { "vip_at_risk" },
}
test "platinum, 60 days: not yet" {
  given = { loyalty_tier = "platinum", last_purchase_date = "2026-09-02" },
  lacks = { "vip_at_risk" },
}
test "gold, 100 days: not platinum" {
  given = { loyalty_tier = "gold", last_purchase_date = "2026-07-24" },
  lacks = { "vip_at_risk" },
}
test "platinum, no last purchase: days unknown" {
  given = { loyalty_tier = "platinum" },
  lacks = { "vip_at_risk" },
}

---------------------------------------------------------------------------
-- 20 frequent_small_basket: orders_12m >= 20, spend / orders < 25.

test "20 orders, 499.80 (24.99 a basket): frequent small basket" {
  given = { orders_12m = 20, spend_12m = 499.80 },
  has = { "frequent_small_basket" },
}
test "20 orders, 500.00 (exactly 25 a basket): not small" {
  given = { orders_12m = 20, spend_12m = 500 },
  lacks = { "frequent_small_basket" },
}
test "19 orders, 100.00: not frequent" {
  given = { orders_12m = 19, spend_12m = 100 },
  lacks = { "frequent_small_basket" },
}

---------------------------------------------------------------------------
-- 21 apac_mobile: apac and channel push or sms.

test "JP, push: APAC mobile" {
  given = { country = "JP", preferred_channel = "push" },
  has = { "apac_mobile" },
}
test "AU, sms: APAC mobile" {
  given = { country = "AU", preferred_channel = "sms" },
  has = { "apac_mobile" },
}
test "IN, email: not mobile" {
  given = { country = "IN", preferred_channel = "email" },
  lacks = { "apac_mobile" },
}
test "US, push: not APAC" {
  given = { country = "US", preferred_channel = "push" },
  lacks = { "apac_mobile" },
}

---------------------------------------------------------------------------
-- 22 latam_new_engaged: latam, signed up 365 days ago or less, opens >= 3.

test "BR, signed up 365 days ago, 3 opens: LATAM new engaged" {
  given = { country = "BR", signup_date = "2025-11-01", email_opens_90d = 3 },
  has = { "latam_new_engaged" },
}
test "AR, signed up 366 days ago: not new" {
  given = { country = "AR", signup_date = "2025-10-31", email_opens_90d = 3 },
  lacks = { "latam_new_engaged" },
}
test "CO, signed up 10 days ago, 2 opens: too few opens" {
  given = { country = "CO", signup_date = "2026-10-22", email_opens_90d = 2 },
  lacks = { "latam_new_engaged" },
}
test "MX, new and engaged: north_america, not LATAM" {
  given = { country = "MX", signup_date = "2026-10-01", email_opens_90d = 10 },
  lacks = { "latam_new_engaged" },
}

---------------------------------------------------------------------------
-- 23 emea_enterprise_software: emea, enterprise, industry software.

test "DE, enterprise (1000), software: EMEA enterprise software" {
  given = { country = "DE", account_type = "B2B", company_size = 1000, industry = "software" },
  has = { "emea_enterprise_software" },
}
test "US, enterprise, software: not EMEA" {
  given = { country = "US", account_type = "B2B", company_size = 50000, industry = "software" },
  lacks = { "emea_enterprise_software" },
}
test "DE, enterprise, finance: not software" {
  given = { country = "DE", account_type = "B2B", company_size = 1000, industry = "finance" },
  lacks = { "emea_enterprise_software" },
}
test "DE, midmarket (999), software: not enterprise" {
  given = { country = "DE", account_type = "B2B", company_size = 999, industry = "software" },
  lacks = { "emea_enterprise_software" },
}

---------------------------------------------------------------------------
-- 24 rfm_champions: R >= 4 (last purchase <= 60 days ago), F >= 4
-- (orders_12m >= 10), M >= 4 (spend_12m >= 1500); thresholds from
-- [plugin.rfm] in engine.ini.

test "60 days, 10 orders, 1500.00: R4 F4 M4, champion" {
  given = { last_purchase_date = "2026-09-02", orders_12m = 10, spend_12m = 1500 },
  has = { "rfm_champions" },
}
test "30 days, 20 orders, 3000.00: R5 F5 M5, champion" {
  given = { last_purchase_date = "2026-10-02", orders_12m = 20, spend_12m = 3000 },
  has = { "rfm_champions" },
}
test "61 days: R3, not a champion" {
  given = { last_purchase_date = "2026-09-01", orders_12m = 10, spend_12m = 1500 },
  lacks = { "rfm_champions" },
}
test "9 orders: F3, not a champion" {
  given = { last_purchase_date = "2026-09-02", orders_12m = 9, spend_12m = 1500 },
  lacks = { "rfm_champions" },
}
test "1499.99 spent: M3, not a champion" {
  given = { last_purchase_date = "2026-09-02", orders_12m = 10, spend_12m = 1499.99 },
  lacks = { "rfm_champions" },
}
test "no last purchase: R1, not a champion" {
  given = { orders_12m = 30, spend_12m = 5000 },
  lacks = { "rfm_champions" },
}

---------------------------------------------------------------------------
-- Whole records (tests/fixtures/retail_edge.md): every column given, the
-- exact list of segments.

test "the retail_edge baseline: midlife, emea, consumer, low, no segment" {
  given = {
    customer_id = "C000000001", age = 40, income = 50000, country = "DE",
    postal_code = "10115", city_tier = "suburban", signup_date = "2020-01-01",
    last_purchase_date = "2026-10-01", orders_12m = 1, spend_12m = "10.00",
    email_opens_90d = 0, email_clicks_90d = 0, interests = {},
    preferred_channel = "email", loyalty_tier = "none", account_type = "B2C",
  },
  expect = { life_stage = "midlife", market = "emea", business = "consumer",
             value_band = "low" },
  segments = {},
}
test "retail_edge row 52: DE enterprise software with 12 orders" {
  given = {
    customer_id = "C000000052", age = 40, income = 50000, country = "DE",
    postal_code = "10115", city_tier = "suburban", signup_date = "2020-01-01",
    last_purchase_date = "2026-10-01", orders_12m = 12, spend_12m = "120.00",
    email_opens_90d = 0, email_clicks_90d = 0, interests = {},
    preferred_channel = "email", loyalty_tier = "none", account_type = "B2B",
    industry = "software", company_size = 1000,
  },
  expect = { life_stage = "midlife", market = "emea", business = "enterprise",
             value_band = "low" },
  segments = { "enterprise_champions", "emea_enterprise_software" },
}
test "retail_edge row 28: 60 days, 12 orders, 1500.00" {
  given = {
    customer_id = "C000000028", age = 40, income = 50000, country = "DE",
    postal_code = "10115", city_tier = "suburban", signup_date = "2020-01-01",
    last_purchase_date = "2026-09-02", orders_12m = 12, spend_12m = "1500.00",
    email_opens_90d = 0, email_clicks_90d = 0, interests = {},
    preferred_channel = "email", loyalty_tier = "none", account_type = "B2C",
  },
  expect = { life_stage = "midlife", market = "emea", business = "consumer",
             value_band = "mid" },
  segments = { "at_risk_regulars", "rfm_champions" },
}
test "retail_edge row 59: every column but the id missing" {
  given = { customer_id = "C000000059" },
  expect = { life_stage = "unknown", market = "other", business = "unknown_b2b",
             value_band = "none" },
  segments = { "dormant" },
}
-- SPDX-License-Identifier: MIT
