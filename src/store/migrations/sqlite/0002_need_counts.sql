-- 0002: list pages without sorting or counting whole communities.
-- needs.community_id (the community a need belongs to) lets a community's list walk an index in
-- id order; need_counts holds the number of needs per area and status, kept in the same
-- transaction as every change, so a list's total is a handful of rows instead of a scan.

ALTER TABLE needs ADD COLUMN community_id INTEGER REFERENCES areas(id);
UPDATE needs SET community_id = (
	SELECT CASE WHEN a.kind = 'community' THEN a.id ELSE a.parent_id END
	FROM areas a WHERE a.id = needs.area_id);
CREATE INDEX needs_community ON needs(community_id, id);
CREATE INDEX needs_community_status ON needs(community_id, status, id);
DROP INDEX needs_category_area;

CREATE TABLE need_counts (
	area_id   INTEGER NOT NULL REFERENCES areas(id),
	area_path TEXT NOT NULL,
	status    TEXT NOT NULL,
	n         INTEGER NOT NULL,
	PRIMARY KEY (area_id, status)
);
CREATE INDEX need_counts_path ON need_counts(area_path, status);
INSERT INTO need_counts(area_id, area_path, status, n)
	SELECT area_id, area_path, status, COUNT(*) FROM needs GROUP BY area_id, area_path, status;
