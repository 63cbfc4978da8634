//! The `projector` command line.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::accounts::capabilities::{Capabilities, Capability};
use crate::accounts::entity::user;
use crate::accounts::service::{self, NewUser};
use crate::accounts::{Role, Scope};
use crate::config::{Config, Overrides, StorageBackend};
use crate::startup::Application;
use crate::{db, graphql, observability};

/// Projector: a headless video and podcast CMS.
///
/// One binary serves the GraphQL API, the media, feeds and the web app. With no configuration
/// it keeps everything under ./data (SQLite, local media) and listens on 127.0.0.1:8080.
/// Settings come from defaults, then projector.toml, then PROJECTOR_* environment variables,
/// then these flags.
#[derive(Parser, Debug)]
#[command(name = "projector", version, about, long_about)]
pub struct Cli {
    /// Configuration file (default: ./projector.toml when it exists).
    #[arg(long, global = true, env = "PROJECTOR_CONFIG")]
    pub config: Option<PathBuf>,
    /// Database URL: sqlite://path or postgres://user:pass@host/db.
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// Directory for the embedded default's files (database, media, keys).
    #[arg(long, global = true)]
    pub data_dir: Option<String>,
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the API, media, feeds and web app (the default). Applies migrations first.
    Serve {
        /// Address to listen on, e.g. 0.0.0.0:8080.
        #[arg(long)]
        listen: Option<String>,
        /// Transcoding workers to run inside the server (0: none).
        #[arg(long)]
        workers: Option<u32>,
    },
    /// Run transcoding workers only (scale out: any number of machines sharing the database
    /// and the storage).
    Worker {
        /// Jobs to run at once.
        #[arg(long, default_value_t = 1)]
        concurrency: u32,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create a small demo catalogue (channels, videos, a playlist, a podcast) if the
    /// database has no channels yet.
    Demo,
    /// Print the GraphQL schema (SDL), as committed in schema.graphql.
    ExportSchema {
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Manage users.
    User {
        /// What to do with users.
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens for third-party sites.
    Token {
        /// What to do with tokens.
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Move media between backends and tidy it up.
    Storage {
        /// What to do with the media storage.
        #[command(subcommand)]
        command: StorageCommand,
    },
}

/// `projector storage ...`
#[derive(Subcommand, Debug)]
pub enum StorageCommand {
    /// Copy every object from the configured backend (storage.backend) to the other one,
    /// verifying the size and SHA-256 of each copy. Safe to run again after an interruption:
    /// objects already copied and verified are skipped. Changes no configuration.
    Migrate {
        /// The backend to copy to: s3 (storage.s3 settings) or local (media_dir).
        #[arg(long, value_parser = parse_backend)]
        to: StorageBackend,
        /// Objects copied at once.
        #[arg(long, default_value_t = 4)]
        concurrency: usize,
    },
    /// Remove expired uploads and orphaned assets and objects now (the server does this hourly).
    Sweep,
}

fn parse_backend(raw: &str) -> Result<StorageBackend, String> {
    match raw {
        "s3" => Ok(StorageBackend::S3),
        "local" => Ok(StorageBackend::Local),
        other => Err(format!("`{other}` is not a backend: use s3 or local")),
    }
}

/// `projector user ...`
#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user, e.g. the first admin: `projector user create --email a@b.c --password ... --role admin`.
    Create {
        /// Login email.
        #[arg(long)]
        email: String,
        /// Password (at least 8 characters). Also read from PROJECTOR_NEW_USER_PASSWORD.
        #[arg(long, env = "PROJECTOR_NEW_USER_PASSWORD", hide_env_values = true)]
        password: String,
        /// admin, editor or viewer.
        #[arg(long)]
        role: String,
        /// Name shown to others.
        #[arg(long)]
        display_name: Option<String>,
    },
}

/// `projector token ...`
#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create an API token and print it (shown once).
    Create(NewToken),
}

/// `projector token create`'s options.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct NewToken {
    /// A name to recognise it by.
    #[arg(long)]
    pub name: String,
    /// What it may do, comma-separated: read, write, upload, webhooks (`read` alone: public
    /// content only).
    #[arg(long, conflicts_with = "scope", required_unless_present = "scope")]
    pub capabilities: Option<String>,
    /// Deprecated: `read` (capability read) or `write` (read, write, upload).
    #[arg(long)]
    pub scope: Option<String>,
    /// A channel (slug or ID) it may change; repeat for more. None: every channel its owner
    /// may edit.
    #[arg(long = "channel")]
    pub channels: Vec<String>,
    /// It stops working after this many days (1 to 365). None: never.
    #[arg(long)]
    pub expires_in_days: Option<i64>,
    /// Email of the owning user (default: the oldest admin).
    #[arg(long)]
    pub owner: Option<String>,
}

impl Cli {
    fn overrides(&self) -> Overrides {
        let mut o = Overrides {
            database_url: self.database_url.clone(),
            data_dir: self.data_dir.clone(),
            ..Overrides::default()
        };
        if let Some(Command::Serve { listen, workers }) = &self.command {
            o.listen = listen.clone();
            o.workers = *workers;
        }
        o
    }
}

/// Runs the command line; returns the process exit code.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Some(Command::ExportSchema { output }) = &cli.command {
        let sdl = graphql::sdl();
        match output {
            Some(path) => std::fs::write(path, sdl)
                .with_context(|| format!("cannot write {}", path.display()))?,
            None => print!("{sdl}"),
        }
        return Ok(());
    }

    let mut config = Config::load(cli.config.as_deref(), &cli.overrides())?;
    // A data dir given on its own moves everything that lives under it by default.
    if let Some(dir) = &cli.data_dir {
        relocate_under(&mut config, dir);
    }
    observability::init_tracing(&config);

    match cli.command.unwrap_or(Command::Serve {
        listen: None,
        workers: None,
    }) {
        Command::Serve { .. } => {
            tracing::info!("effective configuration:\n{}", config.masked());
            let app = Application::build(config).await?;
            tracing::info!(addr = %app.local_addr()?, "projector listening");
            app.run_until_stopped().await
        }
        Command::Worker { concurrency } => worker(config, concurrency).await,
        Command::Migrate => {
            let conn = db::connect(&config).await?;
            db::migrate(&conn).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Demo => demo(config).await,
        Command::ExportSchema { .. } => Ok(()),
        Command::User {
            command:
                UserCommand::Create {
                    email,
                    password,
                    role,
                    display_name,
                },
        } => {
            let role = Role::parse(&role)?;
            let new = NewUser {
                email,
                password,
                role,
                display_name,
            };
            create_user(&config, new).await
        }
        Command::Token {
            command: TokenCommand::Create(new),
        } => {
            let (token, secret) = create_token(&config, &new).await?;
            eprintln!(
                "created token `{}` ({}) (shown once; store it now):",
                token.name, token.capabilities
            );
            println!("{secret}");
            Ok(())
        }
        Command::Storage {
            command: StorageCommand::Migrate { to, concurrency },
        } => migrate_storage(&config, to, concurrency).await,
        Command::Storage {
            command: StorageCommand::Sweep,
        } => sweep(config).await,
    }
}

