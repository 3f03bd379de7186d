-- nested_at_least.lua -- an at_least inside another at_least (directly, or
-- under any/score) must count on its own: the batch evaluator once shared
-- one scratch array of counters between them.
local x = number "x"

micro "b" { at_least(1, { at_least(2, { x:above(0), x:above(5) }), x:below(0) }) }
-- the inner one evaluated first (written first, and cheaper)
micro "c" { at_least(2, { at_least(1, { x:is(6) }), x:above(0), x:below(10) }) }
-- nested two deep, under any{}
micro "d" {
  at_least(2, {
    x:at_least(1),
    any { at_least(2, { x:above(2), at_least(1, { x:is(6), x:is(-1) }) }), x:is(1) },
    x:at_most(6),
  }),
}
-- under a score inside an at_least
micro "e" {
  at_least(1, {
    x:is(-1),
    score { { at_least(2, { x:above(0), x:above(5) }), 2 }, { x:above(0), 1 } }:at_least(3),
  }),
}
