-- docs/recipes/engagement.lua -- a weighted engagement score: points for
-- each signal that holds, added up, then banded.

local opens     = number "email_opens_90d"
local clicks    = number "email_clicks_90d"
local app       = number "app_sessions_30d"
local last_in   = date   "last_login_date"
local reviews   = number "reviews_written"
local referrals = number "referrals"

local logged_in_lately = dates.days_since(last_in):at_most(14)

local engagement = score {
  { opens:at_least(5),     1 },
  { clicks:at_least(2),    2 },
  { app:at_least(4),       2 },
  { logged_in_lately,      1 },
  { reviews:at_least(1),   1 },
  { referrals:at_least(1), 3 },
}

macro "engagement_level" {
  { "high",   engagement:at_least(6) },
  { "medium", engagement:at_least(3) },
  { "low",    engagement:above(0) },
  otherwise = "none",
}

micro "engaged"   { engagement:at_least(3) }
micro "advocates" { engagement:at_least(6), referrals:at_least(1) }

-- Points can be negative: app users who do not read our e-mails.
micro "app_first" {
  score {
    { app:at_least(4),   2 },
    { logged_in_lately,  1 },
    { opens:at_least(5), -2 },
  }:at_least(3),
}
