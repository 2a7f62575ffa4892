-- postsched initial schema for PostgreSQL (design.md §3): the SQLite schema
-- (schema/sqlite/0001_initial.sql) with native types. Instants are timestamptz
-- (UTC), JSON columns jsonb, flags boolean. Ids, names and rate-limit scopes
-- use the "C" collation: bytewise order as in SQLite, and `id LIKE 'prefix%'`
-- can use the primary key index (id prefixes in `post show`, `target`).

CREATE TABLE social_accounts (
    id                      text COLLATE "C" PRIMARY KEY,
    user_id                 text,
    platform                text NOT NULL,
    name                    text COLLATE "C" NOT NULL UNIQUE,
    account_id              text,               -- the platform's own id
    account_name            text,               -- display name
    account_username        text,
    access_token_encrypted  text,               -- Fernet; for webhooks, the URL
    refresh_token_encrypted text,
    token_expiry            timestamptz,
    instance_url            text,               -- Mastodon instance, Bluesky PDS
    settings                jsonb NOT NULL DEFAULT '{}',
    is_active               boolean NOT NULL DEFAULT true,
    needs_reconnect         boolean NOT NULL DEFAULT false,
    refreshing_until        timestamptz,        -- refresh lease (design.md §5.5), database clock
    last_used               timestamptz,
    created_at              timestamptz NOT NULL
);

CREATE TABLE scheduled_posts (
    id              text COLLATE "C" PRIMARY KEY,
    user_id         text,
    content         text NOT NULL,
    parts           jsonb NOT NULL DEFAULT '[]',  -- thread parts after content
    media_urls      jsonb NOT NULL DEFAULT '[]',  -- URLs or absolute paths
    media_alt       jsonb NOT NULL DEFAULT '[]',  -- alt text per media item
    options         jsonb NOT NULL DEFAULT '{}',  -- per-platform options
    scheduled_at    timestamptz NOT NULL,
    timezone        text NOT NULL,
    status          text NOT NULL CHECK (status IN
                        ('draft','pending','posting','posted','failed','cancelled')),
    article_id      text,
    max_lateness_ms bigint,                       -- NULL: the configured default
    idempotency_key text UNIQUE,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    approved_at     timestamptz
);
CREATE INDEX scheduled_posts_status_time ON scheduled_posts (status, scheduled_at);

CREATE TABLE post_targets (
    id                text COLLATE "C" PRIMARY KEY,
    post_id           text COLLATE "C" NOT NULL REFERENCES scheduled_posts (id) ON DELETE CASCADE,
    account_id        text COLLATE "C" NOT NULL REFERENCES social_accounts (id),
    status            text NOT NULL CHECK (status IN
                          ('pending','claimed','sending','posted','failed',
                           'cancelled','skipped','unknown')),
    platform_post_id  text,
    platform_post_url text,
    error_message     text,
    posted_at         timestamptz,
    attempts          integer NOT NULL DEFAULT 0,
    next_attempt_at   timestamptz NOT NULL,      -- due time: scheduled, backoff or reset
    claimed_until     timestamptz,               -- lease of a claimed/sending target, database clock
    claim_token       text,
    sending_at        timestamptz,               -- when the request started
    last_error_kind   text,
    adapter_state     jsonb NOT NULL DEFAULT '{}',
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    UNIQUE (post_id, account_id)
);
-- The due query: status = 'pending' AND next_attempt_at <= now.
CREATE INDEX post_targets_due ON post_targets (status, next_attempt_at);
-- Lease recovery: status IN ('claimed','sending') AND claimed_until < now.
CREATE INDEX post_targets_lease ON post_targets (status, claimed_until);
CREATE INDEX post_targets_account ON post_targets (account_id, status);

CREATE TABLE post_analytics (
    id             text COLLATE "C" PRIMARY KEY,
    post_target_id text COLLATE "C" NOT NULL REFERENCES post_targets (id) ON DELETE CASCADE,
    likes          bigint,
    comments       bigint,
    shares         bigint,
    impressions    bigint,
    clicks         bigint,
    recorded_at    timestamptz NOT NULL
);
CREATE INDEX post_analytics_target ON post_analytics (post_target_id, recorded_at);

-- Rate limits and pauses per account (scope = account id) or app
-- (scope = "app:<platform>"); a row whose reset_at is in the future holds
-- every target of that scope without calling the platform.
CREATE TABLE rate_limits (
    scope      text COLLATE "C" NOT NULL,
    bucket     text COLLATE "C" NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('rate_limited','paused')),
    remaining  integer,
    reset_at   timestamptz,
    reason     text,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (scope, bucket)
);

CREATE TABLE runs (
    id          text COLLATE "C" PRIMARY KEY,
    host        text NOT NULL,
    pid         bigint NOT NULL,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz,
    claimed     integer NOT NULL DEFAULT 0,
    posted      integer NOT NULL DEFAULT 0,
    failed      integer NOT NULL DEFAULT 0,
    deferred    integer NOT NULL DEFAULT 0,
    released    integer NOT NULL DEFAULT 0,
    unknown     integer NOT NULL DEFAULT 0
);
CREATE INDEX runs_started ON runs (started_at);
