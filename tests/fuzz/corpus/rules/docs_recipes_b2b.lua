-- docs/recipes/b2b.lua -- firmographic segments of business accounts:
-- company size bands, sectors, seat usage and renewals.
-- Run with -c docs/recipes/b2b.ini (id_column = account_id).

local industry  = text   "industry"
local employees = number "employees"
local revenue   = number "annual_revenue"
local licensed  = number "seats_licensed"
local used      = number "seats_used"
local renewal   = date   "renewal_date"

local size = macro "company_size" {
  { "unknown",    is_missing(employees) },
  { "micro",      employees:below(10) },
  { "small",      employees:below(50) },
  { "medium",     employees:below(250) },
  { "large",      employees:below(1000) },
  otherwise = "enterprise",
}

local sector = macro "sector" {
  { "tech",       industry:one_of { "software", "it_services", "telecoms" } },
  { "regulated",  industry:one_of { "finance", "healthcare", "insurance", "pharma" } },
  { "public",     industry:one_of { "government", "education" } },
  { "industrial", industry:one_of { "manufacturing", "logistics", "energy" } },
  otherwise = "other",
}

local seat_usage  = used / licensed
-- A renewal date 0 to 60 days ahead: days_since counts future dates below 0.
local renews_soon = dates.days_since(renewal):between(-60, 0)

micro "seat_upsell"          { seat_usage:at_least(0.9) }
micro "low_adoption"         { seat_usage:below(0.5) }
micro "renewal_next_60_days" { renews_soon }
micro "regulated_large"      { sector:is "regulated", size:one_of { "large", "enterprise" } }
micro "smb_tech"             { sector:is "tech", size:one_of { "micro", "small", "medium" } }
micro "public_sector_renewals" { within = sector:is "public", renews_soon }
micro "high_revenue_per_employee" { (revenue / employees):at_least(200000) }
