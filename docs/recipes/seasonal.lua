-- docs/recipes/seasonal.lua -- seasonal segments from calendar parts of dates.

local birth  = date "birth_date"
local signup = date "signup_date"
local last   = date "last_order_date"

-- Birthdays: days until the next one (0 on the day; a 29 February birthday
-- comes on 1 March in other years).
local to_birthday = dates.days_to_anniversary(birth)
micro "birthday_today"        { to_birthday:is(0) }
micro "birthday_next_30_days" { to_birthday:at_most(30) }
micro "born_in_november"      { dates.month(birth):is(11) }

-- Weekday 1 is Monday, 7 is Sunday.
micro "weekend_signup"    { dates.weekday(signup):at_least(6) }
-- Day 1 is 1 January; from March on, leap years are one day ahead.
micro "first_100_days"    { dates.day_of_year(signup):at_most(100) }

local signup_quarter = macro "signup_quarter" {
  { "unknown", is_missing(signup) },
  { "q1", dates.quarter(signup):is(1) },
  { "q2", dates.quarter(signup):is(2) },
  { "q3", dates.quarter(signup):is(3) },
  otherwise = "q4",
}

micro "christmas_shopper" { dates.month(last):is(12), dates.day(last):between(1, 24) }
micro "summer_buyer"      { dates.month(last):between(6, 8) }
-- ISO week 1 is the week (Monday to Sunday) holding the year's first
-- Thursday: 2025-12-29 is in week 1 of 2026, 2021-01-03 in week 53 of 2020.
micro "first_week_buyer"  { dates.iso_week(last):is(1) }
