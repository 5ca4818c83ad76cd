"""The skill taxonomy and mapper, on strings published by real catalogues (Coursera, edX, Udemy, Microsoft Learn,
CTDL and Open Badges examples; see evaluation/skill_mapping_*.csv for where each comes from)."""

import json

import duckdb
import pandas as pd
import pytest

from pipeline.skills.mapping import (
    SkillMapper,
    ambiguous_words,
    map_credential_skills,
    match_skills,
    normalise,
)
from pipeline.skills.taxonomy import load_taxonomy, onet_alt_labels

LISTEN_ACTIVELY = "http://data.europa.eu/esco/skill/a17286c5-238d-4f0b-bc24-29e9121345de"
MACHINE_LEARNING = "http://data.europa.eu/esco/skill/3a2d5b45-56e4-4f5a-a55a-4a4a65afdc43"


@pytest.fixture(scope="module")
def mapper():
    return SkillMapper.from_vendored()


def test_taxonomy_holds_the_whole_esco_pillar_and_onet():
    con = duckdb.connect()
    load_taxonomy(con)
    kinds = dict(con.execute("""SELECT concept_type, count(*) FROM skills WHERE framework = 'esco'
                                AND list_contains(collections, 'pillar') GROUP BY 1""").fetchall())
    assert kinds["skill/competence"] == 10715 and kinds["knowledge"] == 3224  # ESCO v1.1: 13,939 concepts
    assert con.execute("SELECT count(*) FROM skills WHERE framework = 'onet'").fetchone()[0] > 8000
    assert con.execute("SELECT count(*) FROM skills WHERE framework_version IS NULL").fetchone()[0] == 0
    row = con.execute("SELECT label, alt_labels, uri FROM skills WHERE uri = ?", [LISTEN_ACTIVELY]).fetchone()
    assert row[0] == "listen actively" and "active listening" in row[1]
    # every parent points at a concept in the table; the hierarchy is kept
    assert con.execute("""SELECT count(*) FROM skills s WHERE parent IS NOT NULL
                          AND parent NOT IN (SELECT skill_id FROM skills)""").fetchone()[0] == 0
    assert con.execute("SELECT parent FROM skills WHERE skill_id = 'esco:skill/S1.8.2'").fetchone()[0] == "esco:skill/S1.8"


def test_onet_alt_labels():
    assert "AWS" in onet_alt_labels("Amazon Web Services AWS software")
    assert "Azure" in onet_alt_labels("Microsoft Azure software")
    assert "SQL" not in onet_alt_labels("Windent SQL")
    assert "cloud computing" not in onet_alt_labels("Citrix cloud computing software")


def test_normalise():
    assert normalise("Azure-Virtual_Machines") == "azure virtual machines"
    assert normalise("C++ & C#") == "c++ and c#"


def test_the_done_when_strings(mapper):
    ml, listening, first_aid, power_apps = match_skills(["Machine Learning", "Active Listening", "First Aid",
                                                        "Power Apps"])
    assert ml[0].id == MACHINE_LEARNING and ml[0].framework == "esco"
    assert listening[0].id == LISTEN_ACTIVELY  # a noun phrase finds the verb phrase (ESCO's alt label)
    assert "first aid" in first_aid[0].matched_label and first_aid[0].framework == "esco"
    # two ESCO concepts carry the label "first aid": the one for people leads, the one for animals (a
    # segmented label) lost the tie and says so by a lower score instead of sharing the top one
    assert first_aid[0].label == "first aid emergency care"
    animals = [m for m in first_aid if "animals" in m.label]
    assert all(m.score < first_aid[0].score - 0.05 for m in animals)
    labels = {m.label for m in first_aid + power_apps}
    assert not labels & {"Fire Simulation Technique FIRST software", "Automated Package Processing System APPS"}
    # neither ESCO 1.1 nor the vendored O*NET 28 technology examples name Power Apps: nothing, not APPS
    assert power_apps == []


def test_a_noun_phrase_finds_the_verb_phrase_by_stems(mapper):
    """Word forms and order aside, the same stems name ESCO's verb phrase."""
    m = mapper.best("listening actively", "esco")
    assert m.id == LISTEN_ACTIVELY and "stem" in m.evidence


def test_products_and_verb_phrases(mapper):
    assert mapper.best("Tableau", "onet").skill_id == "onet:tech/tableau"
    assert mapper.best("Microsoft PowerPoint", "onet").skill_id == "onet:tech/microsoft-powerpoint"
    assert mapper.best("Apache Spark", "onet").skill_id == "onet:tech/apache-spark"
    # ESCO writes "use spreadsheets software": the tag "spreadsheets" finds it without the verb
    assert mapper.best("use spreadsheets software", "esco").label == "use spreadsheets software"


def test_javascript_library_spellings(mapper):
    """Tags spell a JavaScript library "reactjs" or drop O*NET's ".js" ("Vue"); a bare name that is an English
    word ("Node", "Backbone") is not taken for the library."""
    assert mapper.best("reactjs", "onet").skill_id == "onet:tech/react"
    assert mapper.best("Vue", "onet").skill_id == "onet:tech/vue-js"
    assert mapper.best("Vue", "esco").label == "JavaScript Framework"  # O*NET's *Vue.js* is a JavaScript library
    for word in ("Node", "Backbone"):
        assert mapper.best(word, "onet") is None and mapper.best(word, "esco") is None


