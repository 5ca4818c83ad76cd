-- Every stacking edge before cycles are resolved: explicit edges stated by sources, then inferred edges.
-- The stack_cycles step (pipeline.stacking.graph.find_stack_cycles) finds the cycles in it; stack_edges
-- then drops the inferred edges that close one and flags the explicit ones.
with final as (
    select child, parent, relation, evidence, source, inferred, confidence from int_stack_edges_explicit
    union all
    select child, parent, relation, evidence, source, inferred, confidence from int_stack_edges_inferred
)
select * from final
