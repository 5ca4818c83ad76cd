-- The published catalogue: one row per credential. Listings the matcher found to be the same offering
-- (duplicates) are merged; each keeps a row in credential_sources. Survivorship (docs/deduplication.md):
-- the primary member (most fields filled, then latest fetched, then smallest uid) gives every single-valued
-- field, except the description (the longest among members), the duration (the primary's, else the members'
-- median), first_seen (the earliest) and last_seen (the latest); skills and stacking references are the union
-- over members, with references to merged listings pointed at their credential.
-- `not materialized`: a CTE read four times is otherwise materialised whole (every column of every listing),
-- and the ranking window then sorts those wide rows; inlined, each reader scans only the columns it uses
with members as not materialized (
    select l.*, c.credential_uid
    from listings as l
    join seed_clusters as c using (uid)
),

-- the ranking reads only the columns it orders by; the primary's wide row is joined back once
ranked as (
    select
        uid,
        row_number() over (
            partition by credential_uid
            order by ((description is not null)::int + (organisation is not null)::int + (level is not null)::int
                      + (language is not null)::int + (duration_hours is not null)::int
                      + (cost_kind is not null)::int + len(skills)) desc,
                     fetched_at desc, uid
        ) as member_rank
    from members
),

primary_member as (
    select m.* from members as m join ranked as r using (uid) where r.member_rank = 1
),

member_facts as (
    select
        credential_uid,
        count(*) as member_count,
        list_sort(list(uid)) as member_uids,
        list_sort(list_distinct(flatten(list(skills)))) as skills,
        arg_max(description, (length(description), description)) as description,  -- the longest; ties by text
        median(duration_hours) as median_hours,
        min(first_seen) as first_seen,
        max(last_seen) as last_seen
    from members
    group by credential_uid
),

stated_refs as (
    select credential_uid, 'part_of' as rel, unnest(part_of) as ref from members
    union all
    select credential_uid, 'has_part', unnest(has_part) from members
    union all
    select credential_uid, 'prepares_for', unnest(prepares_for) from members
    union all
    select credential_uid, 'prepared_by', unnest(prepared_by) from members
),

refs as (
    select r.credential_uid, r.rel, coalesce(c.credential_uid, r.ref) as ref
    from stated_refs as r
    left join seed_clusters as c on c.uid = r.ref
),

ref_lists as (
    select
        credential_uid,
        list_sort(list_distinct(list(ref) filter (where rel = 'part_of'))) as part_of,
        list_sort(list_distinct(list(ref) filter (where rel = 'has_part'))) as has_part,
        list_sort(list_distinct(list(ref) filter (where rel = 'prepares_for'))) as prepares_for,
        list_sort(list_distinct(list(ref) filter (where rel = 'prepared_by'))) as prepared_by
    from refs
    where ref <> credential_uid
    group by credential_uid
),

final as (
    select
        p.* exclude (credential_uid) replace (
            p.credential_uid as uid,
            coalesce(f.description, p.description) as description,
            coalesce(p.duration_hours, f.median_hours) as duration_hours,
            f.skills as skills,
            coalesce(r.part_of, []) as part_of,
            coalesce(r.has_part, []) as has_part,
            coalesce(r.prepares_for, []) as prepares_for,
            coalesce(r.prepared_by, []) as prepared_by,
            f.first_seen as first_seen,
            f.last_seen as last_seen
        ),
        p.uid as primary_uid,
        f.member_count,
        f.member_uids
    from primary_member as p
    join member_facts as f using (credential_uid)
    left join ref_lists as r using (credential_uid)
)

select * from final order by source, uid
