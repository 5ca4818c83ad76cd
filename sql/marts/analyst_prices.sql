-- materialized: view (analyst view over the marts)
-- Price (primary offer, cost_amount) distribution per currency: free, price buckets and `unknown` (no price
-- stated), with min, median and max; amounts are in their own currency, never converted here.
with b as (
    select coalesce(cost_currency, case when cost_amount = 0 then 'free' else 'unknown' end) as currency, cost_amount,
           case when cost_amount is null then 'unknown' when cost_amount = 0 then 'free'
                when cost_amount < 50 then '<50' when cost_amount < 100 then '50-100'
                when cost_amount < 250 then '100-250' when cost_amount < 500 then '250-500'
                when cost_amount < 1000 then '500-1000' else '1000+' end as bucket,
           case when cost_amount is null then 99 when cost_amount = 0 then 0 when cost_amount < 50 then 1
                when cost_amount < 100 then 2 when cost_amount < 250 then 3 when cost_amount < 500 then 4
                when cost_amount < 1000 then 5 else 6 end as bucket_order
    from credentials
)
select currency, bucket, bucket_order, count(*) as credentials,
       min(cost_amount) as min_amount, median(cost_amount) as median_amount, max(cost_amount) as max_amount
from b group by all order by currency, bucket_order
