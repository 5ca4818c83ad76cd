-- Every listing with its raw texts parsed into controlled values. The feed carries text only; every typed value
-- here comes from the normaliser's lookup of the raw text (seed_parsed_<kind>, built by
-- pipeline.normalise.lookups from the distinct raw values), and the raw text stays beside it.
with listings as (
    select * from int_listings
),

final as (
    select
        l.* exclude (organisation, issuer_country),
        d.duration_hours,
        d.duration_rule,
        d.duration_hours_per_week,
        d.duration_estimated,
        d.length_weeks,
        d.length_days,
        lv.level,
        lang.language,
        p.cost_kind,
        p.cost_amount,
        p.cost_currency,
        p.cost_period,
        p.cost_offers,
        coalesce(o.organisation_name, l.organisation) as organisation,
        l.organisation as organisation_raw,
        o.organisation_key,
        coalesce(c.issuer_country, o.organisation_country) as issuer_country,
        l.issuer_country as issuer_country_text,
        -- stated ECTS win; otherwise an estimate from workload hours (never from calendar length), flagged
        coalesce(e.ects_stated, round(d.duration_hours / 30, 2)) as ects,
        case when e.ects_stated is not null then false
             when d.duration_hours is not null then true end as ects_estimated,
        q.eqf_level,
        pa.participation,
        pc.pacing,
        a.assessment as assessment_type,
        sv.supervision,
        qa.quality_assurance,
        case when len(l.part_of) + len(l.has_part) + len(l.prepares_for) + len(l.prepared_by) > 0
             then 'stackable' else 'stand_alone' end as stackability
    from listings as l
    left join seed_parsed_duration as d
        on d.raw is not distinct from l.duration_text and d.raw_length is not distinct from l.length_text
    left join seed_parsed_level as lv on lv.raw = l.level_text
    left join seed_parsed_language as lang on lang.raw = l.language_text
    left join seed_parsed_price as p on p.raw = l.cost_text
    left join seed_parsed_organisation as o on o.raw = l.organisation
    left join seed_parsed_country as c on c.raw = l.issuer_country
    left join seed_parsed_ects as e on e.raw = l.credits_text
    left join seed_parsed_eqf as q on q.raw = l.eqf_text
    left join seed_parsed_participation as pa on pa.raw = l.participation_text
    left join seed_parsed_pacing as pc on pc.raw = l.pacing_text
    left join seed_parsed_assessment as a on a.raw = l.assessment_text
    left join seed_parsed_supervision as sv on sv.raw = l.supervision_text
    left join seed_parsed_quality_assurance as qa on qa.raw = l.quality_assurance_text
)

select * from final
