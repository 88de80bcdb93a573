//! `broadside check`
use crate::cli::CheckArgs;
use crate::diagnostic::{Error, Result};
pub fn run(_: &CheckArgs) -> Result<()> {
    Err(Error::Usage("not yet".into()))
}
