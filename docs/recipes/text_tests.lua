-- docs/recipes/text_tests.lua -- text tests with the txt plugin: payment
-- methods ending in "(automatic)", values in any case, a pattern, a length.

local id       = text "customerID"
local payment  = text "PaymentMethod"
local internet = text "InternetService"

-- The old way: every autopay value listed by hand. A new value
-- ("PayPal (automatic)") or another spelling is missed without a word.
micro "autopay_listed" { payment:one_of { "Bank transfer (automatic)", "Credit card (automatic)" } }

-- Ends with "(automatic)": exactly, then in any case.
micro "autopay"          { txt.ends_with(payment, "(automatic)") }
micro "autopay_any_case" { txt.ends_with(payment, "(automatic)", "ignore_case") }
-- A pattern also allows blanks after it: \( and \) are the brackets
-- themselves, \s* any blanks, $ the end of the text.
micro "autopay_pattern"  { txt.matches(payment, "\\(automatic\\)\\s*$", "ignore_case") }

micro "pays_by_check"    { txt.contains(payment, "check") }

-- Values in any case: compare the lower-cased text.
local service = macro "service" {
  { "unknown", is_missing(internet) },
  { "fiber",   txt.lower(internet):is "fiber optic" },
  { "dsl",     txt.lower(internet):is "dsl" },
  { "none",    txt.lower(internet):is "no" },
  otherwise = "other",
}

-- Data quality: ids that are not 4 digits, a dash and 5 capitals.
micro "odd_id"       { NOT(txt.matches(id, "^[0-9]{4}-[A-Z]{5}$")) }
micro "short_id"     { txt.length(id):below(10) }
