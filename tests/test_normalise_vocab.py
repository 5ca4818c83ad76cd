"""Controlled vocabularies for participation, pacing, assessment, supervision, QA, stackability, type."""

import pytest

from pipeline.normalise.vocab import VOCABULARIES, classify
from spiders.record import CREDENTIAL_TYPES

CASES = [
    ("participation", "Online", "online"),
    ("participation", "MOOC", "online"),  # MOOChub courseMode
    ("participation", "In person", "onsite"),
    ("participation", "Präsenz", "onsite"),
    ("participation", "Blended learning", "blended"),
    ("participation", "online and on campus", "blended"),
    ("pacing", "Self-paced on your time", "self_paced"),  # edX course_type
    ("pacing", "Instructor-led on a course schedule", "scheduled"),
    ("pacing", "v2.ondemand", "self_paced"),  # Coursera courseType
    ("pacing", "v1.session", "scheduled"),
    ("assessment", "Graded quizzes and a final exam", "exam"),
    ("assessment", "Online proctored exam", "proctored_exam"),
    ("assessment", "Peer-graded assignment", "peer_review"),
    ("assessment", "Capstone project", "project"),
    ("assessment", "Benotete Präsenzprüfung", "proctored_exam"),  # iversity ECTS track
    ("assessment", "Scenario-based lab assessment", "practical"),  # Microsoft Applied Skills
    ("supervision", "Online proctored exam with ID verification", "supervised_with_id"),
    ("supervision", "proctored", "supervised_no_id"),
    ("supervision", "unproctored", "unsupervised_no_id"),
    ("quality_assurance", "Accredited by AACSB", "external_accreditation"),
    ("quality_assurance", "6 ECTS-Punkte", "external_accreditation"),
    ("stackability", "Part of the Data Science Specialization", "stackable"),
    ("stackability", "Stand-alone course", "stand_alone"),
    ("credential_type", "course", "course"),
    ("credential_type", "learningPath", "learning_program"),  # Microsoft Learn type
    ("credential_type", "appliedSkills", "applied_skill"),
    ("credential_type", "certification", "certification"),
    ("credential_type", "exam", "assessment"),
    ("credential_type", "MicroMasters", "degree_program"),
    ("credential_type", "ceterms:CertificateOfCompletion", "certificate"),
    ("credential_type", "ceterms:DigitalBadge", "badge"),
    ("credential_type", "Professional Certificate", "certificate"),
    ("credential_type", "ExpertTrack", "learning_program"),
    ("credential_type", "Micro-credential", "micro_credential"),
]


@pytest.mark.parametrize("vocab,text,value", CASES)
def test_vocab(vocab, text, value):
    r = classify(vocab, text)
    assert r.value == value and r.reason is None, r
    assert r.value in VOCABULARIES[vocab].allowed


def test_credential_types_are_the_record_vocabulary():
    assert set(VOCABULARIES["credential_type"].allowed) <= set(CREDENTIAL_TYPES)


def test_multiple_assessment_values_are_kept():
    r = classify("assessment", "quizzes, peer review and a final exam")
    assert r.values == ("exam", "peer_review", "quiz")


@pytest.mark.parametrize("vocab", list(VOCABULARIES))
def test_junk_is_none(vocab):
    r = classify(vocab, "zzz qqq")
    assert r.value is None and r.reason.startswith("unparsed")
    assert classify(vocab, None).reason.startswith("missing")


def test_unknown_vocabulary_is_a_programming_error():
    with pytest.raises(KeyError):
        classify("colour", "red")
