-- materialized: view (analyst view over the marts)
-- Skill coverage: for each taxonomy skill that credentials teach, how many credentials and providers teach
-- it and how many pathways lead to it; most taught first.
select k.skill_id, s.label, k.framework,
       count(distinct k.uid) as credentials,
       count(distinct c.source) as providers,
       (select count(distinct p.pathway_id) from skill_pathways p where p.skill_key = k.skill_id) as pathways
from credential_skills k
join skills s on s.skill_id = k.skill_id
join credentials c on c.uid = k.uid
where k.skill_id is not null
group by all
order by credentials desc, k.skill_id
