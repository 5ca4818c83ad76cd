-- One row per destination: the stack that leads to it, its totals and its off-ramps (intermediate
-- credentials a learner can stop at and still hold something), so one pathway has several exits.
-- Totals add the figures pathway_steps marks counted (each container once; N-of-M: the chosen N) and say
-- how sure they are: 'exact' when every counted-in step has a known figure, 'at_least' when some are
-- unknown (the total is then a lower bound, never a total with unknowns as 0), 'unknown' when none is known.
-- Costs are added only within one currency: with several, total_cost is NULL, cost_currency 'MIXED' and
-- costs_by_currency lists each currency's sum (conversion is the credibility lane's price_to_earn).
with steps as (
    select *,
        case level when 'beginner' then 1 when 'intermediate' then 2 when 'advanced' then 3 end as lvl_rank
    from pathway_steps
),
currencies as (
    select pathway_id, destination, cost_currency, sum(cost) as amount
    from steps where counted_cost and cost_currency is not null
    group by all
),
by_currency as (  -- a free step (0) has no currency to mix: only priced currencies count as several
    select pathway_id, destination,
        count(*) filter (where amount > 0) as n_currencies,
        string_agg(cost_currency || ' ' || round(amount, 2)::varchar, '; ' order by cost_currency)
            filter (where amount > 0) as costs_by_currency,
        coalesce(min(cost_currency) filter (where amount > 0), min(cost_currency)) as only_currency
    from currencies group by all
),
final as (
    select
        s.pathway_id,
        s.destination,
        any_value(s.title) filter (where s.uid = s.destination) as title,
        any_value(s.credential_type) filter (where s.uid = s.destination) as destination_type,
        count(*)::integer as steps,
        count(*) filter (where s.requirement = 'required')::integer as required_steps,
        sum(s.hours) filter (where s.counted_hours) as total_hours,
        sum(s.hours) filter (where s.counted_hours and s.requirement <> 'recommended') as required_hours,
        case when any_value(b.n_currencies) > 1 then null
             else coalesce(sum(s.cost) filter (where s.counted_cost), case when count(*) filter
                  (where s.counted_cost) > 0 then 0 end) end as total_cost,
        case when any_value(b.n_currencies) > 1 then 'MIXED' else any_value(b.only_currency) end as cost_currency,
        count(*) filter (where s.hours is null)::integer as steps_without_hours,
        max(s.depth)::integer as max_depth,
        coalesce(list(s.uid order by s.step_no) filter (where s.is_off_ramp), []) as off_ramps,
        case min(s.lvl_rank) when 1 then 'beginner' when 2 then 'intermediate' when 3 then 'advanced' end
            as entry_level,
        min(s.lvl_rank) as entry_level_rank,
        any_value(s.pathway_uid) as pathway_uid,
        case when count(*) filter (where s.counted_hours) = 0 then 'unknown'
             when bool_or(s.hours_missing) then 'at_least' else 'exact' end as total_hours_basis,
        case when count(*) filter (where s.counted_cost) = 0 then 'unknown'
             when bool_or(s.cost_missing) or any_value(b.n_currencies) > 1 then 'at_least'
             else 'exact' end as total_cost_basis,
        any_value(b.costs_by_currency) as costs_by_currency,
        count(distinct s.stage)::integer as stages,
        count(*) filter (where s.chosen)::integer as chosen_steps
    from steps s
    left join by_currency b on b.pathway_id = s.pathway_id and b.destination = s.destination
    group by s.pathway_id, s.destination
)
select * from final order by destination, pathway_id
