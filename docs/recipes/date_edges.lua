-- docs/recipes/date_edges.lua -- two pairs of rules that look alike and part
-- near their edges: an age from the birth year or from the birth date, and
-- "ordered in the last 30 days" written three ways. As of 2026-02-28.

local born_year = number "birth_year"
local born      = date   "birth_date"
local last      = date   "last_order_date"

-- 18 or older: by the year alone (2026 minus the birth year), or by whole
-- years since the birth date (has the 18th birthday come yet?).
micro "adult_by_year"     { dates.age(born_year):at_least(18) }
micro "adult_by_birthday" { dates.years_since(born):at_least(18) }

-- Ordered in the last 30 days: within_days counts 0 to 30 days back and
-- never a date after the as-of date; days_since is negative for those.
micro "ordered_within_30"   { dates.within_days(last, 30) }
micro "ordered_at_most_30"  { dates.days_since(last):at_most(30) }
micro "ordered_below_30"    { dates.days_since(last):below(30) }
