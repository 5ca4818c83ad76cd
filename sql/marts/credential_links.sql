-- Equivalent credentials: the same course on another platform, or another run of it. Kept apart as
-- credentials and linked `same_as`, with the listing pair that showed it and the signals that fired.
select
    credential_uid_l as credential_uid,
    credential_uid_r as other_credential_uid,
    'same_as' as relation,
    score,
    left_uid as evidence_uid,
    right_uid as other_evidence_uid,
    evidence
from seed_links
order by credential_uid, other_credential_uid
