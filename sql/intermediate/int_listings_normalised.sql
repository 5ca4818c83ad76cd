-- Every listing with its raw texts parsed into controlled values (lookup tables built by
-- pipeline.normalise.lookups from the distinct raw values). A value the source states in structured form wins;
-- otherwise the parsed text fills it. The raw text stays beside every parsed value.
with listings as (
    select * from int_listings
),

final as (
    select
        l.* exclude (duration_hours, level, language, cost_kind, cost_amount, cost_currency, organisation, issuer_country),
        coalesce(l.duration_hours, d.duration_hours) as duration_hours,
        case when l.duration_hours is null and d.duration_hours is not null then d.duration_estimated
             when l.duration_hours is not null then false end as duration_estimated,
        coalesce(l.level, lv.level) as level,
        coalesce(lang.language, l.language) as language,
        coalesce(p.cost_kind, l.cost_kind) as cost_kind,
        coalesce(p.cost_amount, l.cost_amount) as cost_amount,
        coalesce(p.cost_currency, l.cost_currency) as cost_currency,
        p.cost_period,
        coalesce(p.cost_offers,
                 case when l.cost_kind is not null or l.cost_amount is not null then to_json([{
                     'kind': l.cost_kind, 'amount': l.cost_amount, 'currency': l.cost_currency, 'period': null}])
                 end) as cost_offers,
        coalesce(o.organisation_name, l.organisation) as organisation,
        l.organisation as organisation_raw,
        o.organisation_key,
        coalesce(c.issuer_country, o.organisation_country) as issuer_country,
        l.issuer_country as issuer_country_text,
        coalesce(e.ects_stated, round(coalesce(l.duration_hours, d.duration_hours) / 30, 2)) as ects,
        case when e.ects_stated is not null then false
             when coalesce(l.duration_hours, d.duration_hours) is not null then true end as ects_estimated,
        q.eqf_level,
        pa.participation,
        pc.pacing,
        a.assessment as assessment_type,
        sv.supervision,
        qa.quality_assurance,
        case when len(l.part_of) + len(l.has_part) + len(l.prepares_for) + len(l.prepared_by) > 0
             then 'stackable' else 'stand_alone' end as stackability
    from listings as l
    left join seed_parsed_duration as d on d.raw = l.duration_text
    left join seed_parsed_level as lv on lv.raw = coalesce(l.level_text, l.level)
    left join seed_parsed_language as lang on lang.raw = coalesce(l.language_text, l.language)
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
