namespace AiTradingBot.Storage.Migrations;

/// <summary>
/// The embedded (SQLite) schema history: the same tables as PostgreSQL, with decimals as TEXT (exact) and times as
/// INTEGER UTC ticks (comparable). Append new versions; never edit an applied one.
/// </summary>
internal static class SqliteMigrations
{
    /// <summary>All versions, oldest first.</summary>
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "initial schema", """
            CREATE TABLE IF NOT EXISTS bots (
                bot_id TEXT NOT NULL PRIMARY KEY,
                name TEXT NOT NULL,
                system TEXT NULL,
                strategy TEXT NULL
            );

            CREATE TABLE IF NOT EXISTS orders (
                id INTEGER PRIMARY KEY,
                client_order_id TEXT NOT NULL UNIQUE,
                exchange_order_id TEXT NULL,
                bot_id TEXT NOT NULL,
                symbol TEXT NOT NULL,
                category TEXT NOT NULL,
                side TEXT NOT NULL,
                type TEXT NOT NULL,
                qty TEXT NOT NULL,
                price TEXT NULL,
                trigger_price TEXT NULL,
                trigger_direction TEXT NULL,
                take_profit TEXT NULL,
                stop_loss TEXT NULL,
                leverage INTEGER NULL,
                reduce_only INTEGER NOT NULL,
                accepted INTEGER NOT NULL,
                status TEXT NOT NULL,
                filled_qty TEXT NOT NULL,
                avg_price TEXT NULL,
                reject_reason TEXT NULL,
                already_existed INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE INDEX IF NOT EXISTS orders_created_at_idx ON orders (created_at);

            CREATE TABLE IF NOT EXISTS fills (
                exec_id TEXT NOT NULL PRIMARY KEY,
                order_id TEXT NOT NULL,
                client_order_id TEXT NULL,
                bot_id TEXT NOT NULL,
                symbol TEXT NOT NULL,
                category TEXT NOT NULL,
                side TEXT NOT NULL CHECK (side IN ('Buy', 'Sell')),
                price TEXT NOT NULL,
                qty TEXT NOT NULL,
                fee TEXT NOT NULL,
                fee_currency TEXT NOT NULL,
                exec_time INTEGER NOT NULL,
                realized_pnl TEXT NOT NULL,
                closing INTEGER NOT NULL,
                close_reason TEXT NULL,
                ingested_at INTEGER NOT NULL
            );
            CREATE INDEX IF NOT EXISTS fills_exec_time_idx ON fills (exec_time);
            CREATE INDEX IF NOT EXISTS fills_bot_time_idx ON fills (bot_id, exec_time);
            CREATE INDEX IF NOT EXISTS fills_symbol_time_idx ON fills (symbol, exec_time);

            CREATE TABLE IF NOT EXISTS bot_positions (
                bot_id TEXT NOT NULL,
                symbol TEXT NOT NULL,
                qty TEXT NOT NULL,
                avg_price TEXT NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (bot_id, symbol)
            );

            CREATE TABLE IF NOT EXISTS audit_log (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                time INTEGER NOT NULL,
                channel TEXT NOT NULL,
                user_id TEXT NOT NULL,
                user_name TEXT NULL,
                chat_id TEXT NOT NULL,
                text TEXT NOT NULL,
                plan_json TEXT NULL,
                decision TEXT NOT NULL,
                reasons TEXT NOT NULL,
                steps TEXT NOT NULL,
                confirmation_id TEXT NULL,
                mode TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS audit_log_time_idx ON audit_log (time);
            CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN
                SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE is not allowed');
            END;
            CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN
                SELECT RAISE(ABORT, 'audit_log is append-only: DELETE is not allowed');
            END;

            CREATE TABLE IF NOT EXISTS kv (
                key TEXT NOT NULL PRIMARY KEY,
                value TEXT NOT NULL,
                updated_at INTEGER NOT NULL
            );

            CREATE TABLE IF NOT EXISTS report_schedules (
                kind TEXT NOT NULL,
                chat_id TEXT NOT NULL,
                cron TEXT NOT NULL,
                time_zone TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (kind, chat_id)
            );
            """),
        new(2, "trading halt events", """
            CREATE TABLE IF NOT EXISTS halt_events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                time INTEGER NOT NULL,
                halted INTEGER NOT NULL,
                actor TEXT NOT NULL,
                reason TEXT NOT NULL
            );
            CREATE TRIGGER IF NOT EXISTS halt_events_no_update BEFORE UPDATE ON halt_events
            BEGIN
                SELECT RAISE(ABORT, 'halt_events is append-only: UPDATE is not allowed');
            END;
            CREATE TRIGGER IF NOT EXISTS halt_events_no_delete BEFORE DELETE ON halt_events
            BEGIN
                SELECT RAISE(ABORT, 'halt_events is append-only: DELETE is not allowed');
            END;
            """),
        new(3, "positions per bot, symbol and category", """
            -- Spot holdings and linear positions on one symbol never net: the category joins the key (SQLite cannot
            -- change a primary key in place, so the table is rebuilt). Rows from before were linear.
            CREATE TABLE IF NOT EXISTS bot_positions_by_category (
                bot_id TEXT NOT NULL,
                symbol TEXT NOT NULL,
                category TEXT NOT NULL,
                qty TEXT NOT NULL,
                avg_price TEXT NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (bot_id, symbol, category)
            );
            INSERT OR IGNORE INTO bot_positions_by_category (bot_id, symbol, category, qty, avg_price, updated_at)
                SELECT bot_id, symbol, 'Linear', qty, avg_price, updated_at FROM bot_positions;
            DROP TABLE bot_positions;
            ALTER TABLE bot_positions_by_category RENAME TO bot_positions;
            """),
        new(4, "embedded live state, paper account and its fill outbox", """
            -- The key-value port's embedded default (tokens, halt cache, offsets, leases, schedules, chat context):
            -- expires_at is UTC ticks, NULL for durable keys.
            CREATE TABLE IF NOT EXISTS live_state (
                key TEXT NOT NULL PRIMARY KEY,
                value TEXT NOT NULL,
                expires_at INTEGER NULL
            );
            CREATE INDEX IF NOT EXISTS live_state_expires_idx ON live_state (expires_at) WHERE expires_at IS NOT NULL;
            -- The paper exchange's account (one JSON document) and the fills each change produced, written in the
            -- same transaction; a fill leaves the outbox only after the fills path has stored it.
            CREATE TABLE IF NOT EXISTS paper_account (
                id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
                state TEXT NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE TABLE IF NOT EXISTS paper_fill_outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                fill TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                delivered_at INTEGER NULL
            );
            CREATE INDEX IF NOT EXISTS paper_fill_outbox_pending_idx ON paper_fill_outbox (id) WHERE delivered_at IS NULL;
            """),
        new(5, "fill dead letters and audit trace id", """
            -- Executions the fills path could not store, with the raw event and a reason; one row per dedupe key.
            CREATE TABLE IF NOT EXISTS fill_dead_letters (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                dedupe_key TEXT NOT NULL UNIQUE,
                exec_id TEXT NULL,
                kind TEXT NOT NULL,
                reason TEXT NOT NULL,
                raw_event TEXT NOT NULL,
                received_at INTEGER NOT NULL
            );
            ALTER TABLE audit_log ADD COLUMN trace_id TEXT NULL;
            """),
    ];
}
