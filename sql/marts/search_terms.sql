-- The words of the search documents with the number of credentials using each: the vocabulary a misspelt
-- query word is corrected against (pipeline/search.py, Jaro-Winkler similarity).
select word, count(distinct uid) as documents
from (
    select uid, unnest(regexp_split_to_array(lower(strip_accents(concat_ws(' ', title, description, skills, outcomes))),
                                             '[^a-z0-9]+')) as word
    from search_documents
)
where length(word) >= 3 and not regexp_matches(word, '^[0-9]+$')
group by word
order by word