/// The error as the operator at the terminal sees it: internal details included (API clients
/// never see them).
fn detail(e: crate::AppError) -> anyhow::Error {
    match e {
        crate::AppError::Internal(cause) => anyhow::anyhow!("{cause:#}"),
        other => anyhow::anyhow!("{other}"),
    }
}

/// `projector worker`: transcodes until stopped.
async fn worker(config: Config, concurrency: u32) -> anyhow::Result<()> {
    let stop = crate::startup::shutdown_signal();
    let ctx = crate::startup::build_ctx(config).await?;
    let handles = crate::transcode::worker::spawn(&ctx, concurrency.max(1));
    tracing::info!(concurrency, "worker started; waiting for jobs");
    stop.await;
    ctx.shutdown.cancel();
    for h in handles {
        let _ = tokio::time::timeout(std::time::Duration::from_secs(10), h).await;
    }
    Ok(())
}

/// `projector demo`: seeds an empty database with demo content and media.
async fn demo(config: Config) -> anyhow::Result<()> {
    let ctx = crate::startup::build_ctx(config).await?;
    let seeded = crate::demo::seed(&ctx.db).await.map_err(detail)?;
    if seeded == crate::demo::Seeded::default() {
        println!("the database already has channels; nothing created");
    } else {
        let media = crate::demo::seed_media(&ctx).await.map_err(detail)?;
        println!("generated {media} media files; `projector serve` transcodes them");
        println!(
            "created {} channels, {} videos, {} playlist, {} podcast with {} episodes",
            seeded.channels, seeded.videos, seeded.playlists, seeded.podcasts, seeded.episodes
        );
    }
    Ok(())
}

/// `projector user create`.
async fn create_user(config: &Config, new: NewUser) -> anyhow::Result<()> {
    let conn = db::connect(config).await?;
    db::migrate(&conn).await?;
    let user = service::create_user(&conn, new).await?;
    println!("created {} {} ({})", user.role, user.email, user.id);
    Ok(())
}

