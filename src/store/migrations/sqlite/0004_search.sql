-- 0004: Chinese full-text search and duplicate detection (docs/search.md, store/search.c).
-- The text is folded in C (engine/text_norm: Traditional -> Simplified, full-width -> ASCII,
-- lower case, no spaces), so these tables are written from C in the transaction that writes
-- the need, never by triggers; needs older than this migration (or copied by migrate-store)
-- are indexed when the store is next migrated (search_backfill: `xinyuan init`, `serve`).
-- skey = community id * 2^40 + need id: one community's needs are one key range, which the
-- FTS5 tables seek to through their rowid.

-- the folded title and description of every need (and two facts the duplicate score uses)
CREATE TABLE need_text (
	skey  INTEGER PRIMARY KEY,
	title TEXT NOT NULL,
	body  TEXT NOT NULL,
	-- as in needs, for the duplicate score (same category, same compound) without a join
	category TEXT NOT NULL,
	area_id  INTEGER NOT NULL
);

-- queries of three characters or more: a phrase of trigrams (a substring of title or body)
CREATE VIRTUAL TABLE need_fts USING fts5(title, body, content='', tokenize='trigram');
-- pending rows are kept in memory up to 16 MB (1 MB by default) before they become a segment
-- on disk: fewer, larger segments and less merging while a backfill indexes many needs
INSERT INTO need_fts(need_fts, rank) VALUES('hashsize', 16777216);

-- queries of one or two characters: every distinct character of title and body as a token
-- u<hex>; only which needs have a token is kept. Two characters are looked up as both tokens
-- and the pair is then checked in need_text (store/search.c).
CREATE VIRTUAL TABLE need_grams USING fts5(g, content='', tokenize='ascii', detail='none');
INSERT INTO need_grams(need_grams, rank) VALUES('hashsize', 16777216);

-- MinHash band keys (engine/dedup) of the open needs: submitted, accepted, wish_open, claimed
CREATE TABLE need_sigs (
	band INTEGER NOT NULL,
	skey INTEGER NOT NULL,
	PRIMARY KEY (band, skey)
) WITHOUT ROWID;

-- a kept need's history row names the need merged into it
ALTER TABLE need_history ADD COLUMN merged_from INTEGER REFERENCES needs(id);
