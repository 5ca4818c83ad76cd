-- match_candidate_pairs: candidate record pairs from the blocks of match_blocks.
-- Parameters: $max_block (blocks with more records are skipped for that key and reported by
-- pipeline.matching.blocking.skipped_blocks), $link_mode (true: only pairs across side 0 and side 1).
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

final as (
    select rid_l, rid_r, bit_or(key_bit) as key_mask
    from pairs
    group by rid_l, rid_r
)

select * from final
order by rid_l, rid_r
