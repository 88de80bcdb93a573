//! Story data.
