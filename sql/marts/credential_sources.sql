-- Every listing as a member of exactly one credential, with provenance and, for merged members, the best
-- duplicate match that put it there (score and the signals that fired).
with pair_sides as (
    select left_uid as uid, right_uid as other_uid, score, evidence from seed_duplicate_pairs
    union all
    select right_uid, left_uid, score, evidence from seed_duplicate_pairs
),

in_cluster as (
    -- ties broken by the evidence text, so that a member kept by an incremental match (its best pair alone)
    -- reads as after a full match (all its pairs)
    select p.uid, arg_max(p.evidence, (p.score, p.evidence)) as match_evidence, max(p.score) as match_score
    from pair_sides as p
    join seed_clusters as a on a.uid = p.uid
    join seed_clusters as b on b.uid = p.other_uid and b.credential_uid = a.credential_uid
    group by p.uid
),

final as (
    select
        l.uid,
        c.credential_uid,
        l.uid = cr.primary_uid as is_primary,
        l.source,
        l.source_id,
        l.platform,
        l.title,
        l.url,
        l.organisation,
        l.fetched_at,
        l.first_seen,
        l.content_hash,
        case when cr.member_count > 1 then m.match_score end as match_score,
        case when cr.member_count > 1 then m.match_evidence end as match_evidence
    from listings as l
    join seed_clusters as c using (uid)
    join credentials as cr on cr.uid = c.credential_uid
    left join in_cluster as m using (uid)
)

select * from final order by credential_uid, is_primary desc, uid
