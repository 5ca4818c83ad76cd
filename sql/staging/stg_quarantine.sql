-- materialized: view (rename and cast only)
-- Records the spiders set aside, with their reasons: rename and cast only.
with source as (
    select * from raw_quarantine
),

final as (
    select
        source,
        source_id,
        source_url,
        reason,
        message,
        raw,
        fetched_at,
        crawl_run
    from source
)

select * from final
