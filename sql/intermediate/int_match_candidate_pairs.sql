-- int_match_candidate_pairs: candidate record pairs from several blocking keys.
-- Reads `match_keys` (the output of int_match_keys.sql). Parameters: $max_block (blocks larger than this are
-- skipped for that key and reported by blocking_stats), $link_mode (true: only pairs across side 0 and 1).
-- A pair appears once, with the list of keys that proposed it (evidence for the explanation).
with block_keys as (
    select rid, side, 'url' as key_name, url_canon as key_value from match_keys where url_canon <> ''
    union all
    -- one namespace for the full title, the title without subtitle and the URL slug, so that a title cut
    -- at its subtitle meets the full title, and a slug meets a title
    select distinct rid, side, 'title', v
    from (
        select rid, side, unnest([title_norm, title_core, slug]) as v from match_keys
    )
    where v <> ''
    union all
    select rid, side, 'title_tokens', title_tokens from match_keys where title_tokens <> '' and title_tokens <> title_norm
    union all
    -- organisation + the first 10 letters of the title with spaces removed: survives dropped hyphens
    -- ("High-Dimensional" / "HighDimensional"), cut subtitles and most word-level drift
    select rid, side, 'org_title_prefix', org_key || '|' || left(replace(title_norm, ' ', ''), 10)
    from match_keys where org_key <> '' and title_norm <> ''
),

block_sizes as (
    select key_name, key_value, count(*) as n
    from block_keys
    group by all
),

kept as (
    select b.*
    from block_keys b
    join block_sizes s using (key_name, key_value)
    where s.n between 2 and $max_block
),

pairs as (
    select a.rid as rid_l, b.rid as rid_r, a.key_name
    from kept a
    join kept b on a.key_name = b.key_name and a.key_value = b.key_value
    where case when $link_mode then a.side = 0 and b.side = 1 else a.rid < b.rid end
),

final as (
    select rid_l, rid_r, list_sort(list_distinct(list(key_name))) as block_keys
    from pairs
    group by rid_l, rid_r
)

select * from final
