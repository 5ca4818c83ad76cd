-- int_match_keys: one row per record with the keys that blocking and scoring compare.
-- Reads the relation `match_input` (rid, side, title, url, description, duration_hours, level, language,
-- platform, org_key, org_acr) that pipeline.matching.blocking registers; org_key is resolved in Python
-- (once per distinct organisation). Parameters: $tracking (regex of query keys to drop from URLs),
-- $boilerplate (regex of title endings that are not part of a title: 'free online course', '| coursera').
-- The rules mirror pipeline/matching/keys.py; tests/test_matching_keys.py checks that they agree.
with cleaned as (
    select
        rid,
        side,
        coalesce(title, '') as title_raw,
        -- boilerplate that sources append to titles is not part of the title
        regexp_replace(trim(regexp_replace(replace(lower(strip_accents(coalesce(title, ''))), '&', ' and '),
                            '[^\p{L}\p{N}]+', ' ', 'g')), $boilerplate, '') as title_norm,
        trim(regexp_replace(replace(lower(strip_accents(
                 regexp_replace(coalesce(title, ''), '(?s)\s*(:|\||\s[-–—]+\s|\(|\[).*$', ''))), '&', ' and '),
             '[^\p{L}\p{N}]+', ' ', 'g')) as title_core_raw,
        lower(coalesce(title, '')) as title_l,
        -- canonical URL: lower case, no scheme, no www., no fragment
        regexp_replace(regexp_replace(regexp_replace(lower(trim(coalesce(url, ''))),
            '^[a-z][a-z0-9+.-]*://', ''), '^www\.', ''), '#.*$', '') as url_l,
        left(trim(regexp_replace(replace(lower(strip_accents(coalesce(description, ''))), '&', ' and '),
                                 '[^\p{L}\p{N}]+', ' ', 'g')), 300) as desc_norm,
        try_cast(duration_hours as double) as duration,
        case
            when level is null or trim(cast(level as varchar)) = '' then null
            when lower(cast(level as varchar)) similar to '.*(intro|beginn|basic|novice|fundamental).*' then 'beginner'
            when lower(cast(level as varchar)) similar to '.*intermed.*' then 'intermediate'
            when lower(cast(level as varchar)) similar to '.*(advanc|expert).*' then 'advanced'
            when lower(cast(level as varchar)) similar to '.*(all|mixed|any).*' then 'mixed'
            else lower(trim(cast(level as varchar)))
        end as level_key,
        nullif(lower(trim(coalesce(cast(language as varchar), ''))), '') as language_raw,
        nullif(trim(regexp_replace(lower(strip_accents(coalesce(platform, ''))), '[^\p{L}\p{N}]+', ' ', 'g')), '') as platform_raw,
        coalesce(org_key, '') as org_key,
        coalesce(org_acr, '') as org_acr
    from match_input
),

urls as (
    select
        *,
        rtrim(split_part(url_l, '?', 1), '/') as url_path,
        list_sort(list_filter(string_split(
            case when position('?' in url_l) > 0 then substr(url_l, position('?' in url_l) + 1) else '' end, '&'),
            p -> p <> '' and not regexp_full_match(split_part(p, '=', 1), $tracking))) as url_params
    from cleaned
),

keyed as (
    select
        rid,
        side,
        title_raw,
        title_l,
        title_norm,
        case when title_core_raw = '' then title_norm else title_core_raw end as title_core,
        array_to_string(list_sort(list_distinct(list_filter(string_split(title_norm, ' '),
            t -> t <> '' and t not in ('a', 'an', 'the', 'to', 'of', 'and', 'for', 'in', 'on', 'with')))), ' ') as title_tokens,
        array_to_string(list_sort(list_distinct(list_filter(list_transform(string_split(title_norm, ' '),
            t -> case
                when regexp_full_match(t, '(19|20)[0-9][0-9]') then null
                when regexp_full_match(t, '[0-9]+') then coalesce(nullif(ltrim(t, '0'), ''), '0')
                when t in ('ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'one', 'two', 'three', 'four', 'five') then
                    case t when 'ii' then '2' when 'iii' then '3' when 'iv' then '4' when 'v' then '5' when 'vi' then '6'
                           when 'vii' then '7' when 'viii' then '8' when 'one' then '1' when 'two' then '2'
                           when 'three' then '3' when 'four' then '4' else '5' end
                else null end),
            x -> x is not null))), ' ') as title_nums,
        -- product / course codes: tokens mixing letters and digits ("cs50", "pslx350h", "1x")
        array_to_string(list_sort(list_distinct(list_filter(string_split(title_norm, ' '),
            t -> length(t) >= 3 and regexp_matches(t, '[0-9]') and regexp_matches(t, '[a-z]')))), ' ') as title_codes,
        array_to_string(list_sort(list_distinct(list_concat(
            regexp_extract_all(title_l, '(^|[^0-9])((?:19|20)[0-9][0-9])([^0-9]|$)', 2),
            regexp_extract_all(title_l || ' ' || url_l, '\b[1-4]t20[0-9][0-9]\b')))), ' ') as run_key,
        url_path || case when len(url_params) > 0 then '?' || array_to_string(url_params, '&') else '' end as url_canon,
        split_part(url_path, '/', 1) as url_host,
        list_filter(string_split(url_path, '/')[2:],
            s -> s <> '' and s not in ('info', 'home', 'about', 'overview', 'index.html', 'index', 'course', 'courses', 'learn')) as segs,
        desc_norm,
        duration,
        level_key,
        case
            when language_raw in ('english', 'anglais') then 'en'
            when language_raw in ('spanish', 'español', 'espanol') then 'es'
            when language_raw in ('french', 'français', 'francais') then 'fr'
            when language_raw in ('german', 'deutsch') then 'de'
            when language_raw in ('chinese', 'mandarin', '中文') then 'zh'
            when language_raw in ('portuguese', 'português', 'portugues') then 'pt'
            when language_raw in ('arabic') then 'ar'
            when language_raw in ('russian') then 'ru'
            when language_raw in ('italian') then 'it'
            when language_raw in ('japanese') then 'ja'
            when language_raw in ('hindi') then 'hi'
            else nullif(split_part(replace(language_raw, '_', '-'), '-', 1), '')
        end as language_key,
        platform_raw,
        org_key,
        org_acr
    from urls
),

final as (
    select
        rid,
        side,
        title_norm,
        title_core,
        title_tokens,
        title_nums,
        title_codes,
        run_key,
        url_canon,
        url_host,
        coalesce(platform_raw, nullif(url_host, '')) as platform_key,
        case when length(slug_norm) >= 4 and regexp_matches(slug_norm, '\pL') then slug_norm else '' end as slug,
        desc_norm,
        duration,
        level_key,
        language_key,
        org_key,
        org_acr
    from (
        select
            *,
            -- trailing numeric tokens are ids ("machine-learning-835"), not part of the slug
            regexp_replace(trim(regexp_replace(replace(strip_accents(coalesce(segs[-1], '')), '&', ' and '),
                                '[^\p{L}\p{N}]+', ' ', 'g')), '( [0-9]+)+$', '') as slug_norm
        from keyed
    )
)

select * from final
