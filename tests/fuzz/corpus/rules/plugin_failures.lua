-- plugin calls that give no result from present values (call_sites.h):
-- both evaluators must count them alike, per call site, with the same first
local joined = dates.parse(text "joined", "%d-%m-%Y")
local since = dates.days_since(joined)
local pc = text "postcode"
micro "recent" { since:below(400) }
micro "area" { (number "spend"):above(10), geo.prefix(pc, 2):one_of { "SW", "N1" } }
micro "aged" { any { dates.age(number "born"):above(40), is_missing(joined) } }
macro "band" {
  { "short", txt.length(pc):below(4) },
  otherwise = "long",
}