/// `projector token create`: a token for `owner`'s account, else the oldest admin's, with the
/// capabilities, channels and expiry asked for; the same checks as `createApiToken` (a bad
/// value creates nothing). Returns the token and its secret.
pub async fn create_token(
    config: &Config,
    new: &NewToken,
) -> anyhow::Result<(crate::accounts::entity::api_token::Model, String)> {
    let capabilities = match (&new.capabilities, &new.scope) {
        (Some(list), _) => parse_capabilities(list)?,
        (None, Some(scope)) => Capabilities::of_scope(Scope::parse(scope)?),
        (None, None) => anyhow::bail!("give --capabilities (or the deprecated --scope)"),
    };
    let conn = db::connect(config).await?;
    db::migrate(&conn).await?;
    let owner = match &new.owner {
        Some(email) => service::find_user_by_email(&conn, email)
            .await?
            .with_context(|| format!("no user with email {email}"))?,
        None => user::Entity::find()
            .filter(user::Column::Role.eq(Role::Admin.as_str()))
            .order_by_asc(user::Column::Id)
            .one(&conn)
            .await?
            .context("no admin exists; create one or pass --owner")?,
    };
    let mut channels = Vec::new();
    for wanted in &new.channels {
        let found = match wanted.parse::<uuid::Uuid>() {
            Ok(id) => crate::channels::service::find(&conn, id).await?,
            Err(_) => crate::channels::service::find_by_slug(&conn, wanted).await?,
        };
        channels.push(found.with_context(|| format!("no channel `{wanted}`"))?.id);
    }
    let expires_at = match new.expires_in_days {
        Some(days) if (1..=service::MAX_TOKEN_DAYS).contains(&days) => {
            Some(chrono::Utc::now() + chrono::Duration::days(days))
        }
        Some(days) => anyhow::bail!(
            "--expires-in-days {days}: give 1 to {}",
            service::MAX_TOKEN_DAYS
        ),
        None => None,
    };
    let request = service::NewApiToken {
        name: new.name.clone(),
        capabilities,
        channels: (!channels.is_empty()).then_some(channels),
        expires_at,
    };
    Ok(service::create_api_token(&conn, &owner, request).await?)
}

/// `read,write,upload,webhooks` (any of them, in any order).
fn parse_capabilities(list: &str) -> anyhow::Result<Capabilities> {
    let mut set = Vec::new();
    for word in list.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        let capability = Capability::ALL
            .into_iter()
            .find(|c| c.as_str() == word.to_ascii_lowercase())
            .with_context(|| {
                format!("unknown capability `{word}` (read, write, upload, webhooks)")
            })?;
        set.push(capability);
    }
    Ok(Capabilities::from_iter(set))
}

/// `projector storage migrate`: copies every object to the other store and verifies it.
async fn migrate_storage(
    config: &Config,
    to: StorageBackend,
    concurrency: usize,
) -> anyhow::Result<()> {
    let from = config.storage.backend;
    let options = crate::media::migrate::Options {
        concurrency,
        limit: None,
    };
    let report = crate::media::migrate::run(config, to, &options).await?;
    println!("{report}");
    for (key, reason) in &report.failures {
        eprintln!("failed: {key}: {reason}");
    }
    if report.failed > 0 {
        anyhow::bail!(
            "{} objects were not migrated; run the command again once the cause is fixed",
            report.failed
        );
    }
    let name = crate::media::migrate::backend_name;
    println!(
        "every object of the {from} store is on the {to} store and verified. Next: stop \
         the servers and workers, run this again to copy anything written meanwhile, set \
         storage.backend = \"{to}\" (PROJECTOR_STORAGE__BACKEND={to}), start them again.",
        from = name(from),
        to = name(to),
    );
    Ok(())
}

/// `projector storage sweep`: clears expired uploads, stray staging files and orphans.
async fn sweep(config: Config) -> anyhow::Result<()> {
    let ctx = crate::startup::build_ctx(config).await?;
    let report = crate::startup::sweep(&ctx).await.map_err(detail)?;
    println!(
        "removed {} expired uploads, {} stray staging files, {} orphaned assets, {} objects without an asset",
        report.expired_uploads, report.staging_files, report.orphans.assets, report.orphans.objects
    );
    Ok(())
}

fn relocate_under(config: &mut Config, dir: &str) {
    let defaults = Config::default();
    let base = PathBuf::from(dir);
    if config.media_dir == defaults.media_dir {
        config.media_dir = base.join("media");
    }
    if secrecy::ExposeSecret::expose_secret(&config.database_url)
        == secrecy::ExposeSecret::expose_secret(&defaults.database_url)
    {
        config.database_url = secrecy::SecretString::from(format!(
            "sqlite://{}",
            base.join("projector.db").display()
        ));
    }
}
