//! Reads on the hot paths (a list's page, the DataLoaders' rows) without sqlx's SQLite threads.
//!
//! sqlx runs each SQLite connection on a thread of its own: every statement is sent to that
//! thread and every row is sent back, each a wake-up of another thread. Under load those
//! hand-offs were about a fifth of the uncached list's time (README, "Where the uncached list's
//! time goes"). On a SQLite file these reads run instead on the calling thread, through
//! read-only connections of their own (WAL lets them read while the pool writes), within a
//! budget of SQLite VM steps ([`INLINE_STEPS`]): a statement that outruns it is interrupted and
//! run again from the start on a blocking thread, so a slow query never holds a runtime thread
//! for long. Each statement counts in `projector_db_statements_total` like the pool's.
//!
//! The statements are sea-orm's, built as for the pool, and their values are bound as sqlx
//! binds them (a UUID as its 16 bytes, a time as RFC 3339 text); rows are read into the same
//! types with sqlx's rules ([`Column`]). A statement whose values this module does not know how
//! to bind, and every read on PostgreSQL or an in-memory SQLite database, goes through the pool.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset as _, SecondsFormat, TimeZone, Utc};
use rusqlite::types::{Value as Sql, ValueRef};
use rusqlite::{ErrorCode, OpenFlags};
use sea_orm::sea_query::Value;
use sea_orm::{
    ConnectionTrait as _, DatabaseConnection, DbBackend, DbErr, FromQueryResult, QueryTrait,
    RuntimeErr, Statement,
};
use uuid::Uuid;

/// SQLite VM steps a statement may take on the calling thread. A page of cards with its
/// channels and tags takes a few thousand; a scan of a large table takes millions. Past this
/// the statement is interrupted (having held the thread for well under a millisecond) and run
/// again on a blocking thread.
pub const INLINE_STEPS: i32 = 50_000;

/// Idle read connections kept open. Reads on the calling thread hold one only while they run,
/// without awaiting, so about one per runtime thread is in use at a time.
const IDLE: usize = 8;

/// Where the hot paths read: the pool, and on a SQLite file its own read-only connections.
#[derive(Clone, Debug)]
pub struct Reads {
    pool: DatabaseConnection,
    local: Option<Arc<Local>>,
}

/// What the reads on a SQLite file count (shared with `/metrics`).
#[derive(Clone, Debug, Default)]
pub struct Counts {
    /// Every statement (the pool's metric callback counts its own into the same counter).
    pub statements: Arc<AtomicU64>,
    /// Statements that ran on the calling thread, within [`INLINE_STEPS`].
    pub calling: Arc<AtomicU64>,
    /// Statements that outran it and ran again on a blocking thread.
    pub blocking: Arc<AtomicU64>,
}

/// A type read from a row, by the pool (sea-orm's [`FromQueryResult`]) or on the calling thread
/// ([`Row::from_sqlite`], see [`sqlite_rows`]).
pub trait Row: FromQueryResult + Send + Sync + 'static {
    /// The columns it reads, by name.
    const COLUMNS: &'static [&'static str];
    /// Reads it from a row of a statement run on the calling thread, whose columns
    /// [`Row::COLUMNS`] are at `at` (found once per statement, not once per value).
    fn from_sqlite(row: &rusqlite::Row<'_>, at: &[usize]) -> rusqlite::Result<Self>;
}

impl Reads {
    /// Reads through `pool`; on a SQLite file also through connections of their own, whose
    /// statements are counted in `counts`.
    pub fn new(pool: DatabaseConnection, counts: Counts) -> Self {
        let local = (pool.get_database_backend() == DbBackend::Sqlite)
            .then(|| {
                let options = pool.get_sqlite_connection_pool().connect_options();
                let path = options.get_filename();
                let name = path.to_string_lossy();
                let memory = name.is_empty() || name == ":memory:" || name.starts_with("file:");
                (!memory).then(|| {
                    Arc::new(Local {
                        path: path.to_path_buf(),
                        idle: Mutex::new(Vec::new()),
                        counts,
                    })
                })
            })
            .flatten();
        Self { pool, local }
    }

    /// The pool, for everything else.
    pub fn pool(&self) -> &DatabaseConnection {
        &self.pool
    }

