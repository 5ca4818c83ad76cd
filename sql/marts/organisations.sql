-- Awarding bodies after alias resolution: one row per canonical organisation, with the spellings seen.
select
    organisation,
    any_value(organisation_key) as organisation_key,
    any_value(issuer_country) filter (where issuer_country is not null) as issuer_country,
    list_sort(list_distinct(list(organisation_raw))) as aliases_seen,
    list_sort(list_distinct(list(source))) as sources,
    count(*) as listings
from listings
where organisation is not null
group by organisation
order by listings desc, organisation
