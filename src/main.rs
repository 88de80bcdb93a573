use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = broadside::cli::Cli::parse();
    match broadside::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}
