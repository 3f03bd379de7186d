-- telco_churn.lua -- segments for a telecom operator's customer file (7,043
-- customers: their services, contract, billing and whether they left).
--
-- The file names its id column customerID, so run it with an ini that says so:
--   cleave run -c scripts/telco_churn.ini \
--       --input telco_churn_messy.csv --output out/telco.csv --plugins build/plugins
-- docs/rules.md is the guide.

-- The columns the rules read. Yes/No columns are texts: "Yes", "No", and
-- "No internet service" / "No phone service" for services the customer lacks.
local senior     = number "SeniorCitizen"    -- 1 or 0
local partner    = text   "Partner"
local dependents = text   "Dependents"
local months     = number "tenure"           -- months as a customer
local phone      = text   "PhoneService"
local lines      = text   "MultipleLines"
local internet   = text   "InternetService"  -- "DSL", "Fiber optic" or "No"
local security   = text   "OnlineSecurity"
local backup     = text   "OnlineBackup"
local protection = text   "DeviceProtection"
local support    = text   "TechSupport"
local tv         = text   "StreamingTV"
local movies     = text   "StreamingMovies"
local contract   = text   "Contract"
local paperless  = text   "PaperlessBilling"
local payment    = text   "PaymentMethod"
local monthly    = number "MonthlyCharges"   -- blank for a few customers
local total      = number "TotalCharges"     -- blank for new customers
local churned    = text   "Churn"

-- --- macro splits ------------------------------------------------------------

local contract_type = macro "contract_type" {
  { "month_to_month", contract:is "Month-to-month" },
  { "one_year",       contract:is "One year" },
  { "two_year",       contract:is "Two year" },
  otherwise = "unknown",
}

local tenure_band = macro "tenure_band" {
  { "unknown",       is_missing(months) },
  { "new",           months:below(6) },
  { "first_year",    months:below(12) },
  { "established",   months:below(36) },
  otherwise = "long_standing",
}

local value_band = macro "value_band" {
  { "unknown", is_missing(monthly) },
  { "low",     monthly:below(35) },
  { "mid",     monthly:below(70) },
  { "high",    monthly:below(95) },
  otherwise = "premium",
}

macro "service_mix" {
  { "phone_only",    internet:is "No" },
  { "internet_only", phone:is "No" },
  { "fibre_bundle",  internet:is "Fiber optic" },
  otherwise = "dsl_bundle",
}

-- --- micro segments ----------------------------------------------------------

local has_internet = internet:one_of { "DSL", "Fiber optic" }

-- Retention
micro "churn_risk" {
  contract_type:is "month_to_month",
  payment:is "Electronic check",
  months:below(12),
}
micro "contract_upgrade" { contract_type:is "month_to_month", months:at_least(24) }
micro "premium_newcomers" { monthly:at_least(90), months:at_most(6) }
-- Paying clearly more now than their average month so far.
micro "price_rise" { (monthly - total / months):at_least(5) }
micro "churned_high_value" { churned:is "Yes", value_band:one_of { "high", "premium" } }

-- Cross-sell and upsell
micro "fibre_no_security" { internet:is "Fiber optic", security:is "No" }
micro "protection_gap" {
  within = has_internet,
  at_least(3, { security:is "No", backup:is "No", protection:is "No", support:is "No" }),
}
micro "streaming_bundle"  { tv:is "Yes", movies:is "Yes" }
micro "multi_line_upsell" { phone:is "Yes", lines:is "No", partner:is "Yes" }
micro "internet_upsell"   { internet:is "No", months:at_least(24) }

-- Who they are, and how they pay
micro "senior_paperless" { senior:is(1), paperless:is "Yes" }
micro "family_accounts"  { partner:is "Yes", dependents:is "Yes" }
-- every method ending in "(automatic)", also one added to the export later
micro "autopay" { txt.ends_with(payment, "(automatic)") }

-- Data quality: a charge the billing export left blank.
micro "billing_data_gap" { any { is_missing(monthly), is_missing(total) } }
-- SPDX-License-Identifier: MIT
