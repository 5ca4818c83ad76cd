-- One narrow row per credential for `credentials` (sql/marts/credentials.sql, which says what each fact is):
-- its primary member, member count and, for a merged credential, the facts aggregated over its members
-- (NULL for a one-member credential, whose facts are its member's own). A table of its own, so that the
-- credentials' one wide join and sort run without these aggregates' and the ranking's memory (issue 16: a
-- single statement failed under the cap where both halves pass).
-- No aggregate keeps a state that cannot spill (a list of lists, arg_max over a (length, text) pair: "Out of
-- Memory" at 1M under 1500MB): the skills are unnested first, the longest description is the largest text of
-- the longest length. The ranking reads only the columns it orders by.
-- `not materialized`: a CTE read several times is otherwise materialised whole
with members as not materialized (
    select l.*, c.credential_uid
    from listings as l
    join seed_clusters as c using (uid)
),

sizes as not materialized (
    select credential_uid, count(*) as member_count from members group by credential_uid
),

primary_member as (
    select credential_uid, uid as primary_uid
    from members
    qualify row_number() over (
        partition by credential_uid
        order by ((description is not null)::int + (organisation is not null)::int + (level is not null)::int
                  + (language is not null)::int + (duration_hours is not null)::int
                  + (cost_kind is not null)::int + len(skills)) desc,
                 fetched_at desc, uid
    ) = 1
),

merged as not materialized (
    select m.* from members as m semi join sizes as s on s.credential_uid = m.credential_uid and s.member_count > 1
),

member_facts as not materialized (
    select
        credential_uid,
        list_sort(list(uid)) as member_uids,
        max(length(description)) as description_length,
        median(duration_hours) as median_hours,
        min(first_seen) as first_seen,
        max(last_seen) as last_seen
    from merged
    group by credential_uid
),

-- the longest description; ties by text
longest_description as (
    select m.credential_uid, max(m.description) as description
    from merged as m
    join member_facts as f on f.credential_uid = m.credential_uid and length(m.description) = f.description_length
    group by m.credential_uid
),

member_skills as (
    select credential_uid, list_sort(list_distinct(list(skill))) as skills
    from (select credential_uid, unnest(skills) as skill from merged)
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
        pm.primary_uid, pm.credential_uid, z.member_count, f.member_uids, f.median_hours, f.first_seen, f.last_seen,
        d.description, coalesce(s.skills, []) as skills, r.part_of, r.has_part, r.prepares_for, r.prepared_by
    from primary_member as pm
    join sizes as z on z.credential_uid = pm.credential_uid
    left join member_facts as f on f.credential_uid = pm.credential_uid
    left join longest_description as d on d.credential_uid = pm.credential_uid
    left join member_skills as s on s.credential_uid = pm.credential_uid
    left join ref_lists as r on r.credential_uid = pm.credential_uid
)

select * from final
