for i = 1, 100 do pcall(function() while true do end end) end
micro "x" { number "a":above(1) }
