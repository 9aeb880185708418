-- 0001: areas, categories, users and sessions, providers, needs, audit chain.
-- Times are Unix seconds; money is integer fen; paths are "/1/4/9/" (see core/area.h).

CREATE TABLE areas (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	kind       TEXT NOT NULL CHECK (kind IN ('province','city','district','street','community','compound')),
	parent_id  INTEGER REFERENCES areas(id),
	path       TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL
);
CREATE INDEX areas_parent ON areas(parent_id);

CREATE TABLE categories (
	code    TEXT PRIMARY KEY,
	name    TEXT NOT NULL,
	name_en TEXT NOT NULL,
	sort    INTEGER NOT NULL
);
INSERT INTO categories(code, name, name_en, sort) VALUES
	('environment',   '环境整治', 'Environment',           1),
	('culture',       '文体公益', 'Culture and sports',    2),
	('elderly',       '为老服务', 'Elderly services',      3),
	('children',      '儿童关爱', 'Children',              4),
	('medical',       '医疗健康', 'Medical services',      5),
	('safety',        '安全教育', 'Safety',                6),
	('eco_education', '环保教育', 'Environmental education', 7),
	('tech_education','科技课堂', 'Science and technology', 8),
	('public_space',  '公共空间', 'Public space',          9),
	('charity',       '义仓义集', 'Charity pantry and market', 10),
	('party',         '党建活动', 'Party-member activities', 11),
	('courtyard',     '院落更新', 'Courtyard renewal',     12);

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	username      TEXT NOT NULL UNIQUE,
	password_hash TEXT NOT NULL,
	display_name  TEXT NOT NULL,
	phone         TEXT,
	disabled      INTEGER NOT NULL DEFAULT 0,
	created_at    INTEGER NOT NULL
);

CREATE TABLE grants (
	user_id INTEGER NOT NULL REFERENCES users(id),
	role    TEXT NOT NULL,
	area_id INTEGER NOT NULL REFERENCES areas(id),
	PRIMARY KEY (user_id, role, area_id)
);

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id),
	csrf       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_failures (
	key          TEXT PRIMARY KEY,
	count        INTEGER NOT NULL,
	window_start INTEGER NOT NULL
);

CREATE TABLE providers (
	id         INTEGER PRIMARY KEY,
	kind       TEXT NOT NULL CHECK (kind IN ('talent','resource')),
	name       TEXT NOT NULL,
	area_id    INTEGER NOT NULL REFERENCES areas(id),
	area_path  TEXT NOT NULL,
	capacity   INTEGER NOT NULL CHECK (capacity >= 0),
	contact    TEXT,
	user_id    INTEGER REFERENCES users(id),
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
);
CREATE INDEX providers_area ON providers(area_path, id);

CREATE TABLE provider_skills (
	provider_id INTEGER NOT NULL REFERENCES providers(id),
	category    TEXT NOT NULL REFERENCES categories(code),
	PRIMARY KEY (provider_id, category)
);
CREATE INDEX provider_skills_category ON provider_skills(category, provider_id);

CREATE TABLE needs (
	id            INTEGER PRIMARY KEY,
	tracking_no   TEXT UNIQUE,
	area_id       INTEGER NOT NULL REFERENCES areas(id),
	area_path     TEXT NOT NULL,
	category      TEXT NOT NULL REFERENCES categories(code),
	title         TEXT NOT NULL,
	description   TEXT NOT NULL,
	beneficiaries TEXT NOT NULL DEFAULT '[]',
	urgency       TEXT NOT NULL CHECK (urgency IN ('low','normal','high')),
	channel       TEXT NOT NULL CHECK (channel IN ('self','visit','phone','desk','hotline')),
	status        TEXT NOT NULL,
	submitter_id  INTEGER REFERENCES users(id),
	recorded_by   INTEGER REFERENCES users(id),
	behalf_name   TEXT,
	behalf_phone  TEXT,
	merged_into   INTEGER REFERENCES needs(id),
	provider_id   INTEGER REFERENCES providers(id),
	reason        TEXT,
	supporters    INTEGER NOT NULL DEFAULT 0,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	respond_by    INTEGER NOT NULL,
	responded_at  INTEGER,
	accepted_at   INTEGER,
	resolved_at   INTEGER
);
CREATE INDEX needs_area ON needs(area_path, id);
CREATE INDEX needs_status_area ON needs(status, area_path, id);
CREATE INDEX needs_category_area ON needs(category, area_path, id);
CREATE INDEX needs_submitter ON needs(submitter_id, id);
CREATE INDEX needs_created ON needs(created_at);

CREATE TABLE need_supports (
	need_id    INTEGER NOT NULL REFERENCES needs(id),
	user_id    INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL,
	PRIMARY KEY (need_id, user_id)
);

CREATE TABLE need_history (
	id          INTEGER PRIMARY KEY,
	need_id     INTEGER NOT NULL REFERENCES needs(id),
	from_status TEXT,
	to_status   TEXT NOT NULL,
	actor_id    INTEGER REFERENCES users(id),
	at          INTEGER NOT NULL,
	reason      TEXT,
	provider_id INTEGER REFERENCES providers(id),
	merged_into INTEGER REFERENCES needs(id)
);
CREATE INDEX need_history_need ON need_history(need_id, id);

-- The audit chain: ids are dense (1, 2, 3, ...) so a removed row shows as a gap, and
-- audit_head holds the last id and hash so a removed tail shows too.
CREATE TABLE audit_events (
	id        INTEGER PRIMARY KEY,
	at        INTEGER NOT NULL,
	actor_id  INTEGER NOT NULL,
	area_id   INTEGER NOT NULL,
	area_path TEXT NOT NULL,
	action    TEXT NOT NULL,
	entity    TEXT NOT NULL,
	entity_id INTEGER NOT NULL,
	data      TEXT NOT NULL,
	prev_hash TEXT NOT NULL,
	hash      TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_events(entity, entity_id, id);
CREATE INDEX audit_area ON audit_events(area_path, id);

CREATE TABLE audit_head (
	id        INTEGER PRIMARY KEY CHECK (id = 1),
	last_id   INTEGER NOT NULL,
	last_hash TEXT NOT NULL
);
INSERT INTO audit_head(id, last_id, last_hash)
	VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
