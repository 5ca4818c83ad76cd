-- materialized: view (analyst view over the marts)
-- Data quality per provider: listings, quarantined records and their share, and the share of listings that
-- fill each field a learner compares by; completeness is the mean of those shares.
with q as (select source, count(*) as quarantined from quarantine group by source),
l as (
    select source, count(*) as listings,
           avg((nullif(trim(description), '') is not null)::int) as description,
           avg((duration_hours is not null)::int) as workload,
           avg((cost_amount is not null)::int) as price,
           avg((level is not null)::int) as level,
           avg((language is not null)::int) as language,
           avg((len(skills) > 0)::int) as skills,
           avg((len(learning_outcomes) > 0)::int) as outcomes,
           avg((organisation is not null)::int) as organisation
    from listings group by source
)
select coalesce(l.source, q.source) as source, coalesce(l.listings, 0) as listings,
       coalesce(q.quarantined, 0) as quarantined,
       round(coalesce(q.quarantined, 0) / (coalesce(l.listings, 0) + coalesce(q.quarantined, 0)), 3) as quarantine_share,
       round(l.description, 3) as description, round(l.workload, 3) as workload, round(l.price, 3) as price,
       round(l.level, 3) as level, round(l.language, 3) as language, round(l.skills, 3) as skills,
       round(l.outcomes, 3) as outcomes, round(l.organisation, 3) as organisation,
       round((l.description + l.workload + l.price + l.level + l.language + l.skills + l.outcomes + l.organisation) / 8, 3)
           as completeness
from l full join q on q.source = l.source
order by source
