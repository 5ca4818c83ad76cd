-- match_keys: one row per record with the keys that blocking and scoring compare.
-- Reads `match_input` (rid, side, title, url, description, duration_hours, level, language, platform,
-- org_code): the records as pipeline.matching.engine registers them; org_code is the organisation after
-- alias resolution, resolved in Python once per distinct organisation (-1 when there is none).
-- Equality keys are kept as 64-bit hashes (h_*; 0 = empty) so that scoring compares integers, not strings.
-- The rules mirror pipeline/matching/keys.py (norm_title, title_core, canonical_url, url_slug,
-- title_numbers, title_codes, run_markers); tests/test_matching_keys.py checks that both give the same keys.
-- The regex literal of tracking query keys equals TRACKING_PARAMS in keys.py, which a test checks; the title
-- rules configured in pipeline/matching/affixes.toml arrive as the macros match_clean_title and
-- match_strip_boilerplate, which pipeline.matching.engine registers (keys.clean_title_macro).
with titles as materialized (
    -- the expensive string work once per distinct title (aggregators and re-crawls repeat titles: 1M generated
    -- records hold ~590k), in a narrow table: match_clean_title (a macro the matcher registers from
    -- pipeline/matching/affixes.toml: lower case, no accents, entities decoded, listing labels such as
    -- "Free course:" or "| Udemy" removed; match_fold_spellings then gives each word one spelling, "intro" =
    -- "introduction", British = American) and then the first subtitle separator becomes a marker (\x01) so
    -- that one normalisation pass yields both the full title and the title without subtitle
    select
        title,
        trim(regexp_replace(replace(
            regexp_replace(match_fold_spellings(title_c), '(?s)\s*(:|\||\s[-–—]+\s|\(|\[)', ' ' || chr(1) || ' '),
            '&', ' and '), '[^\p{L}\p{N}\x01]+', ' ', 'g')) as title_mn
    from (select title, match_clean_title(title) as title_c from (select distinct title from match_input))
),

titles2 as materialized (
    select
        title,
        title_mn,
        -- boilerplate that sources append to titles is not part of the title
        match_strip_boilerplate(trim(replace(replace(title_mn, ' ' || chr(1) || ' ', ' '), chr(1), ' '))) as title_norm
    from titles
),