@pytest.mark.parametrize("text", ["First Aid", "Power Apps", "Build Your First Mobile Game", "Go", "Spark", "R",
                                  "The Complete Adobe Spark Course", "First Step Korean", "Apps", "FIRST"])
def test_false_friends_never_match_on_the_short_or_everyday_word(mapper, text):
    """Real catalogue strings whose everyday word is also a product or an acronym in O*NET or ESCO."""
    friends = {"Fire Simulation Technique FIRST software", "FIRST Flooring", "Automated Package Processing System APPS",
               "Go", "Worldspan Go!", "Apache Spark", "SPARK", "R"}
    for fw in ("esco", "onet"):
        for m in mapper.match(text, fw, 5):
            assert m.label not in friends, (text, m)


@pytest.mark.parametrize("text, fw, wrong", [
    ("Docker (Software)", "esco", "software and applications development and analysis"),
    ("Go (Programming Language)", "esco", "apply basic programming skills"),
    ("Transform", "esco", "security panels"),
    ("Unit Testing", "esco", "test electronic units"),
])
def test_grammar_keeps_a_part_or_a_word_from_standing_for_more(mapper, text, fw, wrong):
    """Coursera skill tags: the kind in parentheses qualifies the name before it (no subject of its own); a
    one-word string is not its doer ("transformer"); only a label that starts with a verb has an object
    ("electronic unit testing" does not)."""
    assert all(m.label != wrong for m in mapper.match(text, fw, 5))
    assert mapper.best("Go (Programming Language)", "onet").label == "Go"  # the name itself still counts


def test_context_lets_a_short_name_through(mapper):
    """"R" alone is refused; "R Programming" (a Coursera course) has the context that R is a language."""
    assert mapper.best("R", "esco") is None
    assert mapper.best("R Programming", "esco").label == "R"


def test_ambiguity_is_read_from_how_a_label_is_written():
    everyday = {"go", "spark", "first"}
    assert ambiguous_words("Fire Simulation Technique FIRST software", everyday) == {"first"}
    assert ambiguous_words("Apache Spark", everyday) == {"spark"}
    assert ambiguous_words("R", everyday) == {"r"}
    assert ambiguous_words("first aid", everyday) == frozenset()  # lower case: the word means what it says
    assert ambiguous_words("Project management software", everyday) == frozenset()  # sentence case


@pytest.mark.parametrize("text", ["Success", "week 1", "What is Social?", "Project Launch"])
def test_refusal_when_nothing_fits(text):
    assert match_skills([text]) == [[]]


def test_match_skills_contract():
    (hits,) = match_skills(["cloud computing"], top=3)
    assert {m.framework for m in hits} == {"esco", "onet"} and len(hits) <= 6  # at most 3 per framework
    assert all(0 < m.score <= 1 and m.evidence and m.skill_id and m.label for m in hits)
    assert hits == sorted(hits, key=lambda m: -m.score)
    (onet_only,) = match_skills(["cloud computing"], framework="onet")
    assert [m.framework for m in onet_only] == ["onet"]
    with pytest.raises(ValueError, match="unknown framework"):
        match_skills(["x"], framework="lightcast")


