-- One row per destination: the stack that leads to it, its totals and its off-ramps (intermediate
-- credentials a learner can stop at and still hold something), so one pathway has several exits.
with steps as (
    select * from pathway_steps
),
lvl as (
    select *, case level when 'beginner' then 1 when 'intermediate' then 2 when 'advanced' then 3 end as lvl_rank
    from steps
),
final as (
    select
        pathway_id,
        destination,
        any_value(title) filter (where uid = destination) as title,
        any_value(credential_type) filter (where uid = destination) as destination_type,
        count(*)::integer as steps,
        count(*) filter (where requirement = 'required')::integer as required_steps,
        sum(coalesce(hours, 0)) as total_hours,
        sum(coalesce(hours, 0)) filter (where requirement <> 'recommended') as required_hours,
        sum(coalesce(cost, 0)) as total_cost,
        case when count(distinct cost_currency) filter (where cost > 0) <= 1
             then any_value(cost_currency) filter (where cost > 0) else 'MIXED' end as cost_currency,
        count(*) filter (where hours is null)::integer as steps_without_hours,
        max(depth)::integer as max_depth,
        coalesce(list(uid order by step_no) filter (where is_off_ramp), []) as off_ramps,
        case min(lvl_rank) when 1 then 'beginner' when 2 then 'intermediate' when 3 then 'advanced' end
            as entry_level,
        min(lvl_rank) as entry_level_rank
    from lvl
    group by pathway_id, destination
)
select * from final order by destination
