-- match_blocks: every record's blocking keys, with the size of each block (the records sharing a key).
-- Reads `match_blocking` (rid, side, h_url, h_title, h_core, h_slug, block_org, h_org_compact,
-- h_org_compact_core; 0 = no key) and `match_keys` (title_codes), built by pipeline.matching.blocking.
-- Parameters: $link_mode (a code shared by both titles is a key too), $org_scoped (true in dedupe mode:
-- title blocks are split by organisation). Key bits: 1 url, 2 title, 4 organisation + compact title,
-- 8 title for records without organisation, 16 title code (link mode only); 32 (a title that is another's
-- head or tail) is proposed in match_candidate_pairs.
-- block_org is the organisation code, or -1 when there is none or it is an ambiguous acronym ("UBBS" could
-- be several schools): such records meet every organisation's records of the same title.
with title_values as (
    -- one namespace for the full title, the title without its subtitle, the URL slug, the title without
    -- spaces and its consonant skeleton: a title cut at its subtitle meets the full title, a slug meets a
    -- title, "FrontEnd" meets "Front-End", a typo meets the spelling
    select distinct rid, side, block_org as org_code, v
    from (select rid, side, block_org, unnest([h_title, h_core, h_slug, h_title_compact, h_title_skeleton]) as v from match_blocking)
    where v <> 0
),

block_keys as (
    select rid, side, block_org as org_code, 1 as key_bit, h_url as key_value from match_blocking where h_url <> 0
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
    from (select rid, side, block_org, unnest([h_org_compact, h_org_compact_core]) as v from match_blocking)
    where v <> 0
    union all
    -- link mode: a code mixing letters and digits (a model number, "cs50") shared by both titles
    select rid, side, -1, 16, hash(c)
    from (select rid, side, unnest(string_split(title_codes, ' ')) as c from match_keys where $link_mode and title_codes <> '')
),

final as (
    select *, count(*) over (partition by key_bit, key_value) as n
    from block_keys
)

select * from final
