-- docs/recipes/benefits.lua -- benefit sought: what customers buy us for
-- (price, quality, convenience, service), from what they told us in a
-- survey, else from what they do.

local orders     = number "orders_12m"
local discounted = number "discounted_orders_12m"
local express    = number "express_orders_12m"
local items      = number "items_12m"
local premium    = number "premium_items_12m"
local support    = number "support_contacts_12m"
local subscribed = text   "subscription"
local survey     = text   "survey_priority"

-- Shares: missing when the customer has no orders (or no items).
local discount_share = discounted / orders
local express_share  = express / orders
local premium_share  = premium / items

local benefit = macro "benefit_sought" {
  -- what they said comes first...
  { "price",       survey:is "price" },
  { "quality",     survey:is "quality" },
  { "convenience", survey:is "convenience" },
  { "service",     survey:is "service" },
  -- ...then what they do.
  { "price",       discount_share:at_least(0.5) },
  { "quality",     premium_share:at_least(0.4) },
  { "convenience", express_share:at_least(0.3) },
  otherwise = "undetermined",
}

micro "trade_up_candidates"     { benefit:is "price", premium_share:at_least(0.2) }
micro "subscribe_and_save"      { benefit:is "convenience", subscribed:is "no" }
micro "says_quality_buys_deals" { survey:is "quality", discount_share:at_least(0.5) }
micro "premium_loyalists"       { benefit:is "quality", subscribed:is "yes" }
micro "service_seekers"         { support:at_least(3) }
