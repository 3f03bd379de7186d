-- plugin_parts.lua -- the batch evaluator calls a plugin only for the rows
-- still undecided, so one criterion kept in a local is computed for some
-- rows by one rule and for others by the next. Texts computed by geo live
-- in a per-thread buffer the batch must copy. As of 2026-11-01.
local s    = text "s"
local d    = date "d"
local pc   = text "pc"
local days = dates.days_since(d)
local area = geo.postal_area(pc)

micro "a_recent"     { any { s:is "a", days:below(10) } }
micro "b_old"        { any { s:is "b", days:above(100) } }
micro "days_missing" { is_missing(days) }
micro "r5"           { rfm.recency(days):is(5) }
micro "london"       { within = s:is "a", area:one_of { "SW", "EC", "E" } }
micro "sw"           { area:is "SW" }
micro "empty_area"   { area:is "" }
micro "outward"      { geo.outward(pc):is "SW1A" }
micro "week"         { dates.within_days(d, 7) }
micro "future"       { dates.between_days(d, -30, -1) }
