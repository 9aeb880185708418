-- 0003: the other three rings: projects, special funds and their ledger, venues and bookings,
-- activities with sign-ups and attendance, feedback and evaluations.
-- Money is integer fen. Running totals (funds.allocated_fen, fund_allocations.used_fen,
-- projects.allocated_fen and spent_fen) are kept in the same transaction as the rows they sum;
-- the CHECKs make over-allocation and over-spending impossible even if a rule were missed.

-- A special fund (专项资金) of an area for a year.
CREATE TABLE funds (
	id            INTEGER PRIMARY KEY,
	area_id       INTEGER NOT NULL REFERENCES areas(id),
	area_path     TEXT NOT NULL,
	year          INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	name          TEXT NOT NULL,
	amount_fen    INTEGER NOT NULL CHECK (amount_fen > 0),
	allocated_fen INTEGER NOT NULL DEFAULT 0 CHECK (allocated_fen >= 0 AND allocated_fen <= amount_fen),
	created_by    INTEGER REFERENCES users(id),
	created_at    INTEGER NOT NULL
);
CREATE INDEX funds_area ON funds(area_path, year, id);

CREATE TABLE projects (
	id            INTEGER PRIMARY KEY,
	area_id       INTEGER NOT NULL REFERENCES areas(id),
	area_path     TEXT NOT NULL,
	community_id  INTEGER NOT NULL REFERENCES areas(id),
	title         TEXT NOT NULL,
	goals         TEXT NOT NULL,
	feasibility   TEXT NOT NULL,
	budget_fen    INTEGER NOT NULL CHECK (budget_fen >= 0),
	fund_id       INTEGER REFERENCES funds(id),
	status        TEXT NOT NULL CHECK (status IN ('draft','proposed','approved','rejected','in_progress','evaluating','closed','cancelled')),
	reason        TEXT,
	allocated_fen INTEGER NOT NULL DEFAULT 0 CHECK (allocated_fen >= 0),
	spent_fen     INTEGER NOT NULL DEFAULT 0 CHECK (spent_fen >= 0 AND spent_fen <= allocated_fen),
	created_by    INTEGER REFERENCES users(id),
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	stage_at      INTEGER NOT NULL, -- when the current status was entered
	due_at        INTEGER,          -- the current stage's deadline (NULL: none)
	approved_at   INTEGER,
	closed_at     INTEGER
);
CREATE INDEX projects_area ON projects(area_path, id);
CREATE INDEX projects_community ON projects(community_id, id);
CREATE INDEX projects_fund ON projects(fund_id);

CREATE TABLE project_needs (
	project_id INTEGER NOT NULL REFERENCES projects(id),
	need_id    INTEGER NOT NULL REFERENCES needs(id),
	PRIMARY KEY (project_id, need_id)
);
CREATE INDEX project_needs_need ON project_needs(need_id);

CREATE TABLE project_providers (
	project_id  INTEGER NOT NULL REFERENCES projects(id),
	provider_id INTEGER NOT NULL REFERENCES providers(id),
	PRIMARY KEY (project_id, provider_id)
);

CREATE TABLE project_history (
	id          INTEGER PRIMARY KEY,
	project_id  INTEGER NOT NULL REFERENCES projects(id),
	from_status TEXT,
	to_status   TEXT NOT NULL,
	actor_id    INTEGER REFERENCES users(id),
	at          INTEGER NOT NULL,
	reason      TEXT
);
CREATE INDEX project_history_project ON project_history(project_id, id);

-- An allocation gives part of a fund to an area inside the fund's area (an earmark, e.g. a
-- courtyard's share) or to a project. A project allocation draws from the earmark of the
-- project's area when there is one (parent_id), else from the fund itself.
CREATE TABLE fund_allocations (
	id         INTEGER PRIMARY KEY,
	fund_id    INTEGER NOT NULL REFERENCES funds(id),
	area_id    INTEGER NOT NULL REFERENCES areas(id),
	area_path  TEXT NOT NULL,
	project_id INTEGER REFERENCES projects(id),
	parent_id  INTEGER REFERENCES fund_allocations(id),
	amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
	used_fen   INTEGER NOT NULL DEFAULT 0 CHECK (used_fen >= 0 AND used_fen <= amount_fen),
	note       TEXT,
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
);
CREATE INDEX fund_allocations_fund ON fund_allocations(fund_id, id);
CREATE INDEX fund_allocations_project ON fund_allocations(project_id, id);
CREATE INDEX fund_allocations_earmark ON fund_allocations(fund_id, area_id) WHERE project_id IS NULL;

