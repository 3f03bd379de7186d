-- docs/recipes/holdout.lua -- a control group (holdout) and an A/B split
-- that stay the same from run to run.

local id       = text   "customer_id"
local opted_in = text   "marketing_opt_in"
local spend    = number "spend_12m"

-- A number from 0 to 9999 drawn from the customer id and a "salt" text:
-- the same id and salt always give the same number.
local draw = bucket(id, "2026q4")

local test_group = macro "test_group" {
  { "holdout",   draw:below(1000) },    -- 0..999: 10%, gets no campaign
  { "variant_a", draw:below(5500) },    -- 1000..5499: 45%
  otherwise = "variant_b",              -- 5500..9999: 45%
}

micro "winter_sale"         { within = test_group:is_not "holdout", opted_in:is "yes" }
micro "winter_sale_control" { within = test_group:is "holdout", opted_in:is "yes" }
micro "vip_preview" {
  within = test_group:is "variant_a",
  opted_in:is "yes",
  spend:at_least(1000),
}

-- A new salt draws a new, independent group.
micro "next_quarter_holdout" { bucket(id, "2027q1"):below(1000) }
