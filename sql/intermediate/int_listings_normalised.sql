-- Every listing with its raw texts parsed into controlled values. The feed carries text only; every typed value
-- here comes from the normaliser's lookup of the raw text (seed_parsed_<kind>, built by
-- pipeline.normalise.lookups from the distinct raw values), and the raw text stays beside it.
-- Provenance (docs/normalisation.md): a statement of the source wins over any derivation; a derived value
-- names its rule; no rule or constant is written here (estimates and conversions are the normaliser's).
-- A listing whose content hash is unchanged takes its normalised values from the published catalogue
-- (seed_reused_listings, pipeline.reuse) instead of the lookups: the same values a parse would give.
-- not an anti join: DuckDB estimates an anti join with an empty table (a full build) at ~0 rows, and then
-- builds the hash tables of the first lookup joins on the wide listings (right joins) instead of the lookups:
-- memory growing with the listings (it failed at 1M under a 2500MB cap) and twice the CPU
with listings as (
    select l.* from int_listings as l left join seed_reused_listings as r using (uid) where r.uid is null
),

reused as (
    select l.* exclude (organisation, issuer_country), r.* exclude (uid)
    from int_listings as l
    join seed_reused_listings as r using (uid)
),

joined as (
    select
        l.*,
        d.duration_hours, d.duration_rule, d.duration_hours_per_week, d.duration_estimated, d.length_weeks,
        d.length_days, d.ects_estimate, d.ects_estimate_rule,
        lv.level,
        lang.language,
        p.cost_kind, p.cost_amount, p.cost_currency, p.cost_period, p.cost_offers,
        o.organisation_name, o.organisation_key,
        c.issuer_country as issuer_country_code, o.organisation_country,
        cr.credits, cr.credit_system, cr.credits_ects, cr.credits_ects_stated, cr.credits_ects_rule,
        cr.credits_hours, cr.credits_hours_stated, cr.credits_hours_rule,
        te.text_ects, te.text_ects_hours, te.text_ects_hours_rule,
        q.eqf_level as eqf_text_level, q.eqf_stated as eqf_text_stated, q.eqf_rule as eqf_text_rule,
        q.eqf_framework as eqf_text_framework,
        le.eqf_level as level_eqf, le.eqf_stated as level_eqf_stated, le.eqf_rule as level_eqf_rule,
        le.eqf_framework as level_eqf_framework,
        au.audience_level,
        pa.participation,
        pc.pacing,
        a.assessment as assessment_stated, a.assessment_values as assessment_stated_values,
        ca.assessment as criteria_assessment, ca.assessment_values as criteria_assessment_values,
        sv.supervision as supervision_stated, asv.supervision as assessment_supervision,
        csv.supervision as criteria_supervision,
        qa.quality_assurance as quality_assurance_stated,
        r.recognition_bodies, r.recognition_quality_assurance, r.recognition_rule
    from listings as l
    left join seed_parsed_duration as d
        on d.raw is not distinct from l.duration_text and d.raw_length is not distinct from l.length_text
    left join seed_parsed_level as lv on lv.raw = l.level_text
    left join seed_parsed_language as lang on lang.raw = l.language_text
    left join seed_parsed_price as p on p.raw = l.cost_text
    left join seed_parsed_organisation as o on o.raw = l.organisation
    left join seed_parsed_country as c on c.raw = l.issuer_country
    left join seed_parsed_credits as cr on cr.raw = l.credits_text
    left join seed_parsed_text_ects as te on te.raw = l.description
    left join seed_parsed_eqf as q on q.raw = l.eqf_text
    left join seed_parsed_level_eqf as le on le.raw = l.level_text
    left join seed_parsed_audience as au on au.raw = l.level_text
    left join seed_parsed_participation as pa on pa.raw = l.participation_text
    left join seed_parsed_pacing as pc on pc.raw = l.pacing_text
    left join seed_parsed_assessment as a on a.raw = l.assessment_text
    left join seed_parsed_criteria_assessment as ca on ca.raw = l.criteria_text
    left join seed_parsed_supervision as sv on sv.raw = l.supervision_text
    left join seed_parsed_assessment_supervision as asv on asv.raw = l.assessment_text
    left join seed_parsed_criteria_supervision as csv on csv.raw = l.criteria_text
    left join seed_parsed_quality_assurance as qa on qa.raw = l.quality_assurance_text
    left join seed_parsed_recognition as r on r.raw = l.recognition::varchar
),

final as (
    select
        j.* exclude (
            organisation, issuer_country, ects_estimate, ects_estimate_rule, organisation_name, issuer_country_code,
            organisation_country, credits_ects, credits_ects_stated, credits_ects_rule, credits_hours,
            credits_hours_stated, credits_hours_rule, text_ects, text_ects_hours, text_ects_hours_rule,
            eqf_text_level, eqf_text_stated, eqf_text_rule, eqf_text_framework, level_eqf, level_eqf_stated,
            level_eqf_rule, level_eqf_framework, assessment_stated, assessment_stated_values, criteria_assessment,
            criteria_assessment_values, supervision_stated, assessment_supervision, criteria_supervision,
            quality_assurance_stated, recognition_bodies, recognition_quality_assurance, recognition_rule
        ),
        coalesce(j.organisation_name, j.organisation) as organisation,
        j.organisation as organisation_raw,
        coalesce(j.issuer_country_code, j.organisation_country) as issuer_country,
        j.issuer_country as issuer_country_text,
        -- ECTS: stated in credits_text, else stated in the description, else converted from stated SCQF/UK
        -- credits, else estimated from the workload (never from calendar length)
        case when j.credits_ects_stated then j.credits_ects
             when j.text_ects is not null then j.text_ects
             else coalesce(j.credits_ects, j.ects_estimate) end as ects,
        case when j.credits_ects_stated or j.text_ects is not null then 'stated'
             when coalesce(j.credits_ects, j.ects_estimate) is not null then 'derived' end as ects_provenance,
        case when j.credits_ects_stated then 'credits_text'
             when j.text_ects is not null then 'description'
             when j.credits_ects is not null then j.credits_ects_rule
             else j.ects_estimate_rule end as ects_rule,
        not (coalesce(j.credits_ects_stated, false) or j.text_ects is not null)
            and coalesce(j.credits_ects, j.ects_estimate) is not null as ects_estimated,
        -- workload: hours the duration states, else hours the credits state or imply, else hours from stated ECTS
        coalesce(j.duration_hours, j.credits_hours, j.text_ects_hours) as workload_hours,
        case when j.duration_hours is not null then j.duration_rule
             when j.credits_hours is not null then 'credits_text: ' || j.credits_hours_rule
             when j.text_ects_hours is not null then 'description: ' || j.text_ects_hours_rule end as workload_rule,
        case when j.duration_hours is not null then
                  case when j.duration_rule = 'stated_hours' and not j.duration_estimated then 'stated' else 'derived' end
             when j.credits_hours is not null then case when j.credits_hours_stated then 'stated' else 'derived' end
             when j.text_ects_hours is not null then 'derived' end as workload_provenance,
        -- level: an EQF level stated (eqf_text, then level_text) wins over a national framework / CTDL mapping
        case when j.eqf_text_stated then j.eqf_text_level when j.level_eqf_stated then j.level_eqf
             else coalesce(j.eqf_text_level, j.level_eqf) end as eqf_level,
        case when j.eqf_text_stated or j.level_eqf_stated then 'stated'
             when coalesce(j.eqf_text_level, j.level_eqf) is not null then 'derived' end as eqf_provenance,
        case when j.eqf_text_stated then 'eqf_text' when j.level_eqf_stated then 'level_text'
             when j.eqf_text_level is not null then 'eqf_text: ' || j.eqf_text_rule
             when j.level_eqf is not null then 'level_text: ' || j.level_eqf_rule end as eqf_rule,
        coalesce(j.eqf_text_framework, j.level_eqf_framework) as level_framework,
        coalesce(j.assessment_stated, j.criteria_assessment) as assessment_type,
        coalesce(j.assessment_stated_values, j.criteria_assessment_values) as assessment_types,
        case when j.assessment_stated is not null then 'assessment_text'
             when j.criteria_assessment is not null then 'criteria_text' end as assessment_source,
        coalesce(j.supervision_stated, j.assessment_supervision, j.criteria_supervision) as supervision,
        case when j.supervision_stated is not null then 'supervision_text'
             when j.assessment_supervision is not null then 'assessment_text'
             when j.criteria_supervision is not null then 'criteria_text' end as supervision_source,
        coalesce(j.supervision_stated, j.assessment_supervision, j.criteria_supervision)
            in ('supervised_with_id', 'supervised_no_id') as supervised,
        coalesce(j.supervision_stated, j.assessment_supervision, j.criteria_supervision)
            = 'supervised_with_id' as identity_verified,
        j.recognition_bodies as recognised_by,
        coalesce(j.quality_assurance_stated, j.recognition_quality_assurance) as quality_assurance,
        case when j.quality_assurance_stated is not null then 'stated'
             when j.recognition_quality_assurance is not null then 'derived' end as quality_assurance_provenance,
        case when j.quality_assurance_stated is not null then 'quality_assurance_text'
             else j.recognition_rule end as quality_assurance_rule,
        case when len(j.part_of) + len(j.has_part) + len(j.prepares_for) + len(j.prepared_by) > 0
             then 'stackable' else 'stand_alone' end as stackability
    from joined as j
)

select * from final
union all by name
select * from reused
