-- materialized: view (analyst view over the marts)
-- Stack depth: how many pathways reach each depth (levels of credentials below the destination), with their
-- average number of steps and hours.
select max_depth, count(*) as pathways, round(avg(steps), 2) as avg_steps,
       round(avg(total_hours), 2) as avg_hours, max(steps) as max_steps
from pathways group by max_depth order by max_depth
