-- invalid_values.lua -- summary.json's invalid_values ("values that could not
-- be read as their declared type", docs/rules.md section 4) should not
-- depend on the evaluator. Row B's y ("abc") is never looked at by the row
-- evaluator (x:above(0) already failed), while the batch evaluator parses
-- the whole y column of a batch as soon as one row (A) needs it.
local x = number "x"
local y = number "y"
micro "both" { x:above(0), y:above(0) }