    /// Every row `query` selects, as a `T`.
    pub async fn select<T: Row>(&self, query: &impl QueryTrait) -> Result<Vec<T>, DbErr> {
        self.all(query.build(self.pool.get_database_backend()))
            .await
    }

    /// Every row of `statement` (built for this database's backend) as a `T`.
    pub async fn all<T: Row>(&self, statement: Statement) -> Result<Vec<T>, DbErr> {
        if let Some(local) = &self.local
            && let Some(values) = bind(&statement)
        {
            return local.all(statement.sql, values).await;
        }
        T::find_by_statement(statement).all(&self.pool).await
    }
}

/// Read-only connections to a SQLite file.
#[derive(Debug)]
struct Local {
    path: PathBuf,
    idle: Mutex<Vec<Conn>>,
    counts: Counts,
}

impl Local {
    async fn all<T: Row>(self: &Arc<Self>, sql: String, values: Vec<Sql>) -> Result<Vec<T>, DbErr> {
        self.counts.statements.fetch_add(1, Ordering::Relaxed);
        match self.run(&sql, &values, true) {
            Err(e) if interrupted(&e) => {
                self.counts.blocking.fetch_add(1, Ordering::Relaxed);
                let local = self.clone();
                tokio::task::spawn_blocking(move || local.run(&sql, &values, false))
                    .await
                    .map_err(|e| failed(&e))?
                    .map_err(|e| failed(&e))
            }
            rows => {
                self.counts.calling.fetch_add(1, Ordering::Relaxed);
                rows.map_err(|e| failed(&e))
            }
        }
    }

    /// Runs `sql` on an idle connection (or a new one), `inline` within [`INLINE_STEPS`].
    fn run<T: Row>(&self, sql: &str, values: &[Sql], inline: bool) -> rusqlite::Result<Vec<T>> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let conn = match idle {
            Some(conn) => conn,
            None => Conn::open(&self.path)?,
        };
        conn.inline.store(inline, Ordering::Relaxed);
        let rows = conn.rows(sql, values);
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < IDLE {
            idle.push(conn);
        }
        rows
    }
}

/// A read-only connection whose statements are interrupted after [`INLINE_STEPS`] while
/// `inline` is set.
struct Conn {
    sqlite: rusqlite::Connection,
    inline: Arc<AtomicBool>,
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conn").finish_non_exhaustive()
    }
}

impl Conn {
    fn open(path: &Path) -> rusqlite::Result<Self> {
        let sqlite = rusqlite::Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // As the pool's: a reader waits for a checkpoint's lock rather than failing.
        sqlite.busy_timeout(Duration::from_secs(10))?;
        sqlite.set_prepared_statement_cache_capacity(64);
        let inline = Arc::new(AtomicBool::new(true));
        let flag = inline.clone();
        // Called every INLINE_STEPS steps of a statement; `true` interrupts it.
        sqlite.progress_handler(INLINE_STEPS, Some(move || flag.load(Ordering::Relaxed)));
        Ok(Self { sqlite, inline })
    }

    fn rows<T: Row>(&self, sql: &str, values: &[Sql]) -> rusqlite::Result<Vec<T>> {
        let mut statement = self.sqlite.prepare_cached(sql)?;
        let at = T::COLUMNS
            .iter()
            .map(|name| statement.column_index(name))
            .collect::<rusqlite::Result<Vec<usize>>>()?;
        let mut rows = statement.query(rusqlite::params_from_iter(values))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(T::from_sqlite(row, &at)?);
        }
        Ok(out)
    }
}

fn interrupted(e: &rusqlite::Error) -> bool {
    e.sqlite_error_code() == Some(ErrorCode::OperationInterrupted)
}

fn failed(e: &dyn std::fmt::Display) -> DbErr {
    DbErr::Query(RuntimeErr::Internal(format!("SQLite read: {e}")))
}

/// `statement`'s values as sqlx binds them on SQLite (`None` for a kind not bound here).
fn bind(statement: &Statement) -> Option<Vec<Sql>> {
    let Some(values) = &statement.values else {
        return Some(Vec::new());
    };
    values.0.iter().map(value).collect()
}

