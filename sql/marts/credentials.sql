-- The published catalogue: one row per credential. Listings the matcher found to be the same offering
-- (duplicates) are merged; each keeps a row in credential_sources. Survivorship (docs/deduplication.md):
-- the primary member (most fields filled, then latest fetched, then smallest uid) gives every single-valued
-- field, except the description (the longest among members), the duration (the primary's, else the members'
-- median), first_seen (the earliest) and last_seen (the latest); skills and stacking references are the union
-- over members, with references to merged listings pointed at their credential.
-- Memory (issue 16): the ranking and the aggregates are int_credential_facts' (one narrow row per credential);
-- here the primary's wide row is joined to it once and sorted, and every operator spills beyond the DuckDB cap.
with facts as (
    select * from int_credential_facts
),

final as (
    select
        p.* replace (
            x.credential_uid as uid,
            coalesce(x.description, p.description) as description,
            coalesce(p.duration_hours, x.median_hours) as duration_hours,
            case when x.member_count > 1 then x.skills else list_sort(list_distinct(p.skills)) end as skills,
            coalesce(x.part_of, []) as part_of,
            coalesce(x.has_part, []) as has_part,
            coalesce(x.prepares_for, []) as prepares_for,
            coalesce(x.prepared_by, []) as prepared_by,
            case when x.member_count > 1 then x.first_seen else p.first_seen end as first_seen,
            case when x.member_count > 1 then x.last_seen else p.last_seen end as last_seen
        ),
        p.uid as primary_uid,
        x.member_count,
        case when x.member_count > 1 then x.member_uids else [p.uid] end as member_uids
    from listings as p
    join facts as x on x.primary_uid = p.uid
)

select * from final order by source, uid
