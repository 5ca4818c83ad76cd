-- What one credential adds to a pathway total: its hours as published, and its cost to earn. A subscription
-- costs its price times the periods its calendar length spans (rounded up; an average month is 365.25/12
-- days); without a calendar length it costs at least one period (cost_basis 'at_least'). Unknown stays NULL
-- ('unknown'), never 0.
with periods as (
    select uid, duration_hours, cost_amount, cost_currency, cost_kind, cost_period, length_weeks,
        case cost_period when 'week' then 1.0 when 'month' then 365.25 / 12 / 7 when 'year' then 365.25 / 7 end
            as weeks_per_period
    from credentials
),
final as (
    select
        uid,
        duration_hours as hours,
        case
            when cost_amount is null then null
            when cost_kind = 'subscription' and weeks_per_period is not null and length_weeks is not null
                then cost_amount * greatest(1, ceil(length_weeks / weeks_per_period - 1e-9))
            else cost_amount
        end as cost,
        cost_currency,
        case
            when cost_amount is null then 'unknown'
            when cost_kind = 'subscription' and weeks_per_period is not null and length_weeks is null then 'at_least'
            else 'exact'
        end as cost_basis,
        case
            when cost_kind = 'subscription' and weeks_per_period is not null and length_weeks is not null
                then greatest(1, ceil(length_weeks / weeks_per_period - 1e-9))::integer
        end as periods
    from periods
)
select * from final
