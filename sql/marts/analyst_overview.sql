-- materialized: view (analyst view over the marts)
-- The catalogue in one row: how many credentials, listings, providers, organisations, skills and pathways,
-- how much of it states a workload or a price, and when it was first and last seen.
select
    (select count(*) from credentials) as credentials,
    (select count(*) from listings) as listings,
    (select count(distinct source) from listings) as providers,
    (select count(*) from organisations) as organisations,
    (select count(*) from quarantine) as quarantined,
    (select count(distinct skill_id) from credential_skills where skill_id is not null) as skills_mapped,
    (select count(*) from pathways) as pathways,
    (select round(avg((duration_hours is not null)::int), 3) from credentials) as share_with_hours,
    (select round(avg((cost_amount is not null)::int), 3) from credentials) as share_with_price,
    (select round(avg((cost_amount = 0)::int), 3) from credentials) as share_free,
    (select min(first_seen) from credentials) as first_seen,
    (select max(last_seen) from credentials) as last_seen
