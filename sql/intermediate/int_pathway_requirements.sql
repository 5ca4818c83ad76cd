-- What each credential needs, after choosing within its conditions. Every part_of / requires child that no
-- condition names is needed. With CTDL conditions: a leaf condition "N of M" keeps its N cheapest targets
-- (by duration_hours, then uid); sub-conditions under an OR group keep only the cheapest alternative; top-level
-- conditions (and AND groups) all apply. Cheapest is judged on each target's own hours, unknown hours after
-- every known one (unknown is never free), then uid (a local choice: the planner optimises whole stacks).
with req_edges as (
    select child, parent, relation from stack_edges
    where not inferred and relation in ('part_of', 'requires')
),
hours as (
    select uid, duration_hours as h from credentials
),
leaves as (
    select parent, condition_id, parent_condition_id, required_number, unnest(targets) as child
    from stack_conditions where len(targets) > 0
),
leaf_ranked as (
    select l.*,
        row_number() over (partition by l.parent, l.condition_id order by h.h nulls last, l.child) as rn,
        count(*) over (partition by l.parent, l.condition_id) as of_total
    from leaves l
    join credentials c on c.uid = l.child
    left join hours h on h.uid = l.child
),
leaf_chosen as (
    select * from leaf_ranked where rn <= coalesce(required_number, of_total)
),
leaf_cost as (
    select lc.parent, lc.condition_id, lc.parent_condition_id,
        coalesce(sum(h.h), 0) + case when count(*) filter (where h.h is null) > 0 then 1e12 else 0 end as cost
    from leaf_chosen lc left join hours h on h.uid = lc.child
    group by all
),
or_groups as (
    select parent, condition_id from stack_conditions where logical_operator = 'OR'
),
or_pick as (
    select lc.parent, lc.condition_id,
        row_number() over (partition by lc.parent, lc.parent_condition_id order by lc.cost, lc.condition_id) as pick
    from leaf_cost lc
    join or_groups g on g.parent = lc.parent and g.condition_id = lc.parent_condition_id
),
kept as (
    select lc.parent, lc.condition_id from leaf_cost lc
    where not exists (
        select 1 from or_groups g where g.parent = lc.parent and g.condition_id = lc.parent_condition_id
    )
    union all
    select parent, condition_id from or_pick where pick = 1
),
conditioned as (
    select lc.parent, lc.child, lc.condition_id, lc.required_number, lc.of_total
    from leaf_chosen lc join kept k on k.parent = lc.parent and k.condition_id = lc.condition_id
),
unconditioned as (
    select e.parent, e.child, cast(null as varchar) as condition_id,
        cast(null as integer) as required_number, cast(null as bigint) as of_total
    from req_edges e
    -- a child no condition of its parent names is required by membership; a condition without targets (only
    -- constraints) never wipes the parent's other requirements
    where not exists (
        select 1 from stack_conditions s where s.parent = e.parent and list_contains(s.targets, e.child)
    )
),
final as (
    select c.parent, c.child, coalesce(e.relation, 'requires') as relation,
        c.condition_id, c.required_number::integer as required_number, c.of_total
    from conditioned c
    left join req_edges e on e.parent = c.parent and e.child = c.child
    qualify row_number() over (partition by c.parent, c.child order by c.condition_id) = 1
    union all
    select parent, child, (select relation from req_edges r where r.parent = u.parent and r.child = u.child limit 1),
        condition_id, required_number, of_total
    from unconditioned u
)
select * from final
