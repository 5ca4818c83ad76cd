-- Inferred "prepares_for" edges: A prepares for B when most of A's skills are also B's skills and A sits at a
-- lower level. confidence = overlap coefficient |A∩B| / |A| scaled by 0.8 (never as sure as a stated edge).
-- Pairs already joined by an explicit edge (either direction) are skipped; each child keeps its best 5.
-- A skill held by more than 200 credentials is no stacking evidence (it is not shared, it still counts in the
-- child's n): so many credentials share it that it cannot say which of them one prepares for, and the best 5
-- among them would be picked by uid. The bound also keeps this join linear in the catalogue: a credential's
-- candidate parents are at most 200 per skill of its prefix (docs/skills_and_pathways.md).
with limits as (
    select 200 as max_skill_holders
),
levels as (
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
-- Prefix filtering (an exact set-similarity join): a pair passes only with shared >= t = max(2, ceil(n / 2))
-- of the child's n skills, so it shares at least one of the child's rarest evidence skills. Candidate
-- parents come from those skills alone, each held by at most max_skill_holders credentials, then the shared
-- count of each candidate pair is exact.
frequency as (
    select skill_key, count(*) as df from keys group by skill_key
),
evidence as (
    select k.uid, k.skill_key, f.df
    from keys k
    join frequency f using (skill_key)
    where f.df <= (select max_skill_holders from limits)
),
prefix as (
    select e.uid, e.skill_key
    from evidence e
    join sizes s using (uid)
    join levels l using (uid)
    where l.lvl is not null
    -- m evidence skills of the child: a pair sharing t of them shares one of its m - t + 1 rarest
    qualify row_number() over (partition by e.uid order by e.df, e.skill_key)
        <= count(*) over (partition by e.uid) - greatest(2, ceil(s.n / 2)) + 1
),
candidates as (
    select distinct p.uid as child, k.uid as parent
    from prefix p
    join evidence k on k.skill_key = p.skill_key and k.uid <> p.uid
    join levels la on la.uid = p.uid
    join levels lb on lb.uid = k.uid
    where la.lvl < lb.lvl
),
skill_sets as (
    select uid, list(skill_key) as skill_keys from evidence group by uid
),
pairs as (
    select c.child, c.parent, len(list_intersect(a.skill_keys, b.skill_keys)) as shared
    from candidates c
    join skill_sets a on a.uid = c.child
    join skill_sets b on b.uid = c.parent
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
