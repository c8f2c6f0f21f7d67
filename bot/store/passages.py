"""Passages: articles cut into overlapping chunks of sentences, each carrying its article's
title, for full-text retrieval (`chunk_passages`, pure); and the document frequency of each
index term over the stored passages (table `passage_terms`), which retrieval reads instead of
counting a question's terms at every question.

The frequencies follow every write of passages: on PostgreSQL, statement triggers on
`passages` (created by migration 12), so any writer (COPY too) keeps them; on SQLite, the
store calls `record_terms` in the transaction that writes or deletes passages, because a
SQLite trigger cannot tokenise. Passages are never updated in place (nor are the FTS5
triggers written for it). `recount_statements` rebuilds the table from the index itself: the
migration's backfill, and the repair after a bulk load that went around the store.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.text.sentences import split_sentences

TARGET_WORDS = 90
OVERLAP_SENTENCES = 1

# passage_fts's tokenizer (migration 4): a scratch index tokenising alike spells terms alike.
SQLITE_TOKENIZER = "porter unicode61 remove_diacritics 2"


def chunk_passages(text: str, *, target_words: int = TARGET_WORDS) -> list[str]:
    """Sentences grouped into passages of about target_words, each overlapping the previous
    one by a sentence, so an answer that spans a boundary is still found whole."""
    sentences = [" ".join(s.text.split()) for s in split_sentences(text)]
    passages: list[str] = []
    start = 0
    while start < len(sentences):
        words = 0
        end = start
        while end < len(sentences) and (words < target_words or end == start):
            words += len(sentences[end].split())
            end += 1
        passages.append(" ".join(sentences[start:end]))
        if end >= len(sentences):
            break
        start = max(end - OVERLAP_SENTENCES, start + 1)
    return passages


# SQLite: new passages are tokenised by a per-connection scratch FTS5 table, whose vocabulary
# (fts5vocab 'row': term, passages holding it) is what they add to the frequencies. Only that
# vocabulary is read, so the scratch keeps neither the texts (contentless: emptying it needs
# no second tokenising), nor positions, nor sizes. (Created in the transaction, so a rollback
# takes it away too: hence IF NOT EXISTS every time rather than once per connection.)
_SQLITE_SCRATCH = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.passage_terms_scratch USING fts5(title, text, "
    f"content='', detail=none, columnsize=0, tokenize='{SQLITE_TOKENIZER}')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.passage_terms_scratch_vocab "
    "USING fts5vocab(temp, passage_terms_scratch, 'row')",
)


def _ids(statement: str) -> sa.TextClause:
    return sa.text(statement).bindparams(sa.bindparam("ids", expanding=True))


async def record_terms(conn: AsyncConnection, article_ids: Sequence[int], *, sign: int = 1) -> None:
    """Count the terms of these articles' stored passages into `passage_terms` (sign -1: count
    them out, before the passages are deleted). SQLite only: PostgreSQL's triggers do it."""
    if conn.dialect.name != "sqlite" or not article_ids:
        return
    for statement in _SQLITE_SCRATCH:
        await conn.exec_driver_sql(statement)
    ids = {"ids": list(article_ids)}
    await conn.exec_driver_sql(
        "INSERT INTO temp.passage_terms_scratch (passage_terms_scratch) VALUES ('delete-all')"
    )
    await conn.execute(
        _ids(
            "INSERT INTO temp.passage_terms_scratch (rowid, title, text) "
            "SELECT id, title, text FROM passages WHERE article_id IN :ids"
        ),
        ids,
    )
    # `WHERE true` tells SQLite's parser that ON CONFLICT belongs to the INSERT.
    await conn.execute(
        _ids(
            "INSERT INTO passage_terms (term, passages) SELECT term, :sign * n FROM ("
            "SELECT term, doc AS n FROM temp.passage_terms_scratch_vocab UNION ALL "
            "SELECT '', count(*) FROM passages WHERE article_id IN :ids) WHERE true "
            "ON CONFLICT (term) DO UPDATE SET passages = passages + excluded.passages"
        ),
        {**ids, "sign": sign},
    )
    if sign < 0:  # a term no passage holds any more is not kept (a recount has no row for it)
        await conn.exec_driver_sql(
            "DELETE FROM passage_terms WHERE passages <= 0 AND term <> '' "
            "AND term IN (SELECT term FROM temp.passage_terms_scratch_vocab)"
        )


def recount_statements(dialect: str) -> list[str]:
    """The statements that rebuild `passage_terms` from the full-text index."""
    if dialect == "postgresql":
        count = "SELECT word, ndoc FROM ts_stat('SELECT search FROM passages')"
    else:
        count = "SELECT term, doc FROM temp.passage_vocab"
    return [
        *(
            []
            if dialect == "postgresql"
            else [
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.passage_vocab "
                "USING fts5vocab(main, passage_fts, 'row')"
            ]
        ),
        "DELETE FROM passage_terms",
        f"INSERT INTO passage_terms (term, passages) {count}",
        "INSERT INTO passage_terms (term, passages) SELECT '', count(*) FROM passages",
    ]


# PostgreSQL: statement triggers with transition tables, so a batch (or a COPY) updates each
# term once. Terms are locked in term order, so two writers wait for each other, never
# deadlock.
_PG_CHANGES = (
    "SELECT term, count(*) AS n FROM ("
    "SELECT unnest(tsvector_to_array(search)) AS term FROM {rows} "
    "UNION ALL SELECT '' FROM {rows}) s GROUP BY term"
)
POSTGRES_TRIGGERS = (
    f"""CREATE OR REPLACE FUNCTION passage_terms_added() RETURNS trigger
        LANGUAGE plpgsql AS $$ BEGIN
            INSERT INTO passage_terms AS t (term, passages)
            {_PG_CHANGES.format(rows="new_passages")} ORDER BY term
            ON CONFLICT (term) DO UPDATE SET passages = t.passages + excluded.passages;
            RETURN NULL;
        END $$""",
    f"""CREATE OR REPLACE FUNCTION passage_terms_removed() RETURNS trigger
        LANGUAGE plpgsql AS $$ BEGIN
            UPDATE passage_terms AS t SET passages = t.passages - d.n
            FROM ({_PG_CHANGES.format(rows="old_passages")} ORDER BY term) d
            WHERE t.term = d.term;
            DELETE FROM passage_terms AS t
            USING (SELECT DISTINCT unnest(tsvector_to_array(search)) AS term
                   FROM old_passages) d
            WHERE t.term = d.term AND t.passages <= 0;
            RETURN NULL;
        END $$""",
    """CREATE TRIGGER passages_terms_insert AFTER INSERT ON passages
        REFERENCING NEW TABLE AS new_passages
        FOR EACH STATEMENT EXECUTE FUNCTION passage_terms_added()""",
    """CREATE TRIGGER passages_terms_delete AFTER DELETE ON passages
        REFERENCING OLD TABLE AS old_passages
        FOR EACH STATEMENT EXECUTE FUNCTION passage_terms_removed()""",
)
