-- int_match_candidate_pairs: candidate record pairs from several blocking keys.
-- Reads `match_hashes` (rid, side, h_url, h_title, h_core, h_slug, org_code, h_org_prefix; 0 = no key),
-- built from int_match_keys by pipeline.matching.blocking. Parameters: $max_block (blocks with more records
-- are skipped for that key and reported), $link_mode (true: only pairs across side 0 and side 1).
-- Each pair appears once, with a bitmask of the keys that proposed it (1 url, 2 title, 4 org_title_prefix).
with block_keys as (
    select rid, side, 1 as key_bit, h_url as key_value from match_hashes where h_url <> 0
    union all
    -- one namespace for the full title, the title without its subtitle and the URL slug: a title cut at its
    -- subtitle meets the full title, a slug meets a title
    select distinct rid, side, 2, v
    from (select rid, side, unnest([h_title, h_core, h_slug]) as v from match_hashes)
    where v <> 0
    union all
    -- organisation + the first 10 letters of the title without spaces: survives dropped hyphens
    -- ("High-Dimensional" / "HighDimensional"), cut subtitles and lost punctuation
    select rid, side, 4, h_org_prefix from match_hashes where h_org_prefix <> 0
),

block_sizes as (
    select key_bit, key_value, count(*) as n
    from block_keys
    group by all
),

kept as (
    select b.*
    from block_keys b
    semi join (select * from block_sizes where n between 2 and $max_block) s using (key_bit, key_value)
),

pairs as (
    select a.rid as rid_l, b.rid as rid_r, a.key_bit
    from kept a
    join kept b on a.key_bit = b.key_bit and a.key_value = b.key_value
    where case when $link_mode then a.side = 0 and b.side = 1 else a.rid < b.rid end
),

final as (
    select rid_l, rid_r, bit_or(key_bit) as key_mask
    from pairs
    group by rid_l, rid_r
)

select * from final
