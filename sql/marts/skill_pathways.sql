-- For each skill (a taxonomy concept, or the normalised text of an unmapped skill string): the pathways with
-- a step that teaches it, ranked from entry level up: lowest entry level first, then fewest hours until the
-- skill is taught, then the shortest whole pathway. Top 10 per skill.
with teach as (
    select distinct uid, skill_key, skill_id from credential_skills where skill_key is not null
),
hits as (
    select t.skill_key, any_value(t.skill_id) as skill_id, s.pathway_id, s.destination,
        min(s.step_no) as first_step,
        min(s.cumulative_hours) as hours_to_skill,
        min(s.cumulative_cost) as cost_to_skill
    from pathway_steps s join teach t on t.uid = s.uid
    group by t.skill_key, s.pathway_id, s.destination
),
ranked as (
    select h.*, p.title as destination_title, p.entry_level, p.total_hours, p.total_cost, p.cost_currency,
        p.steps,
        row_number() over (
            partition by h.skill_key
            order by p.entry_level_rank nulls last, h.hours_to_skill, p.total_hours, h.pathway_id
        ) as rank
    from hits h join pathways p on p.pathway_id = h.pathway_id
),
final as (
    select r.skill_key, r.skill_id, coalesce(k.label, replace(r.skill_key, 'text:', '')) as skill_label,
        r.rank::integer as rank, r.pathway_id, r.destination, r.destination_title, r.entry_level,
        r.first_step, r.hours_to_skill, r.cost_to_skill, r.total_hours, r.total_cost, r.cost_currency, r.steps
    from ranked r left join skills k on k.skill_id = r.skill_id
    where r.rank <= 10
)
select * from final order by skill_key, rank
