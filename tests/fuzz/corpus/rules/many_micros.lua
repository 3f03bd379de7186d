local a = number "a"
for i = 1, 300 do micro ("m" .. i) { a:above(i) } end
