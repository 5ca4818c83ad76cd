-- materialized: view (analyst view over the marts)
-- Credentials counted by provider, credential type, level and language: one row per (dimension, value);
-- a credential listed by two providers counts once for each. NULL values are counted as `unknown`.
select 'provider' as dimension, source as value, count(distinct credential_uid) as credentials
from credential_sources group by source
union all
select 'credential_type', coalesce(credential_type, 'unknown'), count(*) from credentials group by 2
union all
select 'level', coalesce(level, 'unknown'), count(*) from credentials group by 2
union all
select 'language', coalesce(language, 'unknown'), count(*) from credentials group by 2
order by dimension, credentials desc, value
