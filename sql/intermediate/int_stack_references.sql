-- Every stacking reference between listings, stated from either end: a parent's has_part and a child's
-- part_of are the same fact. Unresolved references (to listings not in the catalogue) are kept, flagged.
with listings as (
    select * from int_listings_normalised
),

stated as (
    select uid as child, unnest(part_of) as parent, 'part_of' as relation, 'child' as stated_by from listings
    union all
    select unnest(has_part) as child, uid as parent, 'part_of', 'parent' from listings
    union all
    select uid, unnest(prepares_for), 'prepares_for', 'child' from listings
    union all
    select unnest(prepared_by), uid, 'prepares_for', 'parent' from listings
),

final as (
    select
        child,
        parent,
        relation,
        list_sort(list_distinct(list(stated_by))) as stated_by,
        child in (select uid from listings) and parent in (select uid from listings) as resolved
    from stated
    group by all
)

select * from final
