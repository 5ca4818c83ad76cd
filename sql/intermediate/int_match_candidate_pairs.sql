-- run_by: pipeline.matching.blocking (the matcher runs it on its own inputs)
-- int_match_candidate_pairs: candidate record pairs from several blocking keys.
-- Reads `match_hashes` (rid, side, h_url, h_title, h_core, h_slug, h_title_head, h_title_tail, block_org, h_org_compact,
-- h_org_compact_core; 0 = no key),
-- built from int_match_keys by pipeline.matching.blocking. Parameters: $max_block (blocks with more records
-- are skipped for that key and reported), $link_mode (true: only pairs across side 0 and side 1),
-- $org_scoped (true in dedupe mode: title blocks are split by organisation).
-- Each pair appears once, with a bitmask of the keys that proposed it
-- (1 url, 2 title, 4 organisation + compact title, 8 title for records without organisation,
-- 16 title code, link mode only).
-- block_org is the organisation code, or -1 when there is none or it is an ambiguous acronym ("UBBS" could
-- be several schools): such records meet every organisation's records of the same title.
with title_values as (
    -- one namespace for the full title, the title without its subtitle, its first and last three words and the
    -- URL slug: a title cut at its subtitle or truncated meets the full title, a title behind an unknown
    -- listing label meets it by its last words, a slug meets a title
    select distinct rid, side, block_org as org_code, v
    from (select rid, side, block_org, unnest([h_title, h_core, h_slug, h_title_head, h_title_tail]) as v from match_hashes)
    where v <> 0
),

block_keys as (
    select rid, side, block_org as org_code, 1 as key_bit, h_url as key_value from match_hashes where h_url <> 0
    union all
    -- $org_scoped (dedupe): a title block is split by organisation, since records of two different
    -- organisations can never be duplicates nor same_as; records without an organisation also meet every
    -- record of the title in an unscoped block (key bit 8)
    select rid, side, org_code, 2, case when $org_scoped and org_code >= 0 then hash(v, org_code) else v end
    from title_values
    union all
    select rid, side, org_code, 8, v from title_values where $org_scoped
    union all
    -- organisation + the title (or the title without subtitle) with its spaces removed: survives hyphens
    -- dropped without a space ("High-Dimensional" / "HighDimensional") even with the subtitle cut
    select distinct rid, side, block_org as org_code, 4, v
    from (select rid, side, block_org, unnest([h_org_compact, h_org_compact_core]) as v from match_hashes)
    where v <> 0
    union all
    -- link mode: a code mixing letters and digits (a model number, "cs50") shared by both titles
    select rid, side, -1, 16, hash(c)
    from (select rid, side, unnest(string_split(title_codes, ' ')) as c from match_keys where $link_mode and title_codes <> '')
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
      -- the unscoped title block only pairs a record without organisation with any other record
      and (a.key_bit <> 8 or a.org_code < 0 or b.org_code < 0)
),

final as (
    select rid_l, rid_r, bit_or(key_bit) as key_mask
    from pairs
    group by rid_l, rid_r
)

select * from final
