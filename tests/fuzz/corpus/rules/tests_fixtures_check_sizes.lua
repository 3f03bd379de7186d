-- sizes.lua -- a segment nobody is in and one everybody is in.
local age = number "age"
local id  = text   "customer_id"

micro "nobody"    { age:above(200) }                            -- line 5
micro "everybody" { is_present(id) }                            -- line 6
micro "some"      { age:below(40) }
