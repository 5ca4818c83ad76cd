-- One row per credential: what it states about rigour, recognition, workload, level and cost, each element with
-- its provenance (stated by the source, derived by a named rule, or unknown), the EU micro-credential elements
-- (Council Recommendation 2022/C 243/02, Annex I) stated/derived/missing with a completeness share, and the
-- price to earn in the reference currency (seed_profile_prices). No score: every element is shown as it is.
with c as (
    select * from credentials
),

prices as (
    select * from seed_profile_prices
),

elements as (
    select
        c.*,
        -- status of each EU Annex I element a catalogue carries: stated / derived / missing
        case when c.title is not null then 'stated' else 'missing' end as eu_title,
        case when c.organisation is not null then 'stated' else 'missing' end as eu_awarding_body,
        case when c.issuer_country is not null and c.issuer_country_text is not null then 'stated'
             when c.issuer_country is not null then 'derived' else 'missing' end as eu_country,
        case when len(c.learning_outcomes) > 0 then 'stated' else 'missing' end as eu_learning_outcomes,
        case when c.ects_provenance = 'stated' or c.workload_provenance = 'stated' then 'stated'
             when c.ects_provenance = 'derived' or c.workload_provenance = 'derived' then 'derived'
             else 'missing' end as eu_workload,
        coalesce(c.eqf_provenance, 'missing') as eu_level,
        case when c.assessment_type is not null then 'stated' else 'missing' end as eu_assessment,
        case when c.participation is not null then 'stated' else 'missing' end as eu_participation,
        coalesce(c.quality_assurance_provenance, 'missing') as eu_quality_assurance
    from c
),

eu as (
    select
        *,
        -- the elements in a fixed order, as (element, status) pairs: filtered by status below (a list, not a
        -- map: a map lookup per element per row costs more than the rest of the model)
        [{'k': 'title', 's': eu_title}, {'k': 'awarding_body', 's': eu_awarding_body},
         {'k': 'country', 's': eu_country}, {'k': 'learning_outcomes', 's': eu_learning_outcomes},
         {'k': 'workload', 's': eu_workload}, {'k': 'level', 's': eu_level},
         {'k': 'assessment', 's': eu_assessment}, {'k': 'participation', 's': eu_participation},
         {'k': 'quality_assurance', 's': eu_quality_assurance}] as eu_pairs
    from elements
),

final as (
    select
        e.uid,
        e.title,
        e.credential_type,
        e.source,
        e.url,
        e.code,
        e.organisation as awarding_body,
        case when e.organisation is not null then 'stated' else 'unknown' end as awarding_body_provenance,
        e.issuer_country,
        case e.eu_country when 'missing' then 'unknown' else e.eu_country end as issuer_country_provenance,
        e.recognised_by,
        case when e.recognised_by is not null then 'stated' else 'unknown' end as recognition_provenance,
        e.quality_assurance,
        coalesce(e.quality_assurance_provenance, 'unknown') as quality_assurance_provenance,
        e.quality_assurance_rule,
        e.credits,
        e.credit_system,
        case when e.credits is not null then 'stated' else 'unknown' end as credits_provenance,
        e.ects,
        coalesce(e.ects_provenance, 'unknown') as ects_provenance,
        e.ects_rule,
        e.eqf_level,
        coalesce(e.eqf_provenance, 'unknown') as eqf_provenance,
        e.eqf_rule,
        e.level_framework,
        e.level,
        e.audience_level,
        case when e.level is not null or e.audience_level is not null then 'stated' else 'unknown' end
            as level_provenance,
        case when len(e.learning_outcomes) > 0 then e.learning_outcomes end as learning_outcomes,
        case when len(e.learning_outcomes) > 0 then 'stated' else 'unknown' end as learning_outcomes_provenance,
        e.prerequisites,
        case when e.prerequisites is not null then 'stated' else 'unknown' end as prerequisites_provenance,
        e.assessment_type,
        e.assessment_types,
        case when e.assessment_type is not null then 'stated' else 'unknown' end as assessment_provenance,
        e.assessment_source,
        e.supervised,
        e.identity_verified,
        case when e.supervision is not null then 'stated' else 'unknown' end as supervision_provenance,
        e.supervision_source,
        e.participation,
        case when e.participation is not null then 'stated' else 'unknown' end as participation_provenance,
        e.pacing,
        e.workload_hours,
        e.workload_rule,
        coalesce(e.workload_provenance, 'unknown') as workload_provenance,
        e.length_weeks,
        p.price_to_earn,
        p.price_to_earn_currency,
        p.price_rate_date,
        p.price_rate,
        p.price_to_earn_original,
        p.price_to_earn_original_currency,
        p.price_to_earn_min,
        p.price_rule,
        p.price_provenance,
        p.price_reason,
        p.offers,
        e.stackability,
        e.part_of,
        [x.k for x in e.eu_pairs if x.s = 'stated'] as eu_stated,
        [x.k for x in e.eu_pairs if x.s = 'derived'] as eu_derived,
        [x.k for x in e.eu_pairs if x.s = 'missing'] as eu_missing,
        round(len([x for x in e.eu_pairs if x.s <> 'missing']) / len(e.eu_pairs), 3) as eu_completeness,
        round(len([x for x in e.eu_pairs if x.s = 'stated']) / len(e.eu_pairs), 3) as eu_stated_share
    from eu as e
    left join prices as p using (uid)
)

select * from final order by source, uid
