-- The stacking graph: explicit edges stated by sources and inferred edges, after cycles are resolved
-- (stack_cycles): an inferred edge inside a cycle of the whole graph is dropped, an explicit edge inside a
-- cycle of the explicit graph is kept and flagged in_cycle (pathways cut the loop).
with explicit_cycles as (
    select members from stack_cycles where explicit
),

dropping_cycles as (
    select members from stack_cycles where not explicit
),

final as (
    select
        e.child, e.parent, e.relation, e.evidence, e.source, e.inferred, e.confidence,
        exists (
            select 1 from explicit_cycles c where list_contains(c.members, e.child) and list_contains(c.members, e.parent)
        ) as in_cycle
    from int_stack_edges e
    where not (
        e.inferred and exists (
            select 1 from dropping_cycles c where list_contains(c.members, e.child) and list_contains(c.members, e.parent)
        )
    )
)

select * from final order by child, parent, relation
