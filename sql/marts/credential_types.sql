-- The controlled vocabulary of credential types, mapped to CTDL classes and Open Badges 3.0 achievementType.
select term as credential_type, ctdl_class, ob3_achievement_type, meaning
from seed_credential_types
