-- Every destination credential (anything other credentials stack into) with the ordered steps that lead to
-- it. Walks int_pathway_requirements (required) and explicit prepares_for / credit_towards edges
-- (recommended) from the destination down, with a cycle guard (a uid never repeats on its own path) and a
-- depth cap. A step reached by several routes keeps its deepest position, so prerequisites always come first.
with recursive
req as (
    select parent, child, relation, condition_id, required_number, of_total, 'required' as requirement
    from int_pathway_requirements
    union all
    select parent, child, relation, null, null, null, 'recommended'
    from stack_edges
    where not inferred and relation in ('prepares_for', 'credit_towards')
),
destinations as (
    select distinct parent as uid from req
),
walk(destination, uid, via_parent, relation, requirement, condition_id, required_number, of_total, depth, path) as (
    select uid, uid, cast(null as varchar), 'destination', 'destination', cast(null as varchar),
        cast(null as integer), cast(null as bigint), 0, [uid]
    from destinations
    union all
    select w.destination, r.child, r.parent, r.relation,
        case when w.requirement = 'recommended' then 'recommended' else r.requirement end,
        r.condition_id, r.required_number, r.of_total, w.depth + 1, list_append(w.path, r.child)
    from walk w
    join req r on r.parent = w.uid
    where not list_contains(w.path, r.child) and w.depth < 32
),
nodes as (
    select destination, uid,
        max(depth) as depth,
        -- the deepest route; among equally deep ones the first by parent, so every build picks the same
        arg_min(via_parent, (-depth, via_parent, relation, condition_id)) as via_parent,
        arg_min(relation, (-depth, via_parent, relation, condition_id)) as relation,
        arg_min(condition_id, (-depth, via_parent, relation, condition_id)) as condition_id,
        arg_min(required_number, (-depth, via_parent, relation, condition_id)) as required_number,
        arg_min(of_total, (-depth, via_parent, relation, condition_id)) as of_total,
        min(case requirement when 'destination' then 0 when 'required' then 1 else 2 end) as req_rank
    from walk
    group by destination, uid
),
enriched as (
    select n.*, c.title, c.credential_type, c.level, c.duration_hours, c.cost_amount, c.cost_currency,
        n.uid in (select uid from destinations) as has_stack
    from nodes n join credentials c on c.uid = n.uid
),
ordered as (
    select *,
        row_number() over (partition by destination order by depth desc, coalesce(duration_hours, 0), uid)
            as step_no
    from enriched
),
final as (
    select
        'pw:' || destination as pathway_id,
        destination,
        step_no::integer as step_no,
        uid,
        title,
        credential_type,
        level,
        via_parent,
        relation,
        case req_rank when 0 then 'destination' when 1 then 'required' else 'recommended' end as requirement,
        condition_id,
        required_number,
        of_total::integer as of_total,
        depth::integer as depth,
        duration_hours as hours,
        cost_amount as cost,
        cost_currency,
        sum(coalesce(duration_hours, 0)) over w as cumulative_hours,
        sum(coalesce(cost_amount, 0)) over w as cumulative_cost,
        (uid <> destination and (has_stack or credential_type in
            ('certificate', 'certification', 'badge', 'micro_credential', 'applied_skill', 'degree_program')))
            as is_off_ramp
    from ordered
    window w as (partition by destination order by step_no rows between unbounded preceding and current row)
)
select * from final order by destination, step_no
