-- materialized: view (analyst view over the marts)
-- Workload (duration_hours) distribution per credential type: bucket counts with min, median and max;
-- `unknown` counts the credentials that state no workload.
with b as (
    select credential_type, duration_hours,
           case when duration_hours is null then 'unknown'
                when duration_hours < 1 then '<1 h' when duration_hours < 5 then '1-5 h'
                when duration_hours < 10 then '5-10 h' when duration_hours < 25 then '10-25 h'
                when duration_hours < 50 then '25-50 h' when duration_hours < 100 then '50-100 h'
                when duration_hours < 250 then '100-250 h' else '250+ h' end as bucket,
           case when duration_hours is null then 99 when duration_hours < 1 then 1 when duration_hours < 5 then 2
                when duration_hours < 10 then 3 when duration_hours < 25 then 4 when duration_hours < 50 then 5
                when duration_hours < 100 then 6 when duration_hours < 250 then 7 else 8 end as bucket_order
    from credentials
)
select credential_type, bucket, bucket_order, count(*) as credentials,
       min(duration_hours) as min_hours, median(duration_hours) as median_hours, max(duration_hours) as max_hours
from b group by all order by credential_type, bucket_order
