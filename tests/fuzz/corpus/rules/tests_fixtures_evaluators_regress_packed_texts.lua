-- packed_texts.lua -- texts of up to 7 bytes are compared as numbers by the
-- batch evaluator (a text field against a constant, and one_of/none_of
-- lists of short items); longer texts are not. Values either side of the
-- 7-byte limit, with the same first bytes, missing values and case.
local s = text "s"
local k = text "k"   -- a second text field, compared with s

micro "eq7"       { s:is "abcdefg" }
micro "eq8"       { s:is "abcdefgh" }
micro "ne7"       { s:is_not "abcdefg" }
micro "ne8"       { s:is_not "abcdefgh" }
micro "in_short"  { s:one_of { "a", "abcdefg", "ab" } }
micro "in_mixed"  { s:one_of { "a", "abcdefgh" } }
micro "out_short" { s:none_of { "a", "abcdefg" } }
-- 40 short items: past the row evaluator's scanned (32) and head (16) sizes
micro "in_many" {
  s:one_of { "i00", "i01", "i02", "i03", "i04", "i05", "i06", "i07", "i08", "i09",
             "i10", "i11", "i12", "i13", "i14", "i15", "i16", "i17", "i18", "i19",
             "i20", "i21", "i22", "i23", "i24", "i25", "i26", "i27", "i28", "i29",
             "i30", "i31", "i32", "i33", "i34", "i35", "i36", "i37", "i38", "abcdef" },
}
micro "same"      { s:is(k) }
micro "differ"    { s:is_not(k) }
