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
        -- every field of the source as text, a missing one as an unprintable marker, joined with a unit
        -- separator; never the fetch time, the response URL (the offline server's port) or the run folder.
        -- A record whose hash (and uid) is unchanged is not normalised again (pipeline.reuse).
        md5(concat_ws(chr(31), list_transform([
            title, description, organisation, platform, url, credential_type, level_text,
            language_text, duration_text, length_text, skills::varchar,
            part_of::varchar, has_part::varchar, prepares_for::varchar, prepared_by::varchar, alignments::varchar,
            source_modified::varchar, learning_outcomes::varchar, prerequisites, cost_text, credits_text, eqf_text,
            issuer_country, participation_text, pacing_text, assessment_text, supervision_text, quality_assurance_text,
            recognition::varchar, criteria_text, code, runs::varchar
        ], x -> coalesce(x, chr(30)))))[1:16] as content_hash
    from latest
)

select * from final
