-- Every destination with the ordered steps that lead to it, from two producers:
-- (1) CTDL pathway documents (int_ctdl_steps, built by the ctdl_pathways step): every component of the
--     pathway is a step (stages, courses that are not catalogue credentials, exit awards), with its stage,
--     whether it is required, the condition that decides it and whether it counts in the totals (chosen);
-- (2) the stacking graph for every other destination: walks int_pathway_requirements (required) and explicit
--     prepares_for / credit_towards edges (recommended) from the destination down, with a cycle guard (a
--     uid never repeats on its own path) and a depth cap. A step reached by several routes keeps its deepest
--     position, so prerequisites always come first.
-- Totals count each figure once (counted_hours / counted_cost): a container (reached through part_of)
-- whose own figure is stated and above zero covers its parts (their figures are inside it); a part of a
-- container without a figure counts itself. Unknown figures stay NULL and are never counted as 0.
with recursive
ctdl_destinations as (
    select distinct destination from int_ctdl_steps
),
req as (
    select parent, child, relation, condition_id, required_number, of_total, 'required' as requirement
    from int_pathway_requirements
    union all
    select parent, child, relation, null, null, null, 'recommended'
    from stack_edges
    where not inferred and relation in ('prepares_for', 'credit_towards')
),
destinations as (  -- a CTDL pathway and its destinations are published from their document (int_ctdl_steps)
    select distinct parent as uid from req
    where parent not in (select destination from ctdl_destinations)
      and parent not in (select pathway_uid from int_ctdl_steps)
),
walk(destination, uid, via_parent, relation, requirement, condition_id, required_number, of_total, depth, path,
     containers) as (
    select uid, uid, cast(null as varchar), 'destination', 'destination', cast(null as varchar),
        cast(null as integer), cast(null as bigint), 0, [uid], cast([] as varchar[])
    from destinations
    union all
    select w.destination, r.child, r.parent, r.relation,
        case when w.requirement = 'recommended' then 'recommended' else r.requirement end,
        r.condition_id, r.required_number, r.of_total, w.depth + 1, list_append(w.path, r.child),
        case when r.relation = 'part_of' then list_append(w.containers, r.parent) else cast([] as varchar[]) end
    from walk w
    join req r on r.parent = w.uid
    where not list_contains(w.path, r.child) and w.depth < 32
),
nodes as (
    select destination, uid,
        max(depth) as depth,
        -- the deepest route; among equally deep ones the first by parent, relation, condition (every build
        -- picks the same)
        arg_min(via_parent, (-depth, via_parent, relation, coalesce(condition_id, ''))) as via_parent,
        arg_min(relation, (-depth, via_parent, relation, coalesce(condition_id, ''))) as relation,
        arg_min(condition_id, (-depth, via_parent, relation, coalesce(condition_id, ''))) as condition_id,
        arg_min(required_number, (-depth, via_parent, relation, coalesce(condition_id, ''))) as required_number,
        arg_min(of_total, (-depth, via_parent, relation, coalesce(condition_id, ''))) as of_total,
        min(case requirement when 'destination' then 0 when 'required' then 1 else 2 end) as req_rank,
        list_sort(list_distinct(flatten(list(containers)))) as containers
    from walk
    group by destination, uid
),
figures as (
    select * from int_step_figures
),
enriched as (
    select n.*, c.title, c.credential_type, c.level, f.hours, f.cost, f.cost_currency, f.cost_basis,
        n.uid in (select uid from destinations) as has_stack
    from nodes n
    join credentials c on c.uid = n.uid
    left join figures f on f.uid = n.uid
),
containers_of as (
    select distinct destination, unnest(containers) as uid from enriched
),
covered as (
    select e.destination, e.uid,
        bool_or(f.hours > 0) as hours_covered,
        bool_or(f.cost > 0) as cost_covered
    from (select destination, uid, unnest(containers) as container from enriched) e
    join figures f on f.uid = e.container
    group by all
),
graph_steps as (
    select
        'pw:' || e.destination as pathway_id,
        cast(null as varchar) as pathway_uid,
        e.destination,
        e.uid,
        cast(null as varchar) as component_uid,
        e.title,
        e.credential_type,
        cast(null as varchar) as ctdl_type,
        e.level,
        e.via_parent,
        e.relation,
        case e.req_rank when 0 then 'destination' when 1 then 'required' else 'recommended' end as requirement,
        e.req_rank < 2 as required,
        true as chosen,
        e.condition_id,
        e.required_number::integer as required_number,
        e.of_total::integer as of_total,
        e.depth::integer as depth,
        cast(null as varchar) as stage,
        cast(null as integer) as stage_order,
        cast(null as varchar) as credits_text,
        e.hours,
        e.cost,
        e.cost_currency,
        e.cost_basis,
        e.hours is not null and not coalesce(cv.hours_covered, false) as counted_hours,
        e.cost is not null and not coalesce(cv.cost_covered, false) as counted_cost,
        -- a figure the total lacks: unknown, not inside a container that states one, not itself a container
        e.hours is null and not coalesce(cv.hours_covered, false)
            and (e.destination, e.uid) not in (select destination, uid from containers_of) as hours_missing,
        (e.cost is null or e.cost_basis = 'at_least') and not coalesce(cv.cost_covered, false)
            and (e.destination, e.uid) not in (select destination, uid from containers_of) as cost_missing,
        (e.uid <> e.destination and (e.has_stack or e.credential_type in
            ('certificate', 'certification', 'badge', 'micro_credential', 'applied_skill', 'degree_program')))
            as is_off_ramp,
        row_number() over (partition by e.destination order by e.depth desc, e.hours nulls last, e.uid)
            as step_no,
        'stack_graph' as origin
    from enriched e
    left join covered cv on cv.destination = e.destination and cv.uid = e.uid
),
ctdl_steps as (
    select
        s.pathway_id, s.pathway_uid, s.destination, s.uid, s.component_uid, s.title,
        coalesce(c.credential_type, s.credential_type) as credential_type, s.ctdl_type, c.level, s.via_parent,
        s.relation, s.requirement, s.required, s.chosen, s.condition_id, s.required_number, s.of_total, s.depth,
        s.stage, s.stage_order, s.credits_text, s.hours, s.cost, s.cost_currency, s.cost_basis,
        s.counted_hours, s.counted_cost, s.hours_missing, s.cost_missing, s.is_off_ramp,
        row_number() over (partition by s.pathway_id order by s.order_no, s.component_uid) as step_no,
        'ctdl_pathway' as origin
    from int_ctdl_steps s
    left join credentials c on c.uid = s.uid
),
unioned as (
    select * from graph_steps
    union all by name
    select * from ctdl_steps
),
final as (
    select
        pathway_id,
        destination,
        step_no::integer as step_no,
        uid,
        title,
        credential_type,
        level,
        via_parent,
        relation,
        requirement,
        condition_id,
        required_number,
        of_total,
        depth,
        hours,
        cost,
        cost_currency,
        sum(case when counted_hours then hours end) over w as cumulative_hours,
        sum(case when counted_cost then cost end) over w as cumulative_cost,
        is_off_ramp,
        pathway_uid,
        component_uid,
        ctdl_type,
        required,
        chosen,
        stage,
        stage_order,
        credits_text,
        cost_basis,
        counted_hours,
        counted_cost,
        hours_missing,
        cost_missing,
        origin
    from unioned
    window w as (partition by pathway_id order by step_no rows between unbounded preceding and current row)
)
select * from final order by pathway_id, step_no