CREATE TABLE expenditures (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects(id),
	fund_id    INTEGER NOT NULL REFERENCES funds(id),
	area_path  TEXT NOT NULL,
	amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
	payee      TEXT NOT NULL,
	receipt_no TEXT NOT NULL,
	note       TEXT,
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL,
	UNIQUE (project_id, receipt_no)
);
CREATE INDEX expenditures_fund ON expenditures(fund_id, id);
CREATE INDEX expenditures_area ON expenditures(area_path, id);

-- Venues (e.g. 七彩空间) and their colour-coded zones; bookings of a zone never overlap.
CREATE TABLE venues (
	id         INTEGER PRIMARY KEY,
	area_id    INTEGER NOT NULL REFERENCES areas(id),
	area_path  TEXT NOT NULL,
	name       TEXT NOT NULL,
	address    TEXT,
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
);
CREATE INDEX venues_area ON venues(area_path, id);

CREATE TABLE venue_zones (
	id        INTEGER PRIMARY KEY,
	venue_id  INTEGER NOT NULL REFERENCES venues(id),
	name      TEXT NOT NULL,
	colour    TEXT NOT NULL,
	purpose   TEXT,
	capacity  INTEGER CHECK (capacity IS NULL OR capacity > 0),
	UNIQUE (venue_id, name)
);

CREATE TABLE activities (
	id           INTEGER PRIMARY KEY,
	project_id   INTEGER NOT NULL REFERENCES projects(id),
	area_id      INTEGER NOT NULL REFERENCES areas(id),
	area_path    TEXT NOT NULL,
	title        TEXT NOT NULL,
	category     TEXT NOT NULL REFERENCES categories(code),
	starts_at    INTEGER NOT NULL,
	ends_at      INTEGER NOT NULL CHECK (ends_at > starts_at),
	zone_id      INTEGER REFERENCES venue_zones(id),
	capacity     INTEGER CHECK (capacity IS NULL OR capacity > 0),
	signups      INTEGER NOT NULL DEFAULT 0 CHECK (signups >= 0),
	person_times INTEGER NOT NULL DEFAULT 0 CHECK (person_times >= 0),
	created_by   INTEGER REFERENCES users(id),
	created_at   INTEGER NOT NULL
);
CREATE INDEX activities_project ON activities(project_id, starts_at);
CREATE INDEX activities_area ON activities(area_path, starts_at);

CREATE TABLE bookings (
	id          INTEGER PRIMARY KEY,
	zone_id     INTEGER NOT NULL REFERENCES venue_zones(id),
	starts_at   INTEGER NOT NULL,
	ends_at     INTEGER NOT NULL CHECK (ends_at > starts_at),
	purpose     TEXT NOT NULL,
	activity_id INTEGER REFERENCES activities(id),
	created_by  INTEGER REFERENCES users(id),
	created_at  INTEGER NOT NULL
);
CREATE INDEX bookings_zone ON bookings(zone_id, starts_at);
CREATE INDEX bookings_activity ON bookings(activity_id) WHERE activity_id IS NOT NULL;

CREATE TABLE activity_signups (
	activity_id INTEGER NOT NULL REFERENCES activities(id),
	user_id     INTEGER NOT NULL REFERENCES users(id),
	created_at  INTEGER NOT NULL,
	PRIMARY KEY (activity_id, user_id)
);
CREATE INDEX activity_signups_user ON activity_signups(user_id);

-- Beneficiaries' satisfaction: once per resident per project.
CREATE TABLE feedback (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects(id),
	user_id    INTEGER NOT NULL REFERENCES users(id),
	area_path  TEXT NOT NULL,
	rating     TEXT NOT NULL CHECK (rating IN ('satisfied','basically_satisfied','unsatisfied')),
	score      INTEGER CHECK (score IS NULL OR score BETWEEN 1 AND 5),
	comment    TEXT,
	created_at INTEGER NOT NULL,
	UNIQUE (project_id, user_id)
);
CREATE INDEX feedback_area ON feedback(area_path, created_at);

-- A third party's scorecard and report: once per evaluator per project.
CREATE TABLE evaluations (
	id           INTEGER PRIMARY KEY,
	project_id   INTEGER NOT NULL REFERENCES projects(id),
	evaluator_id INTEGER NOT NULL REFERENCES users(id),
	score        INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
	scorecard    TEXT NOT NULL DEFAULT '{}',
	report       TEXT NOT NULL,
	created_at   INTEGER NOT NULL,
	UNIQUE (project_id, evaluator_id)
);
