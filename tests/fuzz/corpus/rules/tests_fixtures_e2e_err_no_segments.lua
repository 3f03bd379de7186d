-- err_no_segments.lua -- reads a column but defines no split or segment.
local id = text "customer_id"
