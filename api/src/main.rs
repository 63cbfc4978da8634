//! The `projector` binary: parses the command line and hands over to the library.

use clap::Parser as _;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = projector_api::cli::Cli::parse();
    match projector_api::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // One clear line; the chain carries the cause (e.g. the configuration key).
            eprintln!("projector: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
