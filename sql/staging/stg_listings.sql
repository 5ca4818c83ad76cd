-- materialized: view (rename and cast only)
-- Listings as the spiders landed them, one row per feed line: rename and cast only. Raw text only: typed
-- values (hours, level, language, price) are the normaliser's (int_listings_normalised).
with source as (
    select * from raw_listings
),

final as (
    select
        uid,
        source,
        source_id,
        trim(title) as title,
        description,
        organisation,
        platform,
        url,
        credential_type,
        duration_text,
        length_text,
        coalesce(skills, []) as skills,
        coalesce(part_of, []) as part_of,
        coalesce(has_part, []) as has_part,
        coalesce(prepares_for, []) as prepares_for,
        coalesce(prepared_by, []) as prepared_by,
        alignments,
        coalesce(learning_outcomes, []) as learning_outcomes,
        prerequisites,
        level_text,
        language_text,
        cost_text,
        credits_text,
        eqf_text,
        issuer_country,
        participation_text,
        pacing_text,
        assessment_text,
        supervision_text,
        quality_assurance_text,
        coalesce(recognition, '[]'::json) as recognition,
        criteria_text,
        code,
        coalesce(runs, '[]'::json) as runs,
        source_modified,
        fetched_at,
        source_url,
        raw,
        crawl_run,
        feed_file
    from source
)

select * from final
