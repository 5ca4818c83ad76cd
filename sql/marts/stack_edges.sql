-- run_by: pipeline.stacking.graph (after credentials are built; needs the skills and stacking inputs)
-- The stacking graph: explicit edges stated by sources, then inferred edges. Cycles are found in Python
-- (pipeline.stacking.graph.find_cycles) and reported in stack_cycles; an inferred edge that would close a
-- cycle is dropped there, an explicit one is kept and flagged in_cycle.
with final as (
    select child, parent, relation, evidence, source, inferred, confidence from int_stack_edges_explicit
    union all
    select child, parent, relation, evidence, source, inferred, confidence from int_stack_edges_inferred
)
select * from final
