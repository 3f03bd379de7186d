-- docs/recipes/rfm.lua -- RFM: recency, frequency and monetary scores (1-5)
-- from the rfm plugin, with thresholds in docs/recipes/rfm.ini.

local last_order = date   "last_order_date"
local orders     = number "orders_12m"
local spend      = number "spend_12m"

local days = dates.days_since(last_order)
local r = rfm.recency(days)       -- missing (never ordered) scores 1
local f = rfm.frequency(orders)
local m = rfm.monetary(spend)

-- The classic RFM groups; the first that fits wins.
macro "rfm_segment" {
  { "champions", r:at_least(4), f:at_least(4), m:at_least(4) },
  { "new",       r:is(5), f:is(1) },
  { "loyal",     f:at_least(4), r:at_least(3) },
  { "cant_lose", r:at_most(2), m:at_least(4) },   -- big spenders gone quiet
  { "at_risk",   r:at_most(2), f:at_least(3) },
  { "lost",      r:is(1), f:is(1) },
  otherwise = "needs_attention",
}

micro "top_scores"            { (r + f + m):at_least(12) }
-- Other thresholds for one call: R is 5 for an order in the last 7 days.
micro "bought_this_week"      { rfm.recency(days, "7,14,30,60"):is(5) }
micro "big_ticket_occasional" { m:at_least(4), f:at_most(2) }