def test_cli_skills_match_json(capsys, tmp_path):
    from pipeline.cli import main

    more = tmp_path / "tags.txt"
    more.write_text("Tableau\n\nFirst Aid\n", encoding="utf-8")
    assert main(["skills", "match", "Machine Learning", "--file", str(more), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [o["text"] for o in out] == ["Machine Learning", "Tableau", "First Aid"]
    assert out[0]["matches"][0]["id"] == MACHINE_LEARNING
    assert set(out[0]["matches"][0]) == {"id", "skill_id", "label", "framework", "score", "evidence"}
    assert main(["skills", "match"]) == 2  # nothing to match is a clear error


def test_map_credential_skills_writes_central_and_weight(catalogue):
    uid = "mslearn:mod-cloud-concepts"
    catalogue.execute("UPDATE credentials SET description = 'Also touches on machine learning.' WHERE uid = ?", [uid])
    map_credential_skills(catalogue)
    rows = catalogue.execute("""SELECT origin, central, weight, framework_version, score FROM credential_skills
                                WHERE uid = ? AND skill_id IS NOT NULL""", [uid]).fetchall()
    assert rows and all(r[3] in ("esco-1.1", "onet-28") and 0 < r[4] <= 1 for r in rows)
    assert all(r[1] for r in rows if r[0] in ("skills", "title", "learning_outcomes"))
    mentioned = catalogue.execute("""SELECT central, weight FROM credential_skills WHERE uid = ?
                                     AND origin = 'description' AND matched_label = 'machine learning'""",
                                  [uid]).fetchone()
    assert mentioned is not None and mentioned[0] is False and 0 < mentioned[1] < 0.5
    stated = catalogue.execute("SELECT max(weight) FROM credential_skills WHERE uid = ? AND origin = 'skills'",
                               [uid]).fetchone()[0]
    assert stated > mentioned[1]


def test_unmapped_strings_keep_a_text_key(catalogue):
    catalogue.execute("UPDATE credentials SET skills = ['zorblax wrangling'] WHERE uid = 'coursera:py-basics'")
    map_credential_skills(catalogue)
    row = catalogue.execute("""SELECT skill_id, method, skill_key FROM credential_skills
                               WHERE uid = 'coursera:py-basics' AND origin = 'skills'""").fetchone()
    assert row == (None, "unmapped", "text:zorblax wrangling")


def test_pandas3_string_column_round_trips_through_duckdb():
    df = pd.DataFrame({"s": pd.Series(["a", "b"], dtype="str")})  # noqa: F841 - read by DuckDB by name
    con = duckdb.connect()
    assert con.execute("SELECT list(s ORDER BY s) FROM df").fetchone()[0] == ["a", "b"]


def test_evaluation_prints_figures_per_framework_and_kind(capsys):
    from evaluation.evaluate_skill_mapping import KINDS, LABEL_SETS, main, read_labels

    main([])
    out = capsys.readouterr().out
    # the figures are reported as they are (a held-out figure is no unit-test target); the line must be there
    assert out.count("precision") == 2 and out.count("false-friend matches: ") == 2
    for group in ("esco", "onet", "all", "kind:exact", "kind:false_friend", "kind:not_skill"):
        assert f"\n{group} " in out
    for _key, path, _desc in LABEL_SETS:
        rows = read_labels(path)
        assert len(rows) >= 300 and {r["kind"] for r in rows} == set(KINDS)
        assert all(r["source"] for r in rows)


def test_open_badges_alignments_map_by_uri_and_skip_occupations(catalogue):
    load_taxonomy(catalogue)
    sid, uri, label = catalogue.execute("SELECT skill_id, uri, label FROM skills WHERE framework = 'esco' "
                                        "AND list_contains(collections, 'transversal') ORDER BY skill_id LIMIT 1").fetchone()
    uid = catalogue.execute("SELECT uid FROM credentials ORDER BY uid LIMIT 1").fetchone()[0]
    alignments = [
        {"framework": "ESCO", "code": None, "name": "a label that matches nothing lexically", "url": uri},
        {"framework": "O*NET-SOC", "code": "15-1252.00", "name": "Software Developers",
         "url": "https://www.onetonline.org/link/summary/15-1252.00"},
    ]
    catalogue.execute("UPDATE credentials SET alignments = ? WHERE uid = ?", [json.dumps(alignments), uid])
    map_credential_skills(catalogue)
    rows = catalogue.execute("SELECT skill_id, method, score, raw, central FROM credential_skills WHERE uid = ? "
                             "AND origin = 'alignment'", [uid]).fetchall()
    assert (sid, "alignment_uri", 1.0, "a label that matches nothing lexically", True) in rows
    assert not any("Software Developers" == r[3] for r in rows), "occupations are not skills"


def test_running_text_never_matches_an_everyday_word_alone(mapper):
    """A real Microsoft Learn exam description (AZ-204): "web apps" is not O*NET's APPS."""
    text = ("Build end-to-end solutions in Microsoft Azure to create Azure Functions, implement and manage web apps, "
            "develop solutions utilizing Azure storage, and more.")
    labels = {m.matched_label for m in mapper.match_text(text, "description")}
    assert "APPS" not in labels and "Azure" in labels
    assert not any(m.label.startswith("Fire Simulation") for m in mapper.match_text("Build Your First Mobile Game", "title"))


@pytest.mark.parametrize("text, fw, label", [
    ("Linux", "onet", "Linux"),                                       # a demo skill tag: a name, not a false friend
    ("Deep Learning", "esco", "deep learning deep learning principles"),  # two concepts share the alt label
    ("risk management", "esco", "risk management risk assessment risk administration"),
    ("Big Data", "esco", "analyse big data"),                         # the object of the skill's verb
    ("Empathy", "esco", "show empathy"),
    ("Amazon S3", "onet", "Amazon Simple Storage Service S3"),        # vendor + acronym ("S3": three S words)
    ("Azure Monitor", "onet", "Microsoft Azure software"),            # the product family it starts with
    ("Azure Storage", "onet", "Microsoft Azure software"),
    ("Microsoft PowerPoint", "esco", "use presentation software"),    # O*NET files it under presentation software
    ("Getting Started with Go", "onet", "Go"),                        # Go as the subject of a course frame
    ("R Programming", "esco", "R"),
    ("Everyday Excel, Part 1", "onet", "Microsoft Excel"),
    ("Humanities", "esco", "arts and humanities"),                    # a field of education by one of its subjects
    ("Economics & Finance", "esco", "economics"),
])
def test_real_tags_find_their_concept(mapper, text, fw, label):
    """Catalogue strings (demo snapshot tags, Coursera and edX names) that earlier mappers left unmapped."""
    assert mapper.best(text, fw).label == label


@pytest.mark.parametrize("text, fw, label", [
    ("Camtasia", "onet", "TechSmith Camtasia"),                        # the product's own name after its vendor
    ("Adobe Lightroom", "onet", "Adobe Photoshop Lightroom"),         # the vendor kept, the family left out
    ("SketchUp", "onet", "Trimble SketchUp Pro"),                     # before an edition word
    ("Microsoft Excel", "esco", "use spreadsheets software"),         # Spreadsheet software, a plural aside
    ("React.js", "onet", "React"),                                    # a JavaScript library's name
    ("React.js", "esco", "JavaScript Framework"),
    ("Tableau Software", "onet", "Tableau"),
    ("PyTorch (Machine Learning Library)", "esco", "machine learning"),  # the field in parentheses
])
def test_products_by_their_own_name(mapper, text, fw, label):
    """Session 5's held-out tags (LinkedIn Learning, Coursera 2025) that the frozen mapper missed."""
    assert mapper.best(text, fw).label == label


@pytest.mark.parametrize("text, fw", [
    ("Web Services", "onet"),                      # not Amazon Web Services: ESCO's term
    ("Power Dressing in the Zoom Era", "onet"),    # a common one-word name inside a title
    ("Social Media Advertising", "onet"),          # narrower than Social media software
    ("Analytics", "onet"),                         # no "Analytical software"
    ("Logistics", "onet"),                         # a term, not RedBerry Logistics
])
def test_narrower_or_other_things_get_nothing(mapper, text, fw):
    assert mapper.best(text, fw) is None


@pytest.mark.parametrize("text, label", [("C++ (Programming Language)", "C++"), ("C#", "C#"),
                                         ("Introduction to C++", "C++"), ("C Sharp (C#) (Programming Language)", "C#")])
def test_c_plus_plus_and_c_sharp_are_onet_concepts_of_their_own(mapper, text, label):
    """Session 13: O*NET's "C++" and "C#" had collapsed onto the slug of "C" (``taxonomy.onet_slugs``); the kind in
    parentheses is still no product (not *Programming languages*)."""
    assert mapper.best(text, "onet").label == label


def test_onet_examples_keep_one_concept_each():
    from pipeline.skills.taxonomy import onet_slugs

    slugs = onet_slugs(["C", "C++", "C#", "Microsoft Visual J++", "Visual Basic"])
    assert slugs == {"C": "c", "C++": "c-plus-plus", "C#": "c-sharp", "Microsoft Visual J++": "microsoft-visual-j",
                     "Visual Basic": "visual-basic"}  # a slug no other example shares keeps its plain form


@pytest.mark.parametrize("text", ["Knowledge Check", "Software Developers", "Model Thinking",
                                  "Information Security Analysts", "Swift Decisions"])
def test_strings_that_name_no_skill_get_nothing(text):
    assert match_skills([text]) == [[]]


@pytest.mark.parametrize("text, fw", [
    ("Excellence", "onet"),            # a name is its own word, never a stem: no Excel
    ("Canva", "esco"),                 # no Canvas
    ("Autodesk", "onet"),              # a vendor alone is no product of it (Autodesk VIZ)
    ("Persuasion", "onet"),            # an abstract noun, not the rarely used Adobe Persuasion
    ("angular momentum", "onet"),      # written in lower case, the English word: no Angular
    ("Specialized Skills", "esco"),    # "special" of "use of special equipment ..." is another part of speech
    ("interviewing", "onet"),          # not the doer: Interviewer software
])
def test_session6_held_out_false_matches_get_nothing(mapper, text, fw):
    assert mapper.best(text, fw) is None


@pytest.mark.parametrize("text, fw, label", [
    ("Excel", "onet", "Microsoft Excel"),              # a hot technology keeps its everyday-word name
    ("Jupyter notebooks", "onet", "Jupyter Notebook"),  # a plural of a name is the name
    ("Maya", "onet", "Autodesk Maya"),
    ("Debugging", "esco", "debug software"),                    # a verb of software names the activity
    ("Unit Testing", "esco", "perform software unit testing"),
    ("Epidemiology", "esco", "epidemiology disease aetiology"),  # a field leads its segmented label
    ("Zoom", "esco", "video conferencing tool"),                 # O*NET's kind, whole, a segmented concept's label
    ("Salesforce", "esco", "use customer relationship management software"),  # the kind without its acronym
])
def test_names_that_stay_names(mapper, text, fw, label):
    assert mapper.best(text, fw).label == label


def test_mapper_version_is_exposed():
    from pipeline.skills.mapping import MAPPER_VERSION

    assert isinstance(MAPPER_VERSION, str) and MAPPER_VERSION


# -- session 9 (issue 13): recall rules, each on real strings of evaluation/skill_mapping_labels.csv or
# evaluation/skill_mapping_heldout.csv (session 7's set, tuning data since session 9; sources in their rows) --
ESCO = "esco:skill/"


def test_vocabulary_table_is_documented():
    import csv

    from pipeline.skills.lexical import VOCABULARY

    with open(VOCABULARY, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(r["kind"] in ("form", "variant", "acronym", "autonym") and r["word"] and r["to"] and r["reason"] for r in rows)


def test_word_forms_of_one_activity_share_a_stem():
    from pipeline.skills.lexical import stem

    assert len({stem(w) for w in ("analysis", "analyses", "analyse", "analyze", "analysing")}) == 1
    assert stem("administration") == stem("administer") and stem("resolution") == stem("resolve")
    assert stem("analysis") != stem("analytics")  # "Analytics" is no analysis


def test_variant_in_the_frameworks_words():
    from pipeline.skills.lexical import variant_of

    assert variant_of("IT Security") == "ICT Security" and variant_of("Collaboration apps") == "Collaboration software"
    assert variant_of("make it work") is None  # the pronoun is not the acronym
    assert variant_of("Machine Learning") is None


@pytest.mark.parametrize("text, fw, sid", [
    ("IT Project Management", "esco", ESCO + "94dd823c-148e-4614-a6e8-99249b16357d"),  # ICT project management
    ("IT support", "esco", ESCO + "c2296e2e-5fef-4f24-a24f-e5b3792268be"),             # provide ICT support
    ("Word processing applications", "esco", ESCO + "81633a44-f1db-4a01-a940-804c6905e330"),
    ("data visualisation tools", "onet", "onet:tech/data-visualization-software"),
])
def test_tag_words_meet_the_frameworks_words(mapper, text, fw, sid):
    assert mapper.best(text, fw).skill_id == sid


@pytest.mark.parametrize("text", ["Apps", "Resolving technical IT issues"])
def test_the_table_word_alone_is_no_subject(mapper, text):
    assert mapper.best(text, "esco") is None  # not "software", not the "ICT" of *hardware testing methods*


@pytest.mark.parametrize("text, sid", [
    ("Cost Accounting", "c5b90c0c-3af0-4c8c-a06c-cc3ced02242c"),       # perform cost accounting activities
    ("Data Warehousing", "fd6d2981-3d4a-4ce2-9741-cfc98c5b74bd"),      # implement data warehousing techniques
    ("back-up and recovery", "82de2df7-0d6c-42b1-94ac-b3e9a029e917"),  # use back-up and recovery tools
    ("Audio Editing", "cae4c053-05d1-413d-8499-f37793aad56e"),         # audio editing software
])
def test_an_esco_skill_without_its_verb_and_kind_word(mapper, text, sid):
    assert mapper.best(text, "esco").skill_id == ESCO + sid


@pytest.mark.parametrize("text, wrong", [
    ("Sales", "supervise sales activities"), ("Video", "operate video equipment"),
    ("public speaking", "teach public speaking principles"), ("Robotics", "maintain robotic equipment"),
])
def test_one_word_teaching_or_a_thing_is_not_the_subject(mapper, text, wrong):
    hit = mapper.best(text, "esco")
    assert hit is None or hit.label != wrong


@pytest.mark.parametrize("text", ["Linux administration", "Linux System Administration"])
def test_a_product_beside_work_done_on_software(mapper, text):
    assert mapper.best(text, "onet").skill_id == "onet:tech/linux"


@pytest.mark.parametrize("text", ["Office administration", "Apps development", "Swift Decisions", "learn fast"])
def test_everyday_words_beside_work_words_stay_words(mapper, text):
    assert mapper.best(text, "onet") is None  # no Microsoft Office, APPS, Swift or FAST


def test_examples_in_parentheses_are_not_the_subject(mapper):
    text = "Work zone hazards and controls (e.g., traffic control, limited access zones)"  # BCSP CTDL statement
    assert mapper.best(text, "esco") is None and mapper.best(text, "onet") is None
    assert mapper.best("Probability (e.g., odds of success, Poisson)", "esco").skill_id == \
        ESCO + "b758675a-b03b-4e4b-897c-57ca14b1a3d0"  # probability theory


def test_the_language_a_course_is_taught_in_is_a_frame(mapper):
    assert mapper.best("Critical Thinking in French", "esco").label == "think critically"


@pytest.mark.parametrize("text", ["Rust (Programming Language)", "C Programming", "Julia (Programming Language)"])
def test_a_language_esco_does_not_name_is_computer_programming(mapper, text):
    assert mapper.best(text, "esco").label == "computer programming"


def test_linear_programming_is_no_programming_language(mapper):
    hit = mapper.best("Linear Programming", "esco")
    assert hit is None or hit.label != "computer programming"


def test_evaluation_merges_several_label_files():
    from evaluation.evaluate_skill_mapping import HELDOUT, LABELS, read_labels

    assert len(read_labels([LABELS, HELDOUT])) == len(read_labels(LABELS)) + len(read_labels(HELDOUT))


@pytest.mark.parametrize("text, wrong", [
    ("software development lifecycle", "computer programming"),  # a lifecycle, not software development
    ("Strategic Public Relations Planning", "public relations"),   # planning
    ("Software Development Tools", "computer programming"),        # tools (and "tools" is not made "software" twice)
])
def test_a_term_before_a_noun_of_the_string_modifies_it(mapper, text, wrong):
    hit = mapper.best(text, "esco")
    assert hit is None or hit.label != wrong


@pytest.mark.parametrize("text, label", [
    ("Scikit Learn (Machine Learning Library)", "machine learning"),  # the kind in parentheses is its field
    ("Creating Virtual Reality (VR) Apps", "virtual reality"),        # the phrase's own acronym follows it
    ("Data Science Methodology", "data science"),                     # a kind of knowledge of it
])
def test_a_term_before_its_acronym_or_its_methods_still_names_it(mapper, text, label):
    assert mapper.best(text, "esco").label == label


def test_a_leading_generic_verb_of_the_string_aside(mapper):
    assert mapper.best("Conduct root cause analyses", "onet").skill_id == "onet:tech/root-cause-analysis-software"
    assert mapper.best("Conduct root cause analyses", "esco").label == "root cause analysis"


def test_a_capitalised_name_inside_a_product_label(mapper):
    assert mapper.best("Android SDK", "onet").skill_id == "onet:tech/google-android"


@pytest.mark.parametrize("text, sid", [("K8s", "onet:tech/kubernetes"), ("golang", "onet:tech/go"),
                                       ("MS Office", "onet:tech/microsoft-office-software")])
def test_acronyms_and_other_names_in_the_frameworks_words(mapper, text, sid):
    assert mapper.best(text, "onet").skill_id == sid  # job-ad spans (SkillSpan) of session 7's file


def test_an_acronym_expansion_keeps_go_a_false_friend(mapper):
    assert mapper.best("Go", "onet") is None and mapper.best("golang", "onet").label == "Go"


@pytest.mark.parametrize("text, sid", [("Pentaho", "onet:tech/pentaho-kettle"), ("Aruba", "onet:tech/aruba-networks-airwave"),
                                       ("Microservices", "onet:tech/microservices-architecture")])
def test_a_name_that_starts_one_products_label(mapper, text, sid):
    assert mapper.best(text, "onet").skill_id == sid


@pytest.mark.parametrize("text", ["Robotics", "Ingenuity", "Cisco"])
def test_english_words_and_vendors_do_not_start_a_product(mapper, text):
    hit = mapper.best(text, "onet")
    assert hit is None or hit.method != "product_name"


@pytest.mark.parametrize("text, label", [("Infectious Diseases", "communicable diseases infectious diseases"),
                                         ("Image Processing", "digital image processing")])
def test_a_term_an_adjective_narrows_when_nothing_else_fits(mapper, text, label):
    assert mapper.best(text, "esco").label == label


def test_the_narrowed_term_comes_after_a_part(mapper):
    assert mapper.best("Nature & Environment", "esco").label != "synthetic natural environment"


@pytest.mark.parametrize("text", [
    "Everyday Chinese Medicine", "French Horn Solos: Learn how to Perform Three Fun Pieces!",
    "Learn to Trade for Profit:Trading with Japanese Candlesticks", "Greek and Roman Mythology",  # adjectives
    "Photoshop from Zero to Hero ( Arabic )", "Learn to Freelance with People Per hour  (URDU)",  # the course's
    "3DS MAX - Learn 3Ds MAX tutorial for Beginners in Urdu Hindi",                                # language
    "Learn to Trade for Profit: Finding Winning Stocks - Chinese",
])
def test_a_language_only_as_the_subject(mapper, text):
    hit = mapper.best(text, "esco")
    assert hit is None or hit.label not in {"Chinese", "French", "Japanese", "Greek", "Arabic", "Urdu", "Hindi"}


@pytest.mark.parametrize("text, label", [("Learn Japanese", "Japanese"), ("Spanish for Beginners", "Spanish"),
                                         ("Business English", "English"), ("English Grammar", "English")])
def test_a_language_studied_is_the_language(mapper, text, label):
    assert mapper.best(text, "esco").label == label


@pytest.mark.parametrize("text, fw", [
    ("Effective Communication for Program and Project Stakeholders and Teams", "onet"),  # no Microsoft Teams
    ("Writing and Editing: Word Choice and Word Order", "onet"),      # the activity, not Editing software
    ("Probability and Statistics: To p or not to p?", "onet"),
    ("Analyze and report security breaches or attempted breaches", "onet"),  # a verb, not the product Analyze
    ("Your First 10 Guitar Lessons - Learn how to play guitar", "onet"),     # the word, not the acronym FIRST
    ("Circular Breathing for musicians - practical skills", "esco"),         # no *skills* (ESCO's pillar)
    ("Design, deploy, manage and troubleshoot networks", "esco"),            # no bare *design*
])
def test_a_title_word_is_no_concept(mapper, text, fw):
    hit = mapper.best(text, fw)
    assert hit is None or hit.method == "scored"


@pytest.mark.parametrize("text, label", [
    ("Data Visualization with Python", "Python"),         # the tool a title works with
    ("Using Python to Access Web Data", "Python"),
    ("Fundamentals of Visualization with Tableau", "Tableau"),  # a vendor that is its own product
    ("Kotlin for Java Developers", "Kotlin"),              # an audience after "for" is no occupation
    ("Agile with Atlassian Jira", "Atlassian JIRA"),       # a vendor and an acronym: a product, no kind
    ("Front-End Web Development with React", "React"),     # an everyday-word name as the tool of software work
])
def test_a_product_named_inside_a_title(mapper, text, label):
    assert mapper.best(text, "onet").label == label


def test_a_title_part_naming_a_product_finds_its_esco_kind(mapper):
    assert mapper.best("InDesign Basics for Beginners: Learn InDesign Quickly", "esco").method == "product"
    assert mapper.best("Budgeting and Scheduling Projects", "esco") is None  # a kind of software, no product


def test_a_product_in_a_title_by_its_own_esco_name(mapper):
    assert mapper.best("Version Control with Git", "esco").label == "tools for software configuration management"
    hit = mapper.best("Android SDK", "esco")  # work on the product is not the product
    assert hit is None or hit.label != "Android (mobile operating systems)"


def test_a_pillar_of_esco_is_no_skill(mapper):
    assert mapper.best("Skills", "esco") is None and mapper.best("Knowledge", "esco") is None


def test_running_text_finds_a_language_only_as_the_subject(mapper):
    assert not {m.label for m in mapper.match_text("Everyday Chinese Medicine", "title")} & {"Chinese"}
    assert "Japanese" in {m.label for m in mapper.match_text("Learn Japanese", "title")}


def test_an_audience_is_no_subject(mapper):
    assert mapper.best("Kotlin for Java Developers", "onet").label == "Kotlin"
    hit = mapper.best("Accounting Skills for Managers", "onet")  # not "manage accounts" from the audience
    assert hit is None or hit.label != "Account management software"


@pytest.mark.parametrize("text, label", [("Mastering HTML5 Programming - The Easier Way", "Hypertext markup language HTML"),
                                         ("The Sass Course! Learn Sass for Real-World Websites", "Syntactically awesome style sheets SASS")])
def test_an_acronym_kind_keeps_its_name_in_a_title(mapper, text, label):
    assert mapper.best(text, "onet").label == label  # only "X software" has a bare activity word ("Editing")


def test_a_vendor_before_a_name_is_no_product_of_its_own(mapper):
    hit = mapper.best("Learn Facebook Flux Architecture for Web Applications", "onet")
    assert hit is None or hit.label != "Facebook"


# -- session 12 (recall12) ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text, head", [
    ("Ecology: Ecosystem Dynamics and Conservation", "ecology"),  # a one-word part naming a field
    ("Macroeconomics - The Basics", "macroeconomics"),
    ("Landscape Ecology", "ecology"),                             # the head of a short phrase, named as a field
    ("AP® Microeconomics", "microeconomics"),
    ("AP Physics 1", "physics"),
])
def test_a_field_as_a_part_or_the_head_of_a_title(mapper, text, head):
    hit = mapper.best(text, "esco")
    assert hit.method == "field_head" and hit.label.split()[0] == head


def test_an_everyday_field_word_heads_too_much_to_be_the_field(mapper):
    hit = mapper.best("Financial Technology", "esco")  # "technology" (Zipf 5.1) is no field here
    assert hit is None or not hit.label.startswith("technology education")


@pytest.mark.parametrize("text, language", [("The Ancient Greek Hero", "Ancient Greek"),            # an adjective
                                            ("Create Website from scratch in Urdu & Hindi", "Hindi")])  # taught in
def test_a_language_of_two_words_or_after_coordinated_languages(mapper, text, language):
    hit = mapper.best(text, "esco")
    assert hit is None or hit.label != language
    assert language not in {m.label for m in mapper.match_text(text, "title")}
    assert mapper.best(language, "esco").label == language  # the language itself still is


def test_languages_are_what_esco_lets_one_write_and_read():
    m = SkillMapper.from_vendored()
    assert {"ancient greek", "latin", "hindi", "chinese"} <= m.languages and "programming" not in m.languages


def test_a_name_without_its_version_is_weighed_as_a_false_friend(mapper):
    hit = mapper.best("Beginner API development in Node, Express, ES6, & MongoDB", "onet")
    assert hit is None or hit.label != "Exact Software Macola ES"  # "ES" of ES6 is a short word


@pytest.mark.parametrize("text, fw, label", [
    ("Introducción a R", "esco", "R"), ("Introducción a R", "onet", "R"),  # a Spanish course frame
    ("Word intermedio: herramientas de formato y productividad", "onet", "Microsoft Word"),  # a level after it
])
def test_course_frames_in_the_catalogues_other_languages(mapper, text, fw, label):
    assert mapper.best(text, fw).label == label


def test_strip_frames_in_other_languages():
    from pipeline.skills.mapping import strip_frames

    assert strip_frames("Découvrir le marketing") == "marketing"
    assert strip_frames("Fundamentos de logística") == "logística"


@pytest.mark.parametrize("text", ["Stock Technical Analysis with R", "Investment Portfolio Analysis with R"])
def test_a_name_in_capitals_as_the_tool_of_a_title(mapper, text):
    assert mapper.best(text, "esco").label == "R" and mapper.best(text, "onet").label == "R"


@pytest.mark.parametrize("text", ["Learn 3 - All Time A R Rahman Hits on Carnatic Flute!", "Piano Lessons for the R&B Fan"])
def test_a_letter_that_is_no_tool_stays_a_letter(mapper, text):
    for fw in ("esco", "onet"):
        hit = mapper.best(text, fw)
        assert hit is None or hit.label != "R"


def test_a_vendor_standing_alone_once_is_its_product(mapper):
    assert mapper.best("Facebook Ads: Cómo utilizar el poder de la publicidad en Facebook", "onet").label == "Facebook"
    hit = mapper.best("Learn Facebook Flux Architecture for Web Applications", "onet")  # only before a name
    assert hit is None or hit.label != "Facebook"


@pytest.mark.parametrize("text", ["Learn HTML5 Canvas for beginners", "Creating Animations using HTML5 Canvas"])
def test_a_name_right_after_a_technologys_name_is_part_of_it(mapper, text):
    hit = mapper.best(text, "esco")
    assert hit is None or hit.label != "Canvas (learning management systems)"
    assert mapper.best(text, "onet").label == "Hypertext markup language HTML"  # "HTML5" is HTML with a version


def test_a_name_after_an_everyday_word_name_is_part_of_it_too(mapper):
    hit = mapper.best("Apache Spark SQL", "esco")  # Spark's SQL module, not ESCO's SQL
    assert hit is None or hit.label != "SQL"


def test_a_subdiscipline_by_its_description_is_a_field(mapper):
    assert mapper.best("Introduction to Algebra", "esco").label.startswith("algebra")


@pytest.mark.parametrize("text, label", [("Español", "Spanish"), ("Français", "French"), ("Deutsch", "German"),
                                         ("Italiano", "Italian")])
def test_a_language_by_its_own_name(mapper, text, label):
    assert mapper.best(text, "esco").label == label  # data/vocabulary.csv, kind autonym


def test_a_language_by_its_own_name_still_marks_the_course_language(mapper):
    hit = mapper.best("Photoshop en Español", "esco")  # the language it is taught in, not Spanish
    assert hit is None or hit.label != "Spanish"


@pytest.mark.parametrize("text", ["Web Development w/ Google’s Go (golang) Programming Language",
                                  "C Sharp (C#) (Programming Language)"])
def test_a_part_that_only_names_the_kind_of_thing_is_no_subject(mapper, text):
    hit = mapper.best(text, "onet")
    assert hit is None or hit.label != "Programming languages"


def test_and_or_separates_parts(mapper):
    hit = mapper.best("programming apps for Android and/or iOS", "esco")  # not the part "/or iOS" as "Io"
    assert hit is not None and "Io" not in hit.evidence


def test_a_course_frame_word_alone_is_no_part(mapper):
    hit = mapper.best("QuickBooks Online: Complete Guide & Certification tips", "esco")
    assert hit is None or hit.label != "advise others"  # "Guide", not ESCO's "guide" (advise others)


# -- session 13 (recall13): rules written on session 12's old held-out rows (Coursera 2025-26 titles) -------------
@pytest.mark.parametrize("example, gone, kept", [
    ("Amazon Web Services AWS SageMaker", {"AWS", "Amazon Web Services"}, {"AWS SageMaker"}),
    ("American Sign Language ASL browser", {"ASL", "American Sign Language"}, {"ASL browser"}),
    ("Geographic information system GIS marketing software", {"GIS"}, {"GIS marketing"}),
    ("Amazon Web Services AWS software", set(), {"AWS", "Amazon Web Services"}),
    ("Computer On-line Real-time Applications Language CORAL 66", set(), {"CORAL", "CORAL 66"}),
])
def test_an_acronym_before_more_of_the_name_is_the_makers(example, gone, kept):
    from pipeline.skills.taxonomy import onet_alt_labels

    alts = set(onet_alt_labels(example))
    assert kept <= alts and not gone & alts


@pytest.mark.parametrize("text, label", [
    ("AWS Cloud Practitioner (CLF-C02)", "Amazon Web Services AWS software"),  # not AWS SageMaker by its maker's AWS
    ("3D Modeling for 3D Printing and Laser Cutting on Fusion 360", "Autodesk Fusion 360"),  # the tool, not 3D printing
    ("Database Design and Basic SQL in PostgreSQL", "PostgreSQL"),
])
def test_a_titles_tool_and_its_products_own_name(mapper, text, label):
    assert mapper.best(text, "onet").label == label


@pytest.mark.parametrize("text, fw, not_label", [
    ("GIS Data Formats, Design and Quality", "onet", "Geographic information system GIS marketing software"),
    ("TCP/IP and Advanced Topics", "onet", "Tool center point TCP setting software"),
    ("Vulnerability Assessment and Management", "esco", "management"),  # the head shares "Vulnerability"
    ("Architecting Google Kubernetes Engine: Foundations in italiano", "esco", "Italian"),  # the course's language
])
def test_session_13_false_matches_are_gone(mapper, text, fw, not_label):
    hit = mapper.best(text, fw)
    assert hit is None or hit.label != not_label


# -- session 13 (recall13b): the reviewed O*NET commodity -> ESCO crosswalk ------------------------------------------
def test_the_crosswalk_file_names_real_concepts_and_commodities():
    import csv
    import gzip

    from pipeline.skills.mapping import CROSSWALK_PATH, read_crosswalk
    from pipeline.skills.taxonomy import DATA_DIR, read_concepts

    concepts, _ = read_concepts()
    examples: dict[str, set[str]] = {}
    with gzip.open(DATA_DIR / "technology_skills.tsv.gz", "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            examples.setdefault(row["Commodity Code"], set()).add(row["Example"])
    table = read_crosswalk()
    assert table and CROSSWALK_PATH.exists()
    for onet_id, row in table.items():
        assert row["reason"].strip()
        if onet_id.startswith("onet:tech/"):  # a family row: one O*NET technology example
            assert concepts[onet_id].concept_type == "technology" and not row["except"]
        else:  # a commodity: an O*NET commodity, whose examples the excepted names are
            assert concepts[f"onet:{onet_id}"].concept_type == "commodity" and onet_id in examples
            assert row["except"] <= examples[onet_id]
        assert concepts.get(f"onet:{onet_id}" if not onet_id.startswith("onet:") else onet_id).label == row["onet_label"]
        labels = row["esco_labels"].split("|")
        assert len(labels) == len(row["esco_ids"])
        for sid, label in zip(row["esco_ids"], labels):
            assert concepts[sid].framework == "esco" and concepts[sid].label == label


@pytest.mark.parametrize("text, label", [
    ("Tableau", "data visualisation software"),  # O*NET: Business intelligence and data analysis software
    ("Microsoft Power BI", "data visualisation software"),
    ("Analyze and Visualize Data Using Power BI", "data visualisation software"),  # the title's tool
    ("Terraform", "tools for software configuration management"),  # O*NET's IBM Terraform: Configuration management
])
def test_a_product_esco_lacks_by_its_onet_commodity(mapper, text, label):
    hit = mapper.best(text, "esco")
    assert hit.label == label and hit.method == "crosswalk"
    assert "O*NET files" in hit.evidence and "onet_commodity_esco.csv" in hit.evidence


def test_the_crosswalk_never_overrides_a_direct_esco_match(mapper):
    assert mapper.best("Git", "esco").method != "crosswalk"  # ESCO's own alternative label "GIT"
    assert mapper.best("Ansible", "esco").label == "Ansible"


@pytest.mark.parametrize("text", ["Become a Professional Chef", "Cooking like a Chef"])
def test_the_crosswalk_refuses_what_onet_refuses(mapper, text):
    # Chef is O*NET's configuration management tool, and an everyday word: O*NET's refusal holds for ESCO too
    hit = mapper.best(text, "esco")
    assert hit is None or hit.method != "crosswalk"


def test_an_excepted_example_gets_no_crosswalk(mapper):
    # Searchmetrics (an SEO suite) sits under O*NET's BI commodity, which the crosswalk excepts it from
    hit = mapper.best("Searchmetrics Suite", "esco")
    assert hit is None or hit.method != "crosswalk"
