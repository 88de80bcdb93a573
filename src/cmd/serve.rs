//! `broadside serve`
use crate::cli::ServeArgs;
use crate::diagnostic::{Error, Result};
pub fn run(_: &ServeArgs) -> Result<()> {
    Err(Error::Usage("not yet".into()))
}
