-- Inferred "prepares_for" edges: A prepares for B when most of A's skills are also B's skills and A sits at a
-- lower level. confidence = overlap coefficient |A∩B| / |A| scaled by 0.8 (never as sure as a stated edge).
-- Pairs already joined by an explicit edge (either direction) are skipped; each child keeps its best 5.
with levels as (
    select uid, credential_type,
        case level when 'beginner' then 1 when 'intermediate' then 2 when 'advanced' then 3 else null end as lvl
    from credentials
),
keys as (
    select distinct uid, skill_key from credential_skills where skill_key is not null
),
sizes as (
    select uid, count(*) as n from keys group by uid
),
pairs as (
    select a.uid as child, b.uid as parent, count(*) as shared
    from keys a join keys b on a.skill_key = b.skill_key and a.uid <> b.uid
    group by 1, 2
),
scored as (
    select
        p.child, p.parent, p.shared, s.n as child_skills,
        p.shared / s.n as overlap,
        la.lvl as child_level, lb.lvl as parent_level
    from pairs p
    join sizes s on s.uid = p.child
    join levels la on la.uid = p.child
    join levels lb on lb.uid = p.parent
    where la.lvl is not null and lb.lvl is not null and la.lvl < lb.lvl
      and p.shared >= 2 and p.shared / s.n >= 0.5
),
not_explicit as (
    select s.* from scored s
    where not exists (
        select 1 from int_stack_edges_explicit e
        where (e.child = s.child and e.parent = s.parent) or (e.child = s.parent and e.parent = s.child)
    )
),
ranked as (
    select *, row_number() over (partition by child order by overlap desc, shared desc, parent) as rn
    from not_explicit
),
final as (
    select
        child, parent, 'prepares_for' as relation,
        printf('skill overlap %d/%d (%.2f); level %d < %d', shared, child_skills, overlap, child_level, parent_level)
            as evidence,
        'inferred' as source,
        true as inferred,
        round(0.8 * overlap, 4) as confidence
    from ranked where rn <= 5
)
select * from final