title_keys as materialized (
    -- every key that depends on the title alone, once per distinct title
    select
        title,
        title_norm,
        case when trim(split_part(title_mn, chr(1), 1)) = '' then title_norm
             else trim(split_part(title_mn, chr(1), 1)) end as title_core,
        case when regexp_matches(title_norm, '[0-9]|\b(i|ii|iii|iv|v|vi|vii|viii|one|two|three|four|five|beginners?|beginning|introductory|elementary|basic|intermediate|advanced|expert)\b') then
            array_to_string(list_sort(list_distinct(list_filter(list_transform(string_split(
                -- "Part I", "Calculus I": a lone "i" after a part word or at the end is the number one
                regexp_replace(regexp_replace(title_norm, '\b(part|volume|vol|level|book|module|unit|chapter|course|season|grade|term) i\b', '\1 1', 'g'), ' i$', ' 1'), ' '),
                x -> case
                    -- a series marker is a small number; "100% Practical" and "Excel 2019" are words
                    -- of the title (two titles that differ in them differ in words)
                    when regexp_full_match(x, '[0-9]{1,2}') and cast(x as integer) <= 20 then cast(cast(x as integer) as varchar)
                    when x in ('ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'one', 'two', 'three', 'four', 'five') then
                        case x when 'ii' then '2' when 'iii' then '3' when 'iv' then '4' when 'v' then '5' when 'vi' then '6'
                               when 'vii' then '7' when 'viii' then '8' when 'one' then '1' when 'two' then '2'
                               when 'three' then '3' when 'four' then '4' else '5' end
                    when x in ('beginner', 'beginners', 'beginning', 'introductory', 'elementary', 'basic') then 'lvbeginner'
                    when x = 'intermediate' then 'lvintermediate'
                    when x in ('advanced', 'expert') then 'lvadvanced'
                    else null end),
                y -> y is not null))), ' ')
        else '' end as title_nums,
        -- codes mixing letters and digits ("cs50", "pslx350h")
        case when regexp_matches(title_norm, '[0-9]') then
            array_to_string(list_sort(list_distinct(list_filter(string_split(title_norm, ' '),
                x -> length(x) >= 3 and regexp_matches(x, '[0-9]') and regexp_matches(x, '[a-z]')))), ' ')
        else '' end as title_codes,
        -- the title without spaces: "Front-End" printed as "FrontEnd" is the same word
        replace(title_norm, ' ', '') as title_compact,
        -- the skeleton of the title: the consonants of its longer words in sorted order; survives swapped
        -- letters, a wrong vowel, a dropped "and"/"the" ("Hamronica", "Trdaing", "Building Hosting")
        array_to_string(list_sort(string_split(
            translate(array_to_string(list_filter(words, w -> length(w) >= 4), ''), 'aeiouy', ''), '')), '') as title_skeleton,
        -- every head (3-12 words) and tail (3-8 words) of the title, hashed like title_norm: an aggregator's
        -- truncated title, or the title behind an unknown listing label, is one of them
        case when len(words) > 3 then list_concat(
            list_transform(range(3, least(len(words), 13)), k -> hash(array_to_string(list_slice(words, 1, k), ' '))),
            list_transform(range(3, least(len(words), 9)), k -> hash(array_to_string(list_slice(words, -k, -1), ' '))))
        else []::ubigint[] end as title_affixes
    from (select *, string_split(title_norm, ' ') as words from titles2)
),

urls as materialized (
    select
        rid,
        -- URLs as broken feeds print them: spaces anywhere, encoded slashes, backslashes, a mangled scheme
        split_part(regexp_replace(replace(replace(replace(regexp_replace(lower(coalesce(url, '')), '\s+', '', 'g'),
            '%2f', '/'), '%3a', ':'), '\', '/'), '^([a-z][a-z0-9+.-]*:/*)?(www\.)?', ''), '#', 1) as url_l
    from match_input
),

urls2 as materialized (
    select
        rid,
        url_l,
        -- commas for slashes ("coursera.org,learn,ml") and doubled slashes repaired
        rtrim(regexp_replace(replace(split_part(url_l, '?', 1), ',', '/'), '/+', '/', 'g'), '/') as url_path,
        string_split(rtrim(regexp_replace(replace(split_part(url_l, '?', 1), ',', '/'), '/+', '/', 'g'), '/'), '/') as url_segs,
        case when position('?' in url_l) > 0 then array_to_string(list_sort(list_filter(
            string_split(substr(url_l, position('?' in url_l) + 1), '&'),
            p -> p <> '' and not regexp_full_match(split_part(p, '=', 1),
                '(utm_.*|gclid|fbclid|mc_[a-z]+|ref|referrer|source|src|trk|campaign.*|aff.*|ranmid|raneaid|ransiteid|siteid|irclickid|clickid|_ga)'))), '&')
        else '' end as url_params
    from urls
),

slugs as materialized (
    select
        rid,
        -- last path segment that is not generic ("/learn/", "/info"); the host is never a slug
        case when len(url_segs) < 2 then ''
             when url_segs[-1] not in ('info', 'home', 'about', 'overview', 'index.html', 'index', 'course', 'courses', 'learn') then url_segs[-1]
             when len(url_segs) >= 3 and url_segs[-2] not in ('info', 'home', 'about', 'overview', 'index.html', 'index', 'course', 'courses', 'learn') then url_segs[-2]
             else '' end as slug_seg
    from urls2
),

slugs2 as materialized (
    -- slug normalised like a title; slug_n without trailing numeric tokens ("machine-learning-835": an
    -- aggregator's id) proposes candidates, slug_full with them is the evidence ("project-planning-1" is
    -- another course than "project-planning")
    select
        rid,
        regexp_replace(slug_f, '( [0-9]+)+$', '') as slug_n,
        slug_f
    from (select rid,
                 case when regexp_full_match(slug_seg, '[a-z0-9]+(-[a-z0-9]+)*') then replace(slug_seg, '-', ' ')
                      else trim(regexp_replace(replace(strip_accents(slug_seg), '&', ' and '), '[^\p{L}\p{N}]+', ' ', 'g')) end as slug_f
          from slugs)
),

levels as materialized (
    -- levels and languages are a handful of distinct strings: each is read once
    select level,
        case
            when trim(coalesce(level, '')) = '' then ''
            when lower(level) like '%intro%' or lower(level) like '%beginn%' or lower(level) like '%basic%'
                 or lower(level) like '%novice%' or lower(level) like '%fundamental%' then 'beginner'
            when lower(level) like '%intermed%' then 'intermediate'
            when lower(level) like '%advanc%' or lower(level) like '%expert%' then 'advanced'
            when lower(level) like '%all%' or lower(level) like '%mixed%' or lower(level) like '%any%' then 'mixed'
            else lower(trim(level))
        end as level_key
    from (select distinct level from match_input)
),

languages as materialized (
    select language,
        case
            when lower(trim(coalesce(language, ''))) in ('english', 'anglais') then 'en'
            when lower(trim(coalesce(language, ''))) in ('spanish', 'español', 'espanol') then 'es'
            when lower(trim(coalesce(language, ''))) in ('french', 'français', 'francais') then 'fr'
            when lower(trim(coalesce(language, ''))) in ('german', 'deutsch') then 'de'
            when lower(trim(coalesce(language, ''))) in ('chinese', 'mandarin', '中文') then 'zh'
            when lower(trim(coalesce(language, ''))) in ('portuguese', 'português', 'portugues') then 'pt'
            when lower(trim(coalesce(language, ''))) in ('italian', 'italiano') then 'it'
            when lower(trim(coalesce(language, ''))) in ('arabic') then 'ar'
            when lower(trim(coalesce(language, ''))) in ('russian') then 'ru'
            when lower(trim(coalesce(language, ''))) in ('japanese') then 'ja'
            when lower(trim(coalesce(language, ''))) in ('hindi') then 'hi'
            else split_part(replace(lower(trim(coalesce(language, ''))), '_', '-'), '-', 1)
        end as language_key
    from (select distinct language from match_input)
),

final as (
    select
        i.rid,
        i.side,
        t.title_norm,
        t.title_core,
        t.title_nums,
        t.title_codes,
        -- run markers: a year in brackets in the title ("(2024)"), edX run codes (2t2023) in title or URL;
        -- a bare year is part of the name ("Horizon 2020") and counts among the title's numbers
        case when regexp_matches(coalesce(i.title, '') || ' ' || u.url_l, '(19|20)[0-9][0-9]') then
            array_to_string(list_sort(list_distinct(list_concat(
                regexp_extract_all(lower(coalesce(i.title, '')), '[\(\[]\s*((?:19|20)[0-9][0-9])\s*[\)\]]', 1),
                regexp_extract_all(lower(coalesce(i.title, '')) || ' ' || u.url_l, '\b[1-4]t20[0-9][0-9]\b')))), ' ')
        else '' end as run_key,
        -- a homepage (no path, no query) is no URL of a listing
        case when position('/' in u.url_path) = 0 and u.url_params = '' then ''
             else u.url_path || case when u.url_params <> '' then '?' || u.url_params else '' end end as url_canon,
        case when position('/' in u.url_path) = 0 and u.url_params = '' then '' else split_part(u.url_path, '/', 1) end as url_host,
        case when length(s.slug_n) >= 4 and regexp_matches(s.slug_n, '\pL') then s.slug_n else '' end as slug,
        case when length(s.slug_f) >= 4 and regexp_matches(s.slug_f, '\pL') then s.slug_f else '' end as slug_full,
        t.title_compact,
        t.title_skeleton,
        t.title_affixes,
        case when trim(coalesce(i.platform, '')) <> '' then lower(trim(i.platform)) else split_part(u.url_path, '/', 1) end as platform_key,
        lv.level_key,
        lg.language_key,
        lower(left(coalesce(i.description, ''), 200)) as desc_text,
        i.duration_hours as duration,
        coalesce(i.org_code, -1) as org_code,
        coalesce(i.block_org, -1) as block_org
    from match_input i
    join title_keys t on i.title is not distinct from t.title
    join urls2 u using (rid)
    join slugs2 s using (rid)
    join levels lv on i.level is not distinct from lv.level
    join languages lg on i.language is not distinct from lg.language
)

select * from final
order by rid
