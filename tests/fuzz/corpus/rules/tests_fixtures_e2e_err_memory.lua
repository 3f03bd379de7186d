-- err_memory.lua -- builds a 64 MB string; err_memory.ini allows 8 MB.
local age = number "age"
local big = string.rep("x", 64 * 1024 * 1024)
micro "old" { age:above(60) }
