from __future__ import annotations

from apps.memories import text


def test_chinese_is_segmented_so_a_word_finds_its_sentence():
    assert "草莓" in text.lexemes("我喜欢草莓")
    assert {"中华", "共和国"} <= set(text.lexemes("中华人民共和国"))


def test_english_is_stemmed_and_stop_words_dropped():
    assert text.lexemes("I was running to the strawberries") == ["run", "strawberri"]
    assert text.query_terms("Strawberry?") == ["strawberri"]


def test_mixed_text_keeps_both_languages():
    assert text.lexemes("我在Shanghai工作") == ["shanghai", "工作"]


def test_tsvector_literal_quotes_and_positions():
    literal, length = text.tsvector_literal("it's O'Brien's dog, dog")
    assert length == 3
    assert "'dog':2,3" in literal
    assert text.tsquery_literal(["a'b", "c"]) == "'a''b' | 'c'"
