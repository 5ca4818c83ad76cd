-- One row per source record (a listing as one provider publishes it), normalised, with references completed
-- from both ends. Duplicates among listings are merged into `credentials` (pipeline.resolve).
with listings as (
    select * from int_listings_normalised
),

previously as (
    select * from seed_previous_seen
),

refs as (
    select * from int_stack_references where resolved
),

parents as (
    select child as uid,
        list_sort(list_distinct(list(parent) filter (where relation = 'part_of'))) as part_of,
        list_sort(list_distinct(list(parent) filter (where relation = 'prepares_for'))) as prepares_for
    from refs group by 1
),

children as (
    select parent as uid,
        list_sort(list_distinct(list(child) filter (where relation = 'part_of'))) as has_part,
        list_sort(list_distinct(list(child) filter (where relation = 'prepares_for'))) as prepared_by
    from refs group by 1
),

final as (
    select
        l.uid,
        l.source,
        l.source_id,
        l.title,
        l.description,
        l.organisation,
        l.organisation_raw,
        l.organisation_key,
        l.issuer_country,
        l.issuer_country_text,
        l.platform,
        l.url,
        l.credential_type,
        t.ctdl_class,
        t.ob3_achievement_type,
        l.level,
        l.level_text,
        l.eqf_level,
        l.eqf_text,
        l.language,
        l.language_text,
        l.duration_hours,
        l.duration_rule,
        l.duration_hours_per_week,
        l.duration_text,
        l.duration_estimated,
        l.length_weeks,
        l.length_days,
        l.length_text,
        l.ects,
        l.ects_estimated,
        l.credits_text,
        l.cost_amount,
        l.cost_currency,
        l.cost_kind,
        l.cost_period,
        l.cost_offers,
        l.cost_text,
        l.learning_outcomes,
        l.prerequisites,
        l.assessment_type,
        l.assessment_text,
        l.participation,
        l.participation_text,
        l.pacing,
        l.pacing_text,
        l.supervision,
        l.supervision_text,
        l.quality_assurance,
        l.quality_assurance_text,
        l.recognition,
        l.criteria_text,
        l.code,
        l.stackability,
        l.skills,
        coalesce(p.part_of, []) as part_of,
        coalesce(c.has_part, []) as has_part,
        coalesce(p.prepares_for, []) as prepares_for,
        coalesce(c.prepared_by, []) as prepared_by,
        l.alignments,
        l.source_modified,
        coalesce(prev.first_seen, l.fetched_at) as first_seen,
        l.fetched_at as last_seen,
        l.fetched_at,
        l.source_url,
        l.content_hash,
        l.raw
    from listings as l
    left join credential_types as t using (credential_type)
    left join parents as p using (uid)
    left join children as c using (uid)
    left join previously as prev using (uid)
)

select * from final order by source, uid
