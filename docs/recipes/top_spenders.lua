-- docs/recipes/top_spenders.lua -- population thresholds: "the top 10 % of spenders".

local spend  = number "spend_12m"
local orders = number "orders_12m"

-- The cut-offs come from the columns themselves (docs/stats.md): on a file,
-- cleave run computes them in a first pass; shards take them from
-- --stats FILE, made once by cleave stats.
micro "top_10_percent"  { spend:top_percent(10) }
micro "bottom_quarter"  { spend:bottom_percent(25) }
micro "above_median"    { spend:quantile_at_least(0.5), orders:at_least(1) }
micro "orders_top_half" { orders:quantile_at_least(0.5) }