fn value(v: &Value) -> Option<Sql> {
    fn or_null<T>(v: Option<T>, f: impl FnOnce(T) -> Sql) -> Sql {
        v.map_or(Sql::Null, f)
    }
    Some(match v {
        Value::Bool(b) => or_null(*b, |b| Sql::Integer(i64::from(b))),
        Value::TinyInt(i) => or_null(*i, |i| Sql::Integer(i64::from(i))),
        Value::SmallInt(i) => or_null(*i, |i| Sql::Integer(i64::from(i))),
        Value::Int(i) => or_null(*i, |i| Sql::Integer(i64::from(i))),
        Value::BigInt(i) => or_null(*i, Sql::Integer),
        Value::TinyUnsigned(i) => or_null(*i, |i| Sql::Integer(i64::from(i))),
        Value::SmallUnsigned(i) => or_null(*i, |i| Sql::Integer(i64::from(i))),
        Value::Unsigned(i) => or_null(*i, |i| Sql::Integer(i64::from(i))),
        // sqlx has no unsigned 64-bit integer on SQLite; sea-query's binder converts (a LIMIT).
        Value::BigUnsigned(Some(i)) => Sql::Integer(i64::try_from(*i).ok()?),
        Value::BigUnsigned(None) => Sql::Null,
        Value::Float(f) => or_null(*f, |f| Sql::Real(f64::from(f))),
        Value::Double(f) => or_null(*f, Sql::Real),
        Value::String(s) => or_null(s.as_deref(), |s| Sql::Text(s.clone())),
        Value::Char(c) => or_null(*c, |c| Sql::Text(c.to_string())),
        Value::Bytes(b) => or_null(b.as_deref(), |b| Sql::Blob(b.clone())),
        Value::Uuid(u) => or_null(u.as_deref(), |u| Sql::Blob(u.as_bytes().to_vec())),
        Value::ChronoDateTimeUtc(t) => or_null(t.as_deref(), |t| Sql::Text(rfc3339(t))),
        Value::ChronoDateTimeWithTimeZone(t) => or_null(t.as_deref(), |t| Sql::Text(rfc3339(t))),
        _ => return None,
    })
}

/// A time as sqlx writes it on SQLite.
fn rfc3339<Tz: TimeZone>(t: &DateTime<Tz>) -> String
where
    Tz::Offset: std::fmt::Display,
{
    t.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

/// The column at `index` of `row`, named `name`, read as sqlx reads it into a `T`.
pub fn get<T: Column>(row: &rusqlite::Row<'_>, index: usize, name: &str) -> rusqlite::Result<T> {
    let value = row.get_ref(index)?;
    T::read(value).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            index,
            value.data_type(),
            format!(
                "column {name} cannot be read as {}",
                std::any::type_name::<T>()
            )
            .into(),
        )
    })
}

/// A Rust type a column is read into, with sqlx's rules for SQLite.
pub trait Column: Sized {
    /// The value, or `None` when sqlx would refuse it.
    fn read(value: ValueRef<'_>) -> Option<Self>;
}

impl<T: Column> Column for Option<T> {
    fn read(value: ValueRef<'_>) -> Option<Self> {
        match value {
            ValueRef::Null => Some(None),
            v => T::read(v).map(Some),
        }
    }
}

/// [`Column`] for types read from one kind of SQLite value, as sqlx reads them.
macro_rules! columns {
    ($($ty:ty: $kind:pat => $read:expr;)*) => {$(
        impl Column for $ty {
            fn read(value: ValueRef<'_>) -> Option<Self> {
                match value {
                    $kind => $read,
                    _ => None,
                }
            }
        }
    )*};
}

columns! {
    Uuid: ValueRef::Blob(b) => Uuid::from_slice(b).ok();
    String: ValueRef::Text(t) => String::from_utf8(t.to_vec()).ok();
    i64: ValueRef::Integer(i) => Some(i);
    i32: ValueRef::Integer(i) => i32::try_from(i).ok();
    bool: ValueRef::Integer(i) => Some(i != 0);
}

impl Column for f64 {
    fn read(value: ValueRef<'_>) -> Option<Self> {
        match value {
            ValueRef::Real(f) => Some(f),
            #[expect(clippy::cast_precision_loss, reason = "as SQLite converts")]
            ValueRef::Integer(i) => Some(i as f64),
            _ => None,
        }
    }
}

impl Column for DateTime<Utc> {
    fn read(value: ValueRef<'_>) -> Option<Self> {
        let t = match value {
            ValueRef::Text(t) => time_from_text(std::str::from_utf8(t).ok()?),
            ValueRef::Integer(i) => Utc.fix().timestamp_opt(i, 0).single(),
            ValueRef::Real(f) => time_from_julian_day(f),
            _ => None,
        }?;
        Some(t.with_timezone(&Utc))
    }
}

/// sqlx's reading of a time stored as text: RFC 3339, then SQLite's own formats.
fn time_from_text(text: &str) -> Option<DateTime<FixedOffset>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t);
    }
    const FORMATS: [&str; 12] = [
        "%F %T%.f",
        "%F %R",
        "%F %RZ",
        "%F %R%:z",
        "%F %T%.fZ",
        "%F %T%.f%:z",
        "%FT%R",
        "%FT%RZ",
        "%FT%R%:z",
        "%FT%T%.f",
        "%FT%T%.fZ",
        "%FT%T%.f%:z",
    ];
    FORMATS.iter().find_map(|format| {
        DateTime::parse_from_str(text, format).ok().or_else(|| {
            NaiveDateTime::parse_from_str(text, format)
                .ok()
                .map(|t| Utc.fix().from_utc_datetime(&t))
        })
    })
}

