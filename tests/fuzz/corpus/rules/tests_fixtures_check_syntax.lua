-- syntax.lua -- a missing closing brace.
local age = number "age"

micro "young" { age:below(30)
micro "old" { age:above(60) }   -- line 5: Lua stops here
