-- One text document per credential for full-text search (pipeline/search.py builds the BM25 index on it at
-- each publish): title, description, skills (as stated and the taxonomy labels they mapped to) and outcomes.
-- Run-together words (`DeepLearning.AI`, `TensorFlow`) are indexed as written and once more split in parts.
with mapped as (
    select cs.uid, string_agg(distinct coalesce(s.label, cs.raw), ' ; ' order by coalesce(s.label, cs.raw)) as labels
    from credential_skills cs
    left join skills s on s.skill_id = cs.skill_id
    group by cs.uid
),
docs as (
    select
        c.uid,
        coalesce(c.title, '') as title,
        coalesce(c.description, '') as description,
        concat_ws(' ; ', array_to_string(c.skills, ' ; '), m.labels) as skills,
        coalesce(array_to_string(c.learning_outcomes, ' ; '), '') as outcomes,
        coalesce(c.organisation, '') as organisation
    from credentials c
    left join mapped m on m.uid = c.uid
)
select
    uid,
    title,
    concat_ws(' ', description, array_to_string(list_transform(
        regexp_extract_all(description, '[A-Za-z]*[a-z][A-Z][A-Za-z]*'),
        w -> regexp_replace(w, '([a-z])([A-Z])', '\1 \2', 'g')), ' ')) as description,
    concat_ws(' ', skills, array_to_string(list_transform(
        regexp_extract_all(skills, '[A-Za-z]*[a-z][A-Z][A-Za-z]*'),
        w -> regexp_replace(w, '([a-z])([A-Z])', '\1 \2', 'g')), ' ')) as skills,
    outcomes,
    organisation
from docs
order by uid
