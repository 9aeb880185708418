-- 0005: the fund split and participatory budgeting (issue 6).
-- area_population is the population register of a courtyard that the need-weighted split of a
-- fund weighs (engine/allocate.h). A budgeting round (pb_rounds) offers projects with costs to
-- the residents of an area; each resident casts one approval ballot, replaceable until the
-- round closes. Closing ends the voting (status counting), then stores the rule's result
-- (winners, support, what each supporter group paid) as JSON and per project. Money is
-- integer fen.

CREATE TABLE area_population (
	area_id    INTEGER PRIMARY KEY REFERENCES areas(id),
	residents  INTEGER NOT NULL CHECK (residents >= 0),
	elderly    INTEGER NOT NULL CHECK (elderly >= 0),
	children   INTEGER NOT NULL CHECK (children >= 0),
	disabled   INTEGER NOT NULL CHECK (disabled >= 0),
	low_income INTEGER NOT NULL CHECK (low_income >= 0),
	updated_by INTEGER REFERENCES users(id),
	updated_at INTEGER NOT NULL
);

CREATE TABLE pb_rounds (
	id             INTEGER PRIMARY KEY,
	area_id        INTEGER NOT NULL REFERENCES areas(id),
	area_path      TEXT NOT NULL,
	fund_id        INTEGER REFERENCES funds(id),
	title          TEXT NOT NULL,
	budget_fen     INTEGER NOT NULL CHECK (budget_fen > 0),
	rule           TEXT NOT NULL,
	vote_type      TEXT NOT NULL CHECK (vote_type IN ('approval','cumulative')),
	min_approvals  INTEGER NOT NULL CHECK (min_approvals >= 0),
	max_approvals  INTEGER NOT NULL CHECK (max_approvals >= min_approvals),
	status         TEXT NOT NULL CHECK (status IN ('open','counting','closed')),
	ballots        INTEGER NOT NULL DEFAULT 0 CHECK (ballots >= 0),
	result         TEXT,                       -- JSON, set at close
	created_by     INTEGER REFERENCES users(id),
	created_at     INTEGER NOT NULL,
	closed_by      INTEGER REFERENCES users(id),
	closed_at      INTEGER
);
CREATE INDEX pb_rounds_area ON pb_rounds(area_path, id);

-- The projects of a round: code is the id the rules and .pb files use (ties go to the smaller
-- code as a string); selected is the selection order from 1 (0 = not chosen) after close.
CREATE TABLE pb_round_projects (
	round_id   INTEGER NOT NULL REFERENCES pb_rounds(id),
	pos        INTEGER NOT NULL,
	code       TEXT NOT NULL,
	project_id INTEGER REFERENCES projects(id),
	title      TEXT NOT NULL,
	cost_fen   INTEGER NOT NULL CHECK (cost_fen >= 0),
	supporters INTEGER,
	selected   INTEGER,
	PRIMARY KEY (round_id, pos),
	UNIQUE (round_id, code)
);

-- One ballot per resident (user_id) or per imported voter (voter_key): the positions of the
-- approved projects, comma-separated, and on cumulative ballots their points.
CREATE TABLE pb_ballots (
	id         INTEGER PRIMARY KEY,
	round_id   INTEGER NOT NULL REFERENCES pb_rounds(id),
	user_id    INTEGER REFERENCES users(id),
	voter_key  TEXT,
	approvals  TEXT NOT NULL,
	points     TEXT,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (round_id, user_id)
);
CREATE INDEX pb_ballots_round ON pb_ballots(round_id, id);
