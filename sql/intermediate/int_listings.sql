-- materialized: view (read once, by int_listings_normalised)
-- One row per uid (the latest fetch wins when a crawl saw a listing twice), with a content hash that
-- tells changed listings from unchanged ones between refreshes.
-- `not materialized`: read three times below; materialised, it held every raw row in memory (at 1M it
-- did not fit under the DuckDB cap)
with staged as not materialized (
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
        -- The list's text form is hashed (what concat_ws of one list argument gave before: same hashes);
        -- coalescing each element, not list_transform with a lambda, costs half as much.
        md5([
            coalesce(title, chr(30)), coalesce(description, chr(30)), coalesce(organisation, chr(30)),
            coalesce(platform, chr(30)), coalesce(url, chr(30)), coalesce(credential_type, chr(30)),
            coalesce(level_text, chr(30)), coalesce(language_text, chr(30)), coalesce(duration_text, chr(30)),
            coalesce(length_text, chr(30)), coalesce(skills::varchar, chr(30)), coalesce(part_of::varchar, chr(30)),
            coalesce(has_part::varchar, chr(30)), coalesce(prepares_for::varchar, chr(30)),
            coalesce(prepared_by::varchar, chr(30)), coalesce(alignments::varchar, chr(30)),
            coalesce(source_modified::varchar, chr(30)), coalesce(learning_outcomes::varchar, chr(30)),
            coalesce(prerequisites, chr(30)), coalesce(cost_text, chr(30)), coalesce(credits_text, chr(30)),
            coalesce(eqf_text, chr(30)), coalesce(issuer_country, chr(30)), coalesce(participation_text, chr(30)),
            coalesce(pacing_text, chr(30)), coalesce(assessment_text, chr(30)), coalesce(supervision_text, chr(30)),
            coalesce(quality_assurance_text, chr(30)), coalesce(recognition::varchar, chr(30)),
            coalesce(criteria_text, chr(30)), coalesce(code, chr(30)), coalesce(runs::varchar, chr(30))
        ]::varchar)[1:16] as content_hash
    from latest
)

select * from final
