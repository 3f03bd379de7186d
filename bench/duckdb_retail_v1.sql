-- SPDX-License-Identifier: MIT
-- duckdb_retail_v1.sql -- workload retail-v1 (shared/workload/retail-v1.md)
-- in DuckDB SQL, for the DuckDB comparison of bench/run.sh (BENCH_DUCKDB=1).
--
-- Written from the spec, one CASE per split and one line per micro segment,
-- in spec order; scripts/retail_v1.lua is cleave's version of the same rules.
-- It reads the customer file and writes the same tagged CSV as `cleave run`
-- (header customer_id,life_stage,market,business,value_band,segments; one
-- line per record, input order; segments ';'-joined in rule order).
--
-- Placeholders, replaced by bench/duckdb_run.mjs before the SQL runs (each
-- with the text of a SQL string literal, quotes doubled):
--   @INPUT@   the customer CSV
--   @OUTPUT@  the output CSV
--   @AS_OF@   the evaluation date, YYYY-MM-DD
--
-- Where this is not exactly cleave:
-- - read_csv stops at the first record it cannot read (a wrong field count,
--   an age that is not an integer, a date that is not YYYY-MM-DD); cleave
--   writes such a record to the rejects file and goes on. Run it on clean
--   input (tools/gen_retail's output is).
-- - Columns are typed as the spec says (int -> INTEGER, decimal ->
--   DECIMAL(12,2), date -> DATE); cleave reads every number as a double.
--   For the values the spec allows the two agree: the comparisons are exact
--   and the two divisions are done in DOUBLE, as cleave does them.
-- - Input order relies on DuckDB's preserve_insertion_order (the default),
--   which COPY of a query without ORDER BY keeps, at any thread count, as
--   long as the plan has no join. Membership tests are therefore written
--   list_contains([...], x), not x IN (...): DuckDB 1.5 rewrites an IN list
--   of more than a few constants into a hash join against the constants,
--   and at 2 threads the rows then come out in 2048-row blocks out of
--   order (same rows, different order; seen on the 1M-row bench file).

COPY (
  WITH src AS (
    SELECT *
    FROM read_csv(@INPUT@,
      header = true, delim = ',', quote = '"', escape = '"', new_line = '\n',
      auto_detect = false, nullstr = '',
      columns = {
        'customer_id': 'VARCHAR', 'first_name': 'VARCHAR', 'age': 'INTEGER',
        'gender': 'VARCHAR', 'income': 'INTEGER', 'country': 'VARCHAR',
        'postal_code': 'VARCHAR', 'city_tier': 'VARCHAR',
        'signup_date': 'DATE', 'last_purchase_date': 'DATE',
        'orders_12m': 'INTEGER', 'spend_12m': 'DECIMAL(12,2)',
        'email_opens_90d': 'INTEGER', 'email_clicks_90d': 'INTEGER',
        'interests': 'VARCHAR', 'preferred_channel': 'VARCHAR',
        'loyalty_tier': 'VARCHAR', 'account_type': 'VARCHAR',
        'industry': 'VARCHAR', 'company_size': 'INTEGER', 'notes': 'VARCHAR'
      })
  ),
  v AS (
    SELECT
      customer_id,
      age, income, orders_12m AS orders, spend_12m AS spend,
      email_opens_90d AS opens, email_clicks_90d AS clicks, company_size,
      -- an empty field is a missing value in every column, quoted or not
      nullif(country, '') AS country,
      nullif(city_tier, '') AS city_tier,
      nullif(preferred_channel, '') AS channel,
      nullif(loyalty_tier, '') AS loyalty,
      nullif(account_type, '') AS account_type,
      nullif(industry, '') AS industry,
      -- postal area: the leading run of ASCII letters, upper-cased (ASCII
      -- only: upper() first would also turn e.g. U+017F into 'S')
      upper(regexp_extract(nullif(postal_code, ''), '^[A-Za-z]*')) AS postal_area,
      -- the first 3 bytes: every code compared with is 3 ASCII digits, and a
      -- UTF-8 multi-byte character holds no ASCII byte, so the first 3
      -- characters are one of them exactly when the first 3 bytes are
      left(nullif(postal_code, ''), 3) AS postal_prefix,
      -- the tag list: an empty field is the empty list
      coalesce(string_split(nullif(interests, ''), ';'), []::VARCHAR[]) AS tags,
      -- days_since(d) = as_of - d, signed; missing when d is
      DATE @AS_OF@ - last_purchase_date AS last_days,
      DATE @AS_OF@ - signup_date AS signup_days,
      -- '/': real division, a zero divisor gives a missing value
      CAST(email_clicks_90d AS DOUBLE) / nullif(CAST(email_opens_90d AS DOUBLE), 0) AS click_rate,
      CAST(spend_12m AS DOUBLE) / nullif(CAST(orders_12m AS DOUBLE), 0) AS basket
    FROM src
  ),
  m AS (
    SELECT v.*,
      CASE WHEN age IS NULL THEN 'unknown'
           WHEN age < 25 THEN 'gen_z'
           WHEN age < 35 THEN 'young_adult'
           WHEN age < 50 THEN 'midlife'
           WHEN age < 65 THEN 'mature'
           ELSE 'senior' END AS life_stage,
      CASE WHEN list_contains(['US', 'CA', 'MX'], country) THEN 'north_america'
           WHEN list_contains(['GB', 'IE', 'DE', 'FR', 'ES', 'IT', 'NL', 'BE',
                            'SE', 'PL', 'ZA', 'AE'], country) THEN 'emea'
           WHEN list_contains(['JP', 'IN', 'AU', 'SG', 'KR', 'NZ'], country) THEN 'apac'
           WHEN list_contains(['BR', 'AR', 'CL', 'CO'], country) THEN 'latam'
           ELSE 'other' END AS market,
      CASE WHEN account_type = 'B2C' THEN 'consumer'
           WHEN company_size IS NULL THEN 'unknown_b2b'
           WHEN company_size < 50 THEN 'smb'
           WHEN company_size < 1000 THEN 'midmarket'
           ELSE 'enterprise' END AS business,
      CASE WHEN spend >= 2000 THEN 'high'
           WHEN spend >= 500 THEN 'mid'
           WHEN spend > 0 THEN 'low'
           ELSE 'none' END AS value_band,
      -- R, F, M scores of rule 24 (a missing value takes the last case)
      CASE WHEN last_days <= 30 THEN 5 WHEN last_days <= 60 THEN 4
           WHEN last_days <= 120 THEN 3 WHEN last_days <= 240 THEN 2
           ELSE 1 END AS r_score,
      CASE WHEN orders >= 20 THEN 5 WHEN orders >= 10 THEN 4
           WHEN orders >= 5 THEN 3 WHEN orders >= 2 THEN 2
           ELSE 1 END AS f_score,
      CASE WHEN spend >= 3000 THEN 5 WHEN spend >= 1500 THEN 4
           WHEN spend >= 600 THEN 3 WHEN spend >= 200 THEN 2
           ELSE 1 END AS m_score
    FROM v
  )
  -- A condition on a missing value is NULL, which CASE WHEN takes as false;
  -- list_contains on the (never NULL) tag list is true or false, so NOT of
  -- it is as the spec says. concat_ws skips the NULLs of the segments that
  -- do not hold; an empty list is written as an empty field (NULL: DuckDB
  -- writes an empty string as "").
  SELECT customer_id, life_stage, market, business, value_band,
    nullif(concat_ws(';',
      CASE WHEN list_contains(['gen_z', 'young_adult'], life_stage) AND city_tier = 'urban'
                AND orders >= 6 THEN 'young_urban_loyalists' END,
      CASE WHEN list_contains(['high', 'mid'], value_band) AND last_days > 120
           THEN 'lapsed_high_value' END,
      CASE WHEN orders >= 3 AND last_days BETWEEN 60 AND 180
           THEN 'at_risk_regulars' END,
      CASE WHEN opens >= 5 AND click_rate >= 0.2 THEN 'email_engaged' END,
      CASE WHEN channel = 'sms' AND age < 35 THEN 'sms_first_youth' END,
      CASE WHEN list_has_any(tags, ['hiking', 'camping', 'running', 'cycling'])
           THEN 'outdoor_enthusiasts' END,
      CASE WHEN list_contains(tags, 'tech') AND income >= 80000
           THEN 'tech_affluent' END,
      CASE WHEN income >= 150000 AND list_contains(['gold', 'platinum'], loyalty)
                AND NOT list_contains(tags, 'discounts') THEN 'luxury_prospects' END,
      CASE WHEN list_contains(tags, 'discounts') AND orders > 0 AND basket < 40
           THEN 'bargain_hunters' END,
      CASE WHEN country = 'GB'
                AND list_contains(['E', 'EC', 'N', 'NW', 'SE', 'SW', 'W', 'WC'], postal_area)
           THEN 'london_core' END,
      CASE WHEN country = 'US'
                AND list_contains(['100', '101', '102', '103', '104',
                                      '110', '111', '112', '113', '114'], postal_prefix)
           THEN 'nyc_metro' END,
      CASE WHEN signup_days <= 90 THEN 'new_signups' END,
      CASE WHEN last_days IS NULL OR last_days > 365 THEN 'dormant' END,
      CASE WHEN list_contains(['smb', 'midmarket'], business)
                AND list_contains(['software', 'healthcare'], industry) AND spend >= 1000
           THEN 'b2b_growth' END,
      CASE WHEN business = 'enterprise' AND orders >= 12
           THEN 'enterprise_champions' END,
      CASE WHEN life_stage = 'senior' AND channel = 'none' THEN 'senior_offline' END,
      CASE WHEN list_has_any(tags, ['parenting', 'toys', 'family_travel'])
                AND age BETWEEN 28 AND 50 THEN 'family_focused' END,
      CASE WHEN list_contains(tags, 'sustainability')
                AND NOT list_contains(tags, 'fast_fashion') THEN 'eco_conscious' END,
      CASE WHEN loyalty = 'platinum' AND last_days > 60 THEN 'vip_at_risk' END,
      CASE WHEN orders >= 20 AND basket < 25 THEN 'frequent_small_basket' END,
      CASE WHEN market = 'apac' AND list_contains(['push', 'sms'], channel) THEN 'apac_mobile' END,
      CASE WHEN market = 'latam' AND signup_days <= 365 AND opens >= 3
           THEN 'latam_new_engaged' END,
      CASE WHEN market = 'emea' AND business = 'enterprise' AND industry = 'software'
           THEN 'emea_enterprise_software' END,
      CASE WHEN r_score >= 4 AND f_score >= 4 AND m_score >= 4
           THEN 'rfm_champions' END
    ), '') AS segments
  FROM m
) TO @OUTPUT@ (FORMAT csv, HEADER true, DELIMITER ',');
