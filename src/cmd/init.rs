//! `broadside init`
use crate::cli::InitArgs;
use crate::diagnostic::{Error, Result};
pub fn run(_: &InitArgs) -> Result<()> {
    Err(Error::Usage("not yet".into()))
}
