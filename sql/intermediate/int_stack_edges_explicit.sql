-- Explicit stacking edges stated by sources: the canonical references on every listing (part_of, has_part,
-- prepares_for) plus edges other parsers stated (CTDL conditions and hasChild, Open Badges alignments, CLR
-- relations) in stack_edges_external. An assessment that is part of a certification is a requirement of it.
with refs as (
    select uid as child, unnest(part_of) as parent, 'part_of' as relation, 'part_of' as evidence, source
    from credentials
    union all
    select unnest(has_part) as child, uid as parent, 'part_of', 'has_part', source
    from credentials
    union all
    select uid, unnest(prepares_for), 'prepares_for', 'prepares_for', source
    from credentials
),
external as (
    select child, parent, relation, evidence, source from stack_edges_external
),
unioned as (
    select * from refs
    union all
    select * from external
),
typed as (
    select
        u.child,
        u.parent,
        case
            when u.relation = 'part_of' and c.credential_type = 'assessment'
                 and p.credential_type in ('certification', 'certificate', 'applied_skill') then 'requires'
            else u.relation
        end as relation,
        u.evidence,
        u.source
    from unioned u
    join credentials c on c.uid = u.child
    join credentials p on p.uid = u.parent
    where u.child <> u.parent
),
final as (
    select
        child, parent, relation,
        string_agg(distinct source || ':' || evidence, '; ' order by source || ':' || evidence) as evidence,
        string_agg(distinct source, ',' order by source) as source,
        false as inferred,
        1.0::double as confidence
    from typed
    group by child, parent, relation
)
select * from final
