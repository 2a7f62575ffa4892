-- postsched initial schema (design.md §3). Column names follow the seed
-- service where it had them; instants are fixed-width UTC ISO-8601 text
-- ("2026-11-28T19:51:36.000Z") so text order is time order.

CREATE TABLE social_accounts (
    id                      TEXT PRIMARY KEY,
    user_id                 TEXT,
    platform                TEXT NOT NULL,
    name                    TEXT NOT NULL UNIQUE,
    account_id              TEXT,               -- the platform's own id
    account_name            TEXT,               -- display name
    account_username        TEXT,
    access_token_encrypted  TEXT,               -- Fernet; for webhooks, the URL
    refresh_token_encrypted TEXT,
    token_expiry            TEXT,
    instance_url            TEXT,               -- Mastodon instance, Bluesky PDS
    settings                TEXT NOT NULL DEFAULT '{}',
    is_active               INTEGER NOT NULL DEFAULT 1,
    needs_reconnect         INTEGER NOT NULL DEFAULT 0,
    refreshing_until        TEXT,               -- refresh lease (design.md §5.5)
    last_used               TEXT,
    created_at              TEXT NOT NULL
);

CREATE TABLE scheduled_posts (
    id              TEXT PRIMARY KEY,
    user_id         TEXT,
    content         TEXT NOT NULL,
    parts           TEXT NOT NULL DEFAULT '[]',  -- JSON: thread parts after content
    media_urls      TEXT NOT NULL DEFAULT '[]',  -- JSON: URLs or absolute paths
    media_alt       TEXT NOT NULL DEFAULT '[]',  -- JSON: alt text per media item
    options         TEXT NOT NULL DEFAULT '{}',  -- JSON: per-platform options
    scheduled_at    TEXT NOT NULL,
    timezone        TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN
                        ('draft','pending','posting','posted','failed','cancelled')),
    article_id      TEXT,
    max_lateness_ms INTEGER,                     -- NULL: the configured default
    idempotency_key TEXT UNIQUE,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    approved_at     TEXT
);
CREATE INDEX scheduled_posts_status_time ON scheduled_posts (status, scheduled_at);

CREATE TABLE post_targets (
    id                TEXT PRIMARY KEY,
    post_id           TEXT NOT NULL REFERENCES scheduled_posts (id) ON DELETE CASCADE,
    account_id        TEXT NOT NULL REFERENCES social_accounts (id),
    status            TEXT NOT NULL CHECK (status IN
                          ('pending','claimed','sending','posted','failed',
                           'cancelled','skipped','unknown')),
    platform_post_id  TEXT,
    platform_post_url TEXT,
    error_message     TEXT,
    posted_at         TEXT,
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   TEXT NOT NULL,             -- due time: scheduled, backoff or reset
    claimed_until     TEXT,                      -- lease of a claimed/sending target
    claim_token       TEXT,
    sending_at        TEXT,                      -- when the request started
    last_error_kind   TEXT,
    adapter_state     TEXT NOT NULL DEFAULT '{}',
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (post_id, account_id)
);
-- The due query: status = 'pending' AND next_attempt_at <= now.
CREATE INDEX post_targets_due ON post_targets (status, next_attempt_at);
-- Lease recovery: status IN ('claimed','sending') AND claimed_until < now.
CREATE INDEX post_targets_lease ON post_targets (status, claimed_until);
CREATE INDEX post_targets_account ON post_targets (account_id, status);

CREATE TABLE post_analytics (
    id             TEXT PRIMARY KEY,
    post_target_id TEXT NOT NULL REFERENCES post_targets (id) ON DELETE CASCADE,
    likes          INTEGER,
    comments       INTEGER,
    shares         INTEGER,
    impressions    INTEGER,
    clicks         INTEGER,
    recorded_at    TEXT NOT NULL
);
CREATE INDEX post_analytics_target ON post_analytics (post_target_id, recorded_at);

-- Rate limits and pauses per account (scope = account id) or app
-- (scope = "app:<platform>"); a row whose reset_at is in the future holds
-- every target of that scope without calling the platform.
CREATE TABLE rate_limits (
    scope      TEXT NOT NULL,
    bucket     TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('rate_limited','paused')),
    remaining  INTEGER,
    reset_at   TEXT,
    reason     TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (scope, bucket)
);

CREATE TABLE runs (
    id          TEXT PRIMARY KEY,
    host        TEXT NOT NULL,
    pid         INTEGER NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    claimed     INTEGER NOT NULL DEFAULT 0,
    posted      INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0,
    deferred    INTEGER NOT NULL DEFAULT 0,
    released    INTEGER NOT NULL DEFAULT 0,
    unknown     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX runs_started ON runs (started_at);
