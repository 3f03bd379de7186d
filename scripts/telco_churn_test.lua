-- telco_churn_test.lua -- tests of telco_churn.lua, run by `cleave test`.
--
-- The telco export writes TotalCharges as one space for customers in their
-- first month (tenure 0): a value a number column reads as missing, like
-- an empty field, in cleave run and here alike (docs/rules.md, section 6).
-- A test gives only the columns it is about: every other one is missing.

rules "telco_churn.lua"
as_of "2026-11-01"

test "TotalCharges of one space (tenure 0) is missing: a billing data gap" {
  given = { tenure = 0, MonthlyCharges = 52.55, TotalCharges = " " },
  expect = { tenure_band = "new", value_band = "mid" },
  has = { "billing_data_gap" },
  lacks = { "price_rise" },
}

test "TotalCharges \"1,000\" is not a number either: missing" {
  given = { tenure = 10, MonthlyCharges = 150, TotalCharges = "1,000" },
  has = { "billing_data_gap" },
  lacks = { "price_rise" },
}

test "MonthlyCharges \"abc\" is missing: value band unknown" {
  given = { MonthlyCharges = "abc", TotalCharges = 100 },
  expect = { value_band = "unknown" },
  has = { "billing_data_gap" },
}

test "a tenure of one space is missing: tenure band unknown" {
  given = { tenure = " " },
  expect = { tenure_band = "unknown" },
}

test "both charges readable (text or number): no data gap" {
  given = { tenure = 13, MonthlyCharges = 49.95, TotalCharges = "587.45" },
  lacks = { "billing_data_gap" },
}

test "49.95 a month against 587.45 over 13 months is a rise of 4.76: below 5" {
  given = { tenure = 13, MonthlyCharges = 49.95, TotalCharges = 587.45 },
  lacks = { "price_rise" },
}

test "69.70 a month against 316.90 over 5 months is a rise of 6.32: price_rise" {
  given = { tenure = 5, MonthlyCharges = 69.70, TotalCharges = 316.90 },
  has = { "price_rise" },
}

test "paying by credit card (automatic) is autopay" {
  given = { PaymentMethod = "Credit card (automatic)" },
  has = { "autopay" },
}
-- SPDX-License-Identifier: MIT