/// sqlx's reading of a time stored as a Julian day number.
fn time_from_julian_day(day: f64) -> Option<DateTime<FixedOffset>> {
    let seconds = (day - 2_440_587.5) * 86_400.0;
    if !seconds.is_finite() {
        return None;
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "as sqlx converts"
    )]
    let (whole, nanos) = (seconds.trunc() as i64, (seconds.fract() * 1e9).abs() as u32);
    Utc.fix().timestamp_opt(whole, nanos).single()
}

/// Implements [`Row`] for structs read by column name, one column per field (a missing field
/// does not compile, so a column added to a model is added here too).
macro_rules! sqlite_rows {
    ($($ty:ty { $($field:ident),* $(,)? })*) => {$(
        impl $crate::db::reads::Row for $ty {
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),*];

            fn from_sqlite(row: &rusqlite::Row<'_>, at: &[usize]) -> rusqlite::Result<Self> {
                let mut at = at.iter().copied();
                Ok(Self {
                    $($field: $crate::db::reads::get(
                        row,
                        at.next().unwrap_or(usize::MAX),
                        stringify!($field),
                    )?,)*
                })
            }
        }
    )*};
}
pub(crate) use sqlite_rows;

sqlite_rows! {
    crate::channels::entity::channel::Model {
        id, name, slug, description, avatar_asset_id, banner_asset_id, view_count,
        subscriber_count, comment_moderation, playback_restriction, downloads_enabled,
        created_at, updated_at,
    }
    crate::taxonomy::entity::category::Model { id, parent_id, name, slug, created_at, updated_at }
    crate::media::entity::media_output::Model {
        id, asset_id, kind, name, storage_key, content_type, bytes, bitrate, width, height,
        duration_secs, extra, created_at,
    }
    crate::playlists::entity::playlist::Model {
        id, channel_id, title, slug, description, visibility, created_at, updated_at,
    }
    crate::podcasts::entity::podcast::Model {
        id, channel_id, title, slug, description, author, owner_name, owner_email,
        artwork_asset_id, language, itunes_categories, explicit, locked, podcast_type,
        visibility, created_at, updated_at,
    }
    crate::videos::entity::video::Model {
        id, channel_id, title, slug, description, status, visibility, publish_at, unpublish_at,
        duration_secs, language, license, category_id, view_count, like_count, comment_count,
        comments_enabled, trending_score, chapters, source_asset_id, poster_asset_id,
        media_error, playback_restriction, downloads_enabled, created_at, updated_at,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use sea_orm::{
        ActiveModelTrait as _, ColumnTrait, ConnectionTrait as _, EntityTrait,
        IntoActiveModel as _, QueryFilter, QueryTrait,
    };

    use super::*;
    use crate::channels::entity::channel;
    use crate::playlists::entity::playlist;
    use crate::podcasts::entity::podcast;
    use crate::taxonomy::entity::category;
    use crate::videos::entity::video;

    #[derive(Debug, FromQueryResult)]
    struct Count {
        n: i64,
    }

    sqlite_rows! {
        Count { n }
    }

    /// Inserts each model whole.
    macro_rules! insert {
        ($db:expr, $($model:expr),+) => {$(
            $model.clone().into_active_model().reset_all().insert($db).await.unwrap();
        )+};
    }

    async fn database() -> (tempfile::TempDir, DatabaseConnection) {
        let dir = tempfile::tempdir().unwrap();
        let config = crate::Config {
            database_url: secrecy::SecretString::from(format!(
                "sqlite://{}",
                dir.path().join("db.sqlite").display()
            )),
            ..crate::Config::default()
        };
        let db = crate::db::connect(&config).await.unwrap();
        crate::db::migrate(&db).await.unwrap();
        (dir, db)
    }

    fn count(sql: &str) -> Statement {
        Statement::from_string(DbBackend::Sqlite, sql)
    }

    #[tokio::test]
    async fn rows_read_on_the_calling_thread_equal_the_rows_sqlx_reads_in_every_column() {
        let (_dir, db) = database().await;
        // Times with nanoseconds, every optional column both set and empty, a float, a flag.
        let now = Utc::now();
        let channel = channel::Model {
            id: Uuid::now_v7(),
            name: "Ch \u{e9}".into(),
            slug: "ch".into(),
            description: "about".into(),
            avatar_asset_id: None,
            banner_asset_id: None,
            view_count: 7,
            subscriber_count: 3,
            comment_moderation: "hold_new".into(),
            playback_restriction: Some("{\"allow\":[]}".into()),
            downloads_enabled: true,
            created_at: now,
            updated_at: now,
        };
        insert!(&db, channel);
        let category = category::Model {
            id: Uuid::now_v7(),
            parent_id: None,
            name: "Cat".into(),
            slug: "cat".into(),
            created_at: now,
            updated_at: now,
        };
        insert!(&db, category);
        let full = video::Model {
            id: Uuid::now_v7(),
            channel_id: channel.id,
            title: "Full".into(),
            slug: "full".into(),
            description: "text".into(),
            status: "ready".into(),
            visibility: "public".into(),
            publish_at: Some(now - chrono::Duration::nanoseconds(1_234_567)),
            unpublish_at: Some(now + chrono::Duration::days(2)),
            duration_secs: Some(12.5),
            language: Some("fr".into()),
            license: Some("CC-BY-4.0".into()),
            category_id: Some(category.id),
            view_count: 42,
            like_count: 5,
            comment_count: 2,
            comments_enabled: true,
            trending_score: 1.25,
            chapters: "[{\"title\":\"A\",\"startSecs\":0}]".into(),
            source_asset_id: None,
            poster_asset_id: None,
            media_error: Some("no".into()),
            playback_restriction: Some("{}".into()),
            downloads_enabled: Some(false),
            created_at: now,
            updated_at: now,
        };
        let empty = video::Model {
            id: Uuid::now_v7(),
            title: "Empty".into(),
            slug: "empty".into(),
            publish_at: None,
            unpublish_at: None,
            duration_secs: None,
            language: None,
            license: None,
            category_id: None,
            comments_enabled: false,
            media_error: None,
            playback_restriction: None,
            downloads_enabled: None,
            ..full.clone()
        };
        insert!(&db, full, empty);
        let reads = Reads::new(db.clone(), Counts::default());
        assert!(
            reads.local.is_some(),
            "a SQLite file is read on the calling thread"
        );

        // Values bound as sqlx binds them: a UUID (bytes) and a time (text) in the filter.
        let videos = video::Entity::find()
            .filter(video::Column::ChannelId.eq(channel.id))
            .filter(video::Column::CreatedAt.lte(Utc::now()));
        let read: Vec<video::Model> = reads
            .all(videos.clone().build(DbBackend::Sqlite))
            .await
            .unwrap();
        let mut pooled = videos.all(&db).await.unwrap();
        assert_eq!(read.len(), 2, "both videos match the filter");
        pooled.sort_by_key(|v| v.id);
        let mut read = read;
        read.sort_by_key(|v| v.id);
        assert_eq!(read, pooled);
        assert_eq!(read, vec![full.clone(), empty.clone()]);

        let channels: Vec<channel::Model> = reads
            .all(channel::Entity::find().build(DbBackend::Sqlite))
            .await
            .unwrap();
        assert_eq!(channels, vec![channel.clone()]);
        let categories: Vec<category::Model> = reads
            .all(category::Entity::find().build(DbBackend::Sqlite))
            .await
            .unwrap();
        assert_eq!(categories, vec![category]);
        let playlist = playlist::Model {
            id: Uuid::now_v7(),
            channel_id: channel.id,
            title: "List".into(),
            slug: "list".into(),
            description: String::new(),
            visibility: "unlisted".into(),
            created_at: now,
            updated_at: now,
        };
        insert!(&db, playlist);
        let playlists: Vec<playlist::Model> = reads
            .all(playlist::Entity::find().build(DbBackend::Sqlite))
            .await
            .unwrap();
        assert_eq!(playlists, vec![playlist]);
        let podcasts: Vec<podcast::Model> = reads
            .all(podcast::Entity::find().build(DbBackend::Sqlite))
            .await
            .unwrap();
        assert_eq!(podcasts, podcast::Entity::find().all(&db).await.unwrap());
    }

    #[tokio::test]
    async fn a_statement_that_outruns_its_budget_finishes_on_a_blocking_thread_and_counts_once() {
        let (_dir, db) = database().await;
        let counts = Counts::default();
        let reads = Reads::new(db, counts.clone());
        let small: Vec<Count> = reads.all(count("SELECT 1 AS n")).await.unwrap();
        assert_eq!(small[0].n, 1);
        assert_eq!(
            counts.blocking.load(Ordering::Relaxed),
            0,
            "a cheap statement stays"
        );
        // Hundreds of thousands of rows counted: far more steps than the budget.
        let big: Vec<Count> = reads
            .all(count(
                "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 300000) \
                 SELECT COUNT(*) AS n FROM c",
            ))
            .await
            .unwrap();
        assert_eq!(
            big[0].n, 300_000,
            "the moved statement ran whole, from the start"
        );
        assert_eq!(
            counts.statements.load(Ordering::Relaxed),
            2,
            "one count per statement"
        );
        assert_eq!(counts.calling.load(Ordering::Relaxed), 1);
        assert_eq!(counts.blocking.load(Ordering::Relaxed), 1);
        let again: Vec<Count> = reads.all(count("SELECT 2 AS n")).await.unwrap();
        assert_eq!(
            again[0].n, 2,
            "the connection is reused with its budget back"
        );
        assert_eq!(counts.calling.load(Ordering::Relaxed), 2);
        assert_eq!(counts.blocking.load(Ordering::Relaxed), 1);
    }

    #[tokio::test]
    async fn a_read_sees_what_the_pool_just_committed_and_can_write_nothing() {
        let (_dir, db) = database().await;
        let reads = Reads::new(db.clone(), Counts::default());
        let before: Vec<Count> = reads
            .all(count("SELECT COUNT(*) AS n FROM tags"))
            .await
            .unwrap();
        assert_eq!(before[0].n, 0);
        db.execute_unprepared(
            "INSERT INTO tags (id, name, slug, created_at) VALUES (x'00112233445566778899aabbccddeeff', 't', 't', '2026-01-01T00:00:00+00:00')",
        )
        .await
        .unwrap();
        let after: Vec<Count> = reads
            .all(count("SELECT COUNT(*) AS n FROM tags"))
            .await
            .unwrap();
        assert_eq!(after[0].n, 1, "committed by the pool, seen at once");
        let write = reads
            .all::<Count>(count("DELETE FROM tags RETURNING 1 AS n"))
            .await;
        assert!(write.is_err(), "the read connections are read-only");
        let still: Vec<Count> = reads
            .all(count("SELECT COUNT(*) AS n FROM tags"))
            .await
            .unwrap();
        assert_eq!(still[0].n, 1, "and nothing was deleted");
    }

    #[tokio::test]
    async fn an_in_memory_database_is_read_through_the_pool() {
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        let reads = Reads::new(db, Counts::default());
        assert!(reads.local.is_none());
        let rows: Vec<Count> = reads.all(count("SELECT 3 AS n")).await.unwrap();
        assert_eq!(rows[0].n, 3);
    }
}
