-- Every record that did not make it into the catalogue, with its source, raw payload and reason.
select source, source_id, source_url, reason, message, raw, fetched_at, crawl_run
from stg_quarantine
order by source, reason, source_id
