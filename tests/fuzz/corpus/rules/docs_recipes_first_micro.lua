-- docs/recipes/first_micro.lua -- step 2: micro segments.

local age     = number "age"
local spend   = number "spend_12m"
local orders  = number "orders_12m"
local channel = text   "channel"

-- A customer gets every micro segment whose conditions ALL hold,
-- so one customer can be in several, or in none.
micro "big_spenders"    { spend:at_least(1000) }
micro "frequent_buyers" { orders:at_least(10) }
micro "young_mobile"    { age:below(30), channel:one_of { "sms", "push" } }
micro "no_orders_yet"   { orders:is(0) }
