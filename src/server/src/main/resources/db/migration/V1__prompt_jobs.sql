-- Prompt-search (PromptQuine) jobs: the request, state, progress and the last checkpoint of each.
CREATE TABLE prompt_jobs (
    id            VARCHAR(36)      NOT NULL PRIMARY KEY,
    state         VARCHAR(16)      NOT NULL,
    request       TEXT             NOT NULL,
    checkpoint    TEXT,
    generation    INTEGER          NOT NULL DEFAULT 0,
    evaluations   INTEGER          NOT NULL DEFAULT 0,
    max_evaluations INTEGER        NOT NULL DEFAULT 0,
    best_fitness  DOUBLE PRECISION,
    best_prompt   TEXT,
    result        TEXT,
    error         TEXT,
    created_at    BIGINT           NOT NULL,
    updated_at    BIGINT           NOT NULL,
    finished_at   BIGINT
);
CREATE INDEX prompt_jobs_state ON prompt_jobs (state, created_at);
