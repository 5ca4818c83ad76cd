-- materialized: view (read once, by int_listings_normalised)
-- One row per uid (the latest fetch wins when a crawl saw a listing twice), with a content hash that
-- tells changed listings from unchanged ones between refreshes.
with staged as (
    select * from stg_listings
),

repeated as (
    select uid from staged group by uid having count(*) > 1
),

-- the window runs only over uids seen more than once (a few), not over the whole feed
latest as (
    select * from staged anti join repeated using (uid)
    union all
    select * from (
        select * from staged semi join repeated using (uid)
        qualify row_number() over (partition by uid order by fetched_at desc, feed_file desc) = 1
    )
),

final as (
    select
        *,
        md5(to_json(struct_pack(
            title, description, organisation, platform, url, credential_type, level, language,
            duration_hours, duration_text, cost_amount, cost_currency, cost_kind, skills,
            part_of, has_part, prepares_for, prepared_by, alignments, source_modified
        ))::varchar)[1:16] as content_hash
    from latest
)

select * from final
