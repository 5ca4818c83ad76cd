-- match_candidate_pairs: candidate record pairs from the blocks of match_blocks.
-- Parameters: $max_block (blocks with more records are skipped for that key and reported by
-- pipeline.matching.blocking.skipped_blocks), $link_mode (true: only pairs across side 0 and side 1),
-- $org_scoped (true in dedupe mode).
-- Each pair appears once, with a bitmask of the keys that proposed it (bits as in match_blocks).
with kept as (
    select * from match_blocks where n between 2 and $max_block
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
-- long titles that merely share a head). Reads match_keys.title_affixes; $org_scoped as in match_blocks.
affix_full as (
    select rid, side, block_org as org, h_title as v from match_blocking where h_title <> 0
),

affix_part as (
    -- only the heads and tails that are some record's full title (most are nobody's): few rows to join
    select h.rid, h.side, h.block_org as org, a.v
    from (select rid, unnest(title_affixes) as v from match_keys where len(title_affixes) > 0) a
    semi join (select distinct h_title as v from match_blocking where h_title <> 0) f using (v)
    join match_blocking h using (rid)
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
order by rid_l, rid_r
