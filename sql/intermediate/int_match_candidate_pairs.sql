-- run_by: pipeline.matching.blocking (the matcher runs it on its own inputs)
-- int_match_candidate_pairs: candidate record pairs from several blocking keys.
-- Reads `match_hashes` (rid, side, h_url, h_title, h_core, h_slug, block_org, h_org_compact,
-- h_org_compact_core; 0 = no key),
-- built from int_match_keys by pipeline.matching.blocking. Parameters: $max_block (blocks with more records
-- are skipped for that key and reported), $link_mode (true: only pairs across side 0 and side 1),
-- $org_scoped (true in dedupe mode: title blocks are split by organisation).
-- Each pair appears once, with a bitmask of the keys that proposed it
-- (1 url, 2 title, 4 organisation + compact title, 8 title for records without organisation,
-- 16 title code, link mode only, 32 a title that is another's head or tail of at least three words).
-- Also reads `match_keys` (rid, title_codes, title_affixes).
-- block_org is the organisation code, or -1 when there is none or it is an ambiguous acronym ("UBBS" could
-- be several schools): such records meet every organisation's records of the same title.
with title_values as (
    -- one namespace for the full title, the title without its subtitle, the URL slug, the title without
    -- spaces and its consonant skeleton: a title cut at its subtitle meets the full title, a slug meets a
    -- title, "FrontEnd" meets "Front-End", a typo meets the spelling
    select distinct rid, side, block_org as org_code, v
    from (select rid, side, block_org, unnest([h_title, h_core, h_slug, h_title_compact, h_title_skeleton]) as v from match_hashes)
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

-- a title that is another title's head or tail ("Learn Photoshop for Design" in "Learn Photoshop for Design
-- 100% Practical..."): the full title of one record meets the heads and tails of longer titles (never two
-- long titles that merely share a head)
affix_full as (
    select rid, side, block_org as org, h_title as v from match_hashes where h_title <> 0
),

affix_part as (
    -- only the heads and tails that are some record's full title (most are nobody's): few rows to join
    select h.rid, h.side, h.block_org as org, a.v
    from (select rid, unnest(title_affixes) as v from match_keys where len(title_affixes) > 0) a
    semi join (select distinct h_title as v from match_hashes where h_title <> 0) f using (v)
    join match_hashes h using (rid)
),

affix_small as (
    -- heads or tails shared by too many titles (of one organisation) are no evidence and are skipped
    select v, org from affix_part group by all having count(*) <= $max_block
),

affix_pairs as (
    -- dedupe mode: within one organisation, and a record without organisation against every record
    select least(f.rid, p.rid) as rid_l, greatest(f.rid, p.rid) as rid_r, 32 as key_bit
    from affix_full f join affix_part p on f.v = p.v and (f.org = p.org or not $org_scoped)
    semi join affix_small s on s.v = p.v and s.org = p.org
    where f.rid <> p.rid and (not $link_mode or f.side <> p.side)
    union all
    select least(f.rid, p.rid), greatest(f.rid, p.rid), 32
    from (select * from affix_full where org < 0) f join affix_part p on f.v = p.v
    semi join affix_small s on s.v = p.v and s.org = p.org
    where $org_scoped and p.org >= 0
    union all
    select least(f.rid, p.rid), greatest(f.rid, p.rid), 32
    from affix_full f join (select * from affix_part where org < 0) p on f.v = p.v
    semi join affix_small s on s.v = p.v and s.org = p.org
    where $org_scoped and f.org >= 0
),

final as (
    select rid_l, rid_r, bit_or(key_bit) as key_mask
    from (select * from pairs union all select * from affix_pairs)
    group by rid_l, rid_r
)

select * from final
