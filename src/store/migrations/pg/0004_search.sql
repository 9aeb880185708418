-- 0004: Chinese full-text search and duplicate detection (docs/search.md, store/search.c).
-- The text is folded in C (engine/text_norm: Traditional -> Simplified, full-width -> ASCII,
-- lower case, no spaces), so these tables are written from C in the transaction that writes
-- the need; needs older than this migration (or copied by migrate-store) are indexed when the
-- store is next migrated (search_backfill). skey = community id * 2^40 + need id, as on SQLite:
-- one community's needs are one range of the primary key.
-- pg_trgm is a trusted extension: the owner of the database may create it (docs/operations.md).
-- The database must be UTF-8 with a locale whose character classes know CJK (C.UTF-8 does), or
-- pg_trgm does not see Chinese characters as word characters.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- the folded title and description of every need (and two facts the duplicate score uses)
CREATE TABLE need_text (
	skey  BIGINT PRIMARY KEY,
	title TEXT NOT NULL,
	body  TEXT NOT NULL,
	-- as in needs, for the duplicate score (same category, same compound) without a join
	category TEXT NOT NULL,
	area_id  BIGINT NOT NULL
);
-- queries of three characters or more: LIKE '%q%' on title || ' ' || body (a space never
-- occurs in folded text); shorter ones scan the community's key range
CREATE INDEX need_text_trgm ON need_text USING gin ((title || ' ' || body) gin_trgm_ops);

-- MinHash band keys (engine/dedup) of the open needs: submitted, accepted, wish_open, claimed
CREATE TABLE need_sigs (
	band BIGINT NOT NULL,
	skey BIGINT NOT NULL,
	PRIMARY KEY (band, skey)
);

-- a kept need's history row names the need merged into it
ALTER TABLE need_history ADD COLUMN merged_from BIGINT REFERENCES needs(id);
