-- docs/recipes/behavioural.lua -- what the customers do: how recently and how
-- often they buy, and how they answer promotions.

local signup    = date   "signup_date"
local last_buy  = date   "last_order_date"
local orders    = number "orders_12m"
local lifetime  = number "lifetime_orders"
local sent      = number "promos_sent_12m"
local redeemed  = number "promos_redeemed_12m"
local responded = text   "responded_last_campaign"

local days_since_buy = dates.days_since(last_buy)   -- 1 for yesterday

local lifecycle = macro "lifecycle" {
  { "never_bought", is_missing(last_buy) },
  { "active",       dates.within_days(last_buy, 30) },        -- 0 to 30 days ago
  { "cooling",      dates.between_days(last_buy, 31, 90) },   -- 31 to 90 days ago
  { "lapsing",      days_since_buy:at_most(365) },
  otherwise = "lapsed",
}

local buying_frequency = macro "buying_frequency" {
  { "unknown",    is_missing(orders) },
  { "none",       orders:is(0) },
  { "occasional", orders:below(4) },
  { "regular",    orders:below(12) },
  otherwise = "frequent",
}

micro "new_customers"    { dates.within_days(signup, 90) }
micro "welcome_no_order" { dates.within_days(signup, 60), is_missing(last_buy) }
micro "win_back"         { lifecycle:is "lapsed", lifetime:at_least(5) }
micro "at_risk_regulars" { lifecycle:is "cooling", lifetime:at_least(10) }

-- Response to promotions
micro "promo_responsive" { sent:at_least(3), (redeemed / sent):at_least(0.5) }
micro "promo_ignorers"   { sent:at_least(6), redeemed:is(0) }
micro "promo_dependent"  { orders:above(0), redeemed:at_least(orders) }
micro "responded_last_campaign" { responded:is "yes" }

micro "second_order_nudge" { lifetime:is(1), dates.between_days(last_buy, 14, 60) }
